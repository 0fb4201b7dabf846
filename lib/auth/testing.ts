import { identityCookies } from "./cookie/identity.js";
import type { StandardClaims } from "./user/user.js";

/**
 * Test helpers for app authors: a logged-in identity cookie for any claims, without an identity provider.
 *
 *   // Playwright
 *   await context.addCookies(await testIdentityCookies({ sub: "ada", email: "ada@example.com" },
 *     { cookieSecret: process.env.TEST_COOKIE_SECRET!, url: "http://localhost:3000" }));
 *
 *   // Vitest, against the middleware or any code that takes a Request (getUser() needs Next's request scope)
 *   const cookie = testCookieHeader(await testIdentityCookies({ sub: "ada" }, { cookieSecret }));
 *   await middleware(new NextRequest("http://localhost:3000/protected", { headers: { cookie } }));
 *
 * The cookie is the real thing, sealed with the app's `cookie_secret`, so use a test secret, never production's.
 */

export interface TestIdentityOptions {
  /** The app's `cookie_secret` (the first entry if it is a list). */
  cookieSecret: string | readonly string[];
  /** Where the app runs. Decides `Secure` and the `__Host-` name (https) and is returned for Playwright. */
  url?: string;
  /** The `provider` claim; `"default"` when absent. */
  provider?: string;
  /** Tokens for `user.tokens`; `getUser()` shows only the kinds the app's `expose_tokens` names. */
  tokens?: { id?: string; access?: string };
}

/** One identity cookie, in the shape Playwright's `context.addCookies()` takes. */
export interface TestCookie {
  name: string;
  value: string;
  /** For Playwright's `context.addCookies`. */
  url: string;
  httpOnly: true;
  sameSite: "Lax";
  secure: boolean;
}

/**
 * The identity cookies of a logged-in user with these claims, sealed with the app's `cookie_secret` as a real login
 * would: for `context.addCookies()` in Playwright, or {@link testCookieHeader} for a `Request`.
 */
export async function testIdentityCookies<Claims extends object = StandardClaims>(
  claims: Claims & { sub: string },
  options: TestIdentityOptions,
): Promise<TestCookie[]> {
  const url = options.url ?? "http://localhost:3000";
  const secure = new URL(url).protocol === "https:";
  const secrets = typeof options.cookieSecret === "string" ? [options.cookieSecret] : [...options.cookieSecret];
  const writes = await identityCookies(
    { claims: { ...claims, provider: options.provider ?? "default" }, tokens: options.tokens ?? {} },
    new Map(),
    { secrets, secure },
  );
  return writes.map(({ name, value }) => ({
    name,
    value,
    url: new URL(url).origin,
    httpOnly: true,
    sameSite: "Lax",
    secure,
  }));
}

/** The `Cookie` request header for those cookies. */
export function testCookieHeader(cookies: readonly Pick<TestCookie, "name" | "value">[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}
