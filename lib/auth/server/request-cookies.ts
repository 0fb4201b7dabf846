import { cookies } from "next/headers";
import type { CookieJar, CookieWrite } from "../cookie/serialize";

/** The current request's cookies (server components, route handlers, server actions) as a read-only jar. */
export async function requestJar(): Promise<CookieJar> {
  return new Map((await cookies()).getAll().map((c) => [c.name, c.value] as const));
}

/** Applies cookie writes in a server action or route handler (server components cannot set cookies). */
export async function writeCookies(writes: readonly CookieWrite[]): Promise<void> {
  const store = await cookies();
  for (const w of writes) {
    store.set(w.name, w.value, { path: "/", httpOnly: true, sameSite: "lax", secure: w.secure, maxAge: w.maxAge });
  }
}
