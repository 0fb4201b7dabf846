import type { SessionPolicy } from "../config/types";
import { CHUNK_SIZE } from "./chunks";
import { openSeal, seal } from "./seal";
import { deletion, type CookieJar, type CookieWrite } from "./serialize";
import { secondsLeft, type Session } from "./session";
import { secretScope, VerifiedMemo } from "./verified-memo";

/**
 * The tokens cookie: the login's access token (with its expiry), refresh token, and the ID token when `expose_tokens`
 * names it, sealed like the identity (AES-256-CBC + HMAC-SHA256 with `cookie_secret`), `HttpOnly`, never read by the
 * browser, never put into a page. It names the session id of the identity it belongs to and is ignored beside any
 * other identity. It lives until the session's absolute end: the identity decides whether the session is current.
 *
 * `{ v: 1, i: session id, n: issued (ms), a?: access token, x?: its expiry (ms), r?: refresh token, d?: ID token }`
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

/** What had to be left out to keep the identity and the tokens within two cookies (see {@link tokensCookie}). */
export type DroppedToken = "ID token" | "access token" | "refresh token";

export function tokensCookieName(secure: boolean): string {
  return secure ? "__Host-auth_tokens" : "auth_tokens";
}

/**
 * The identity and the tokens together stay within two cookies' worth (the identity's own cap, MAX_IDENTITY_CHUNKS),
 * so the Cookie header stays under 8 KB.
 */
export const SESSION_COOKIES_BUDGET = CHUNK_SIZE * 2;

interface TokensOptions {
  secrets: readonly string[];
  secure: boolean;
  policy?: SessionPolicy | undefined;
}

/**
 * The sealed tokens cookie for `tokens`, within the room the identity leaves: at most one cookie, and together with
 * the identity's `identityLength` characters at most {@link SESSION_COOKIES_BUDGET}. What does not fit is left out,
 * least needed first: the exposed ID token, then the access token (a refresh gets a new one), then the refresh token.
 * With nothing left, the cookie is deleted.
 */
export async function tokensCookie(
  tokens: StoredTokens,
  session: Pick<Session, "loginTime">,
  identityLength: number,
  { secrets, secure, policy }: TokensOptions,
): Promise<{ write: CookieWrite; value: string | undefined; dropped: DroppedToken[] }> {
  const name = tokensCookieName(secure);
  const room = Math.min(CHUNK_SIZE, SESSION_COOKIES_BUDGET - identityLength);
  // Until the absolute end: the identity (renewed on activity) carries the idle timeout.
  const ttl = secondsLeft({ loginTime: session.loginTime, lastActivity: session.loginTime }, lifetimeOnly(policy));
  const kept = { ...tokens };
  const dropped: DroppedToken[] = [];
  const order: Array<[keyof StoredTokens, DroppedToken]> = [
    ["idToken", "ID token"],
    ["accessToken", "access token"],
    ["refreshToken", "refresh token"],
  ];
  for (let step = 0; ; step++) {
    if (ttl > 0 && (kept.accessToken !== undefined || kept.refreshToken !== undefined || kept.idToken !== undefined)) {
      const value = await seal(sealedForm(kept), secrets, ttl);
      if (value.length <= room) return { write: { name, value, secure, maxAge: ttl }, value, dropped };
    }
    const next = order.slice(step).find(([key]) => kept[key] !== undefined);
    if (next === undefined) return { write: deletion(name, secure), value: undefined, dropped };
    delete (kept as Record<string, unknown>)[next[0]];
    if (next[0] === "accessToken") delete (kept as Record<string, unknown>)["accessTokenExpiresAt"];
    dropped.push(next[1]);
  }
}

/** Writes an already sealed tokens cookie value (a successor found in memory), to last until the session's end. */
export function sealedTokensWrite(
  value: string,
  session: Pick<Session, "loginTime">,
  { secure, policy }: Pick<TokensOptions, "secure" | "policy">,
  now = Date.now(),
): CookieWrite | undefined {
  const maxAge = secondsLeft({ loginTime: session.loginTime, lastActivity: session.loginTime }, lifetimeOnly(policy), now);
  return maxAge > 0 ? { name: tokensCookieName(secure), value, secure, maxAge } : undefined;
}

function lifetimeOnly(policy: SessionPolicy | undefined): SessionPolicy | undefined {
  return policy === undefined ? undefined : { lifetime: policy.lifetime };
}

function sealedForm(tokens: StoredTokens): Record<string, unknown> {
  return {
    v: 1,
    i: tokens.sessionId,
    n: tokens.issuedAt,
    ...(tokens.accessToken === undefined ? {} : { a: tokens.accessToken }),
    ...(tokens.accessTokenExpiresAt === undefined ? {} : { x: tokens.accessTokenExpiresAt }),
    ...(tokens.refreshToken === undefined ? {} : { r: tokens.refreshToken }),
    ...(tokens.idToken === undefined ? {} : { d: tokens.idToken }),
  };
}

/** Verified tokens cookies, per process (like the identity's memo, smaller). */
const memo = new VerifiedMemo<StoredTokens>({ maxEntries: 2_000, maxWeight: 4 * 1024 * 1024 });

/** The raw value of the tokens cookie, if any. */
export function tokensCookieValue(jar: CookieJar, secure: boolean): string | undefined {
  const value = jar.get(tokensCookieName(secure));
  return value === undefined || value === "" ? undefined : value;
}

/** The tokens in `value` when it is a valid, unexpired tokens cookie of the session `sessionId`; otherwise undefined. */
export async function openTokens(
  value: string,
  secrets: readonly string[],
  sessionId: string | undefined,
): Promise<StoredTokens | undefined> {
  if (sessionId === undefined) return undefined;
  const scope = secretScope(secrets);
  let tokens = memo.get(value, scope);
  if (tokens === undefined) {
    const opened = await openSeal(value, secrets, Date.now());
    tokens = opened && parseTokens(opened.data);
    if (!opened || tokens === undefined) return undefined;
    memo.set(value, scope, tokens, opened.acceptedUntil, value.length + opened.plaintextLength + 256);
  }
  return tokens.sessionId === sessionId ? tokens : undefined;
}

function parseTokens(data: Record<string, unknown>): StoredTokens | undefined {
  const text = (key: string) => (typeof data[key] === "string" ? (data[key] as string) : undefined);
  const time = (key: string) => (typeof data[key] === "number" && Number.isFinite(data[key]) ? (data[key] as number) : undefined);
  const sessionId = text("i");
  const issuedAt = time("n");
  if (data["v"] !== 1 || sessionId === undefined || issuedAt === undefined) return undefined;
  return Object.freeze({
    sessionId,
    issuedAt,
    accessToken: text("a"),
    accessTokenExpiresAt: time("x"),
    refreshToken: text("r"),
    idToken: text("d"),
  });
}

export function tokensDeletion(jar: CookieJar, secure: boolean): CookieWrite[] {
  return jar.has(tokensCookieName(secure)) ? [deletion(tokensCookieName(secure), secure)] : [];
}

/** Forgets every remembered tokens cookie (tests and benchmarks). */
export function clearTokensMemo(): void {
  memo.clear();
}
