import { handleCallback } from "@/lib/auth/routes/callback";
import { handleLogin } from "@/lib/auth/routes/login";
import { Jar } from "./cookie-jar";

/** A whole login through the route handlers against a real provider on loopback (the local one: any user name). */

export const request = (url: string, jar?: Jar): Request =>
  new Request(url, { headers: { ...(jar ? { cookie: jar.header() } : {}), "sec-fetch-site": "same-origin" } });

/** What the provider side of a login may share with the test. */
export interface ProviderVisit {
  /** The browser's cookies at the provider (its session), kept across logins; a fresh jar by default. */
  idpJar?: Jar;
  /** Receives each sign-in page the provider showed (none when its session sufficed). */
  signInPages?: string[];
}

/**
 * The provider side with fetch: authorize, sign in as `user` on the local provider when it asks, return the callback
 * URL.
 */
export async function signInAtProvider(
  authorizeUrl: string,
  user: string,
  redirectUri: string,
  { idpJar = new Jar(), signInPages }: ProviderVisit = {},
): Promise<string> {
  let url = authorizeUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 12; hop++) {
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: idpJar.header() },
    });
    idpJar.apply(response);
    init = {};
    const location = response.headers.get("location");
    if (location) {
      const next = new URL(location, url).href;
      if (next.startsWith(redirectUri)) return next;
      url = next;
      continue;
    }
    if (response.status === 200 && url.includes("/interaction/")) {
      signInPages?.push(await response.text());
      url = `${url.replace(/\/$/, "")}/login`;
      init = {
        method: "POST",
        body: new URLSearchParams({ login: user }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      };
      continue;
    }
    throw new Error(`unexpected ${response.status} at ${url}`);
  }
  throw new Error("too many redirects");
}

/** Logs `user` in with `provider` of the app at `app`; the returned jar holds the app's cookies. */
export async function logIn(app: string, user: string, provider = "default"): Promise<Jar> {
  const jar = new Jar();
  const start = await handleLogin(request(`${app}/auth/login?provider=${provider}`, jar));
  if (start.status !== 302) throw new Error(`login start answered ${start.status}: ${await start.text()}`);
  jar.apply(start);
  const redirectUri = new URL(start.headers.get("location")!).searchParams.get("redirect_uri")!;
  const callback = await signInAtProvider(start.headers.get("location")!, user, redirectUri);
  const done = await handleCallback(request(callback, jar));
  if (done.status !== 303) throw new Error(`callback answered ${done.status}: ${await done.text()}`);
  jar.apply(done);
  return jar;
}
