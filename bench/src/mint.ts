/**
 * Valid session cookies for the end-to-end builds, each minted by its own library's helper: ours with
 * `testIdentityCookies` (lib/auth/testing.ts), Auth.js with `encode` from @auth/core/jwt (what next-auth/jwt
 * re-exports), nextjs-auth0 with `generateSessionCookie` from @auth0/nextjs-auth0/testing. Bundled by bench/run.mjs.
 */
import { encode } from "@auth/core/jwt";
import { generateSessionCookie } from "@auth0/nextjs-auth0/testing";
import { testCookieHeader, testIdentityCookies } from "../../lib/auth/testing";
import { benchClaims } from "./claims";

export { benchClaims };

/** `Cookie` header value for our identity cookie (plain `auth_user` on http). */
export async function oursCookie(secret: string, origin: string, sub: string): Promise<string> {
  const claims = { ...benchClaims(sub), sub };
  return testCookieHeader(await testIdentityCookies(claims, { cookieSecret: secret, url: origin }));
}

export const AUTHJS_COOKIE = "authjs.session-token";

export async function authjsCookie(secret: string, sub: string): Promise<string> {
  const token = await encode({ token: { ...benchClaims(sub), sub }, secret, salt: AUTHJS_COOKIE });
  return `${AUTHJS_COOKIE}=${token}`;
}

export async function auth0Cookie(secret: string, sub: string): Promise<string> {
  const value = await generateSessionCookie(
    { user: { ...benchClaims(sub), sub }, tokenSet: { accessToken: "bench-access-token", expiresAt: Math.floor(Date.now() / 1000) + 3600 } },
    { secret },
  );
  return `__session=${value}`;
}
