import type { SessionPolicy } from "../config/types.js";
import { CHUNK_SIZE } from "./chunks.js";
import { deletion, type CookieJar, type CookieWrite } from "./serialize.js";
import { secondsLeft, type Session } from "./session.js";

/**
 * The tokens cookie: the login's access token (with its expiry), refresh token, and the ID token when `expose_tokens`
 * names it, sealed like the identity (AES-256-CBC + HMAC-SHA256 with `cookie_secret`), `HttpOnly`, never read by the
 * browser, never put into a page. It names the session id of the identity it belongs to and is ignored beside any
 * other identity. It lives until the session's absolute end: the identity decides whether the session is current.
 *
 * `{ v: 1, i: session id, n: issued (ms), a?: access token, x?: its expiry (ms), r?: refresh token, d?: ID token }`,
 * or, when that does not fit, `{ v: 1, i, n, z: base64url(deflate-raw(JSON of { a, x, r, d })) }`. This module is
 * edge-safe (the gate writes values it finds in memory); sealing and opening are in tokens-seal.ts (Node).
 */

export interface StoredTokens {
  readonly sessionId: string;
  /** When the access token was issued, ms since the epoch. */
  readonly issuedAt: number;
  readonly accessToken?: string | undefined;
  /** ms since the epoch; undefined when the provider did not say. */
  readonly accessTokenExpiresAt?: number | undefined;
  readonly refreshToken?: string | undefined;
  /** Only when `expose_tokens` names "id". */
  readonly idToken?: string | undefined;
}

/** What had to be left out to keep the identity and the tokens within two cookies (see tokens-seal.ts). */
export type DroppedToken = "ID token" | "access token" | "refresh token";

export function tokensCookieName(secure: boolean): string {
  return secure ? "__Host-auth_tokens" : "auth_tokens";
}

/**
 * The identity and the tokens together stay within two cookies' worth (the identity's own cap, MAX_IDENTITY_CHUNKS),
 * so the Cookie header stays under 8 KB.
 */
export const SESSION_COOKIES_BUDGET = CHUNK_SIZE * 2;

export interface TokensOptions {
  secrets: readonly string[];
  secure: boolean;
  policy?: SessionPolicy | undefined;
}

/** Writes an already sealed tokens cookie value (a successor found in memory), to last until the session's end. */
export function sealedTokensWrite(
  value: string,
  session: Pick<Session, "loginTime">,
  { secure, policy }: Pick<TokensOptions, "secure" | "policy">,
  now = Date.now(),
): CookieWrite | undefined {
  const maxAge = secondsLeft(
    { loginTime: session.loginTime, lastActivity: session.loginTime },
    lifetimeOnly(policy),
    now,
  );
  return maxAge > 0 ? { name: tokensCookieName(secure), value, secure, maxAge } : undefined;
}

export function lifetimeOnly(policy: SessionPolicy | undefined): SessionPolicy | undefined {
  return policy === undefined ? undefined : { lifetime: policy.lifetime };
}

/** The raw value of the tokens cookie, if any. */
export function tokensCookieValue(jar: CookieJar, secure: boolean): string | undefined {
  const value = jar.get(tokensCookieName(secure));
  return value === undefined || value === "" ? undefined : value;
}

export function tokensDeletion(jar: CookieJar, secure: boolean): CookieWrite[] {
  return jar.has(tokensCookieName(secure)) ? [deletion(tokensCookieName(secure), secure)] : [];
}
