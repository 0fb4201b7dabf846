import "server-only";
import { cookies, headers } from "next/headers.js";
import { parseCookieHeader, type CookieJar, type CookieWrite } from "../cookie/serialize.js";

/**
 * The current request's cookies (server components, route handlers, server actions) as a read-only jar, parsed from
 * the Cookie header by the same rule as the gate and the auth routes: when a name repeats, the first value wins (the
 * browser sends the most specific cookie first). Next's `cookies()` would keep the last one.
 */
export async function requestJar(): Promise<CookieJar> {
  return parseCookieHeader((await headers()).get("cookie"));
}

/** Applies cookie writes in a server action or route handler (server components cannot set cookies). */
export async function writeCookies(writes: readonly CookieWrite[]): Promise<void> {
  const store = await cookies();
  for (const w of writes) {
    store.set(w.name, w.value, { path: "/", httpOnly: true, sameSite: "lax", secure: w.secure, maxAge: w.maxAge });
  }
}
