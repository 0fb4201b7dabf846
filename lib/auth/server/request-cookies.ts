import "server-only";
import { cookies, headers } from "next/headers.js";
import { parseCookieHeader, type CookieJar, type CookieWrite } from "../cookie/serialize.js";

/**
 * The current request's cookies (server components, route handlers, server actions) as a read-only jar, parsed from
 * the Cookie header by the same rule as the gate and the auth routes: when a name repeats, the first value wins (the
 * browser sends the most specific cookie first). Next's `cookies()` would keep the last one.
 *
 * Cookies set or deleted earlier in the same request (a server action, before Next renders the page again) win over
 * the header: `cookies()` shows them, so that render sees the action's result (refreshUser()'s new claims).
 */
export async function requestJar(): Promise<CookieJar> {
  const header = (await headers()).get("cookie");
  const jar = parseCookieHeader(header);
  const store = await cookies();
  const seen = lastValues(header);
  const current = new Map(store.getAll().map((c) => [c.name, c.value] as const));
  for (const [name, value] of current) if (seen.get(name) !== value) jar.set(name, value);
  for (const name of seen.keys()) if (!current.has(name)) jar.delete(name);
  return jar;
}

/** The header's cookies with the last value winning, as Next's `cookies()` reads them before any change. */
function lastValues(header: string | null): Map<string, string> {
  const values = new Map<string, string>();
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name !== "") values.set(name, parseCookieHeader(`x=${part.slice(eq + 1)}`).get("x") ?? "");
  }
  return values;
}

/** Applies cookie writes in a server action or route handler (server components cannot set cookies). */
export async function writeCookies(writes: readonly CookieWrite[]): Promise<void> {
  const store = await cookies();
  for (const w of writes) {
    store.set(w.name, w.value, { path: "/", httpOnly: true, sameSite: "lax", secure: w.secure, maxAge: w.maxAge });
  }
}

/**
 * Applies cookie writes where Next allows it (server actions, route handlers) and reports whether it could: a server
 * component cannot set cookies, and the writes are then left to the next request that can (see token-successors.ts).
 */
export async function tryWriteCookies(writes: readonly CookieWrite[]): Promise<boolean> {
  if (writes.length === 0) return true;
  try {
    await writeCookies(writes);
    return true;
  } catch {
    return false;
  }
}
