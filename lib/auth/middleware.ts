import { NextResponse, type NextRequest } from "next/server";
import { CALLBACK_ROUTE, isAuthRoute, LOGIN_ROUTE } from "./config/base-path";
import { edgeConfigState } from "./config/edge";
import type { AuthConfig } from "./config/types";
import { joinValue } from "./cookie/chunks";
import { openIdentity, sealedIdentityCookies } from "./cookie/identity-cookie";
import { cookieNames } from "./cookie/names";
import { seal, sealExpiresAt, sealedWithOlderSecret } from "./cookie/seal";
import { parseCookieHeader, serializeCookie, type CookieWrite } from "./cookie/serialize";
import { ARRIVAL_PARAM, signArrival } from "./routes/arrival";
import { sameCallbackPath } from "./routes/request";

/**
 * The request gate, on Web APIs only: it runs as edge `middleware.ts` and, unchanged, as Next 16's Node `proxy.ts`.
 *
 * - routes the callback path of `redirect_uri` (any path) to the callback route handler;
 * - sends anonymous visitors of protected paths to `/auth/login?returnTo=...`;
 * - re-seals an identity cookie sealed with an older `cookie_secret` with the newest one (rotation);
 * - lets server actions, prefetches of unprotected pages and static files through untouched.
 *
 * It is a convenience, not the security boundary: `getUser()` checks the cookie again wherever data is served.
 */

export type PathMatcher = ReadonlyArray<string | RegExp> | ((pathname: string) => boolean);

export interface AuthMiddlewareOptions {
  /** Paths that need a logged-in user. `"/admin"` protects `/admin` and everything below it. */
  protect?: PathMatcher;
}

export function authMiddleware(options: AuthMiddlewareOptions = {}): (request: NextRequest) => Promise<NextResponse> {
  const isProtected = compileMatcher(options.protect ?? []);
  return async function middleware(request) {
    const state = edgeConfigState();
    const url = request.nextUrl;
    const fullPath = url.basePath + url.pathname;

    if (state.status === "ok" && isCallback(request, fullPath, state.config.callbackPaths)) {
      const target = url.clone();
      target.pathname = CALLBACK_ROUTE;
      const responseState = url.searchParams.get("state") ?? "";
      target.searchParams.set(
        ARRIVAL_PARAM,
        await signArrival(fullPath, responseState, state.config.cookieSecrets[0]!),
      );
      return NextResponse.rewrite(target);
    }
    // The auth routes manage the cookies themselves (a re-seal must never undo a logout's deletions).
    const authRoute = isAuthRoute(url.pathname);
    // A redirect answering a server action's POST is swallowed by the browser's fetch: the action checks getUser().
    const gated = !authRoute && isProtected(url.pathname) && !request.headers.has("next-action");
    // The cookie is only looked at when the path is gated or a rotation could need a re-seal.
    const look = state.status === "ok" && !authRoute && (gated || state.config.cookieSecrets.length > 1);
    const identity = look
      ? await checkIdentity(parseCookieHeader(request.headers.get("cookie")), state.config, gated)
      : NO_IDENTITY;
    if (!gated || identity.valid) {
      const response = NextResponse.next();
      for (const cookie of identity.rewrite) response.headers.append("set-cookie", serializeCookie(cookie));
      return response;
    }

    if (request.method !== "GET" && request.method !== "HEAD") {
      return new NextResponse("Log in first.", { status: 401, headers: { "cache-control": "no-store" } });
    }
    const login = url.clone();
    login.pathname = LOGIN_ROUTE;
    login.search = "";
    login.searchParams.set("returnTo", url.pathname + url.search);
    return NextResponse.redirect(login, 307);
  };
}

const NO_IDENTITY = { valid: false, rewrite: [] } as const;

/**
 * A request for a configured callback path. A callback at the app's root (`redirect_uri = "https://app/"`) is the
 * callback only when it carries an authorization response; a bare visit there is the home page.
 */
function isCallback(request: NextRequest, fullPath: string, callbackPaths: readonly string[]): boolean {
  const url = request.nextUrl;
  if (sameCallbackPath(fullPath, url.basePath + CALLBACK_ROUTE)) return false;
  if (!callbackPaths.some((path) => sameCallbackPath(path, fullPath))) return false;
  if (url.pathname !== "/") return true;
  const params = url.searchParams;
  return params.has("state") || params.has("code") || params.has("error");
}

/**
 * Whether the request carries a valid identity, and the cookies to write when it was sealed with an older secret.
 * The cookie is only opened when it matters: on protected paths, or when its header names an older secret.
 */
async function checkIdentity(
  jar: ReadonlyMap<string, string>,
  config: AuthConfig,
  gated: boolean,
): Promise<{ valid: boolean; rewrite: readonly CookieWrite[] }> {
  const value = joinValue(cookieNames(config.secure).identity, jar);
  if (value === undefined) return NO_IDENTITY;
  const rotated = config.cookieSecrets.length > 1 && sealedWithOlderSecret(value, config.cookieSecrets);
  if (!gated && !rotated) return NO_IDENTITY;
  const opened = await openIdentity(value, config.cookieSecrets);
  if (!opened) return NO_IDENTITY;
  if (opened.sealedWithNewest) return { valid: true, rewrite: [] };
  // Same lifetime as before: rotating the secret must not extend anyone's 30 days.
  const remaining = Math.floor(((sealExpiresAt(value) ?? 0) - Date.now()) / 1000);
  if (remaining <= 0) return { valid: true, rewrite: [] };
  const resealed = await seal(opened.data, config.cookieSecrets, remaining);
  return { valid: true, rewrite: sealedIdentityCookies(resealed, jar, config.secure, remaining) };
}

export function compileMatcher(matcher: PathMatcher): (pathname: string) => boolean {
  if (typeof matcher === "function") return matcher;
  const tests = matcher.map((m): ((path: string) => boolean) => {
    if (typeof m !== "string") {
      // Without g/y a RegExp keeps no lastIndex between calls, so the same path always gives the same answer.
      const pattern = new RegExp(m.source, m.flags.replace(/[gy]/g, ""));
      return (path) => pattern.test(path);
    }
    const base = m.length > 1 ? m.replace(/\/+$/, "") : m;
    return base === "/" ? () => true : (path) => path === base || path.startsWith(`${base}/`);
  });
  return (path) => tests.some((test) => test(path));
}
