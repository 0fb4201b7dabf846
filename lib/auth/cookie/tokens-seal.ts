import { CHUNK_SIZE } from "./chunks.js";
import { deflateToBase64Url } from "./deflate.js";
import { inflateBase64Url } from "./inflate.js";
import { openSeal, seal } from "./seal.js";
import type { CookieWrite } from "./serialize.js";
import { secondsLeft, type Session } from "./session.js";
import {
  lifetimeOnly,
  SESSION_COOKIES_BUDGET,
  tokensCookieName,
  type DroppedToken,
  type StoredTokens,
  type TokensOptions,
} from "./tokens.js";
import { deletion } from "./serialize.js";
import { secretScope, VerifiedMemo } from "./verified-memo.js";

/** Sealing and opening the tokens cookie (see tokens.ts), on the Node runtime. */

/** Tokens larger than this (as JSON) are never stored, nor inflated from a cookie. */
const MAX_TOKENS_BYTES = 16 * 1024;

/**
 * The sealed tokens cookie for `tokens`, within the room the identity leaves: at most one cookie, and together with
 * the identity's `identityLength` characters at most {@link SESSION_COOKIES_BUDGET}. Compressed when that makes it
 * fit. What still does not fit is left out, least needed first: the exposed ID token, then the access token (a
 * refresh gets a new one), then the refresh token. With nothing left, the cookie is deleted.
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
  const kept: Record<string, unknown> = { ...tokens };
  const dropped: DroppedToken[] = [];
  const order: Array<[keyof StoredTokens, DroppedToken]> = [
    ["idToken", "ID token"],
    ["accessToken", "access token"],
    ["refreshToken", "refresh token"],
  ];
  for (;;) {
    const body = contents(kept as unknown as StoredTokens);
    if (ttl > 0 && Object.keys(body).length > 0 && JSON.stringify(body).length <= MAX_TOKENS_BYTES) {
      const value = await smallestSeal(kept as unknown as StoredTokens, body, secrets, ttl, room);
      if (value !== undefined) return { write: { name, value, secure, maxAge: ttl }, value, dropped };
    }
    const next = order.find(([key]) => kept[key] !== undefined);
    if (next === undefined) return { write: deletion(name, secure), value: undefined, dropped };
    delete kept[next[0]];
    if (next[0] === "accessToken") delete kept["accessTokenExpiresAt"];
    dropped.push(next[1]);
  }
}

function contents(tokens: StoredTokens): Record<string, unknown> {
  return {
    ...(tokens.accessToken === undefined ? {} : { a: tokens.accessToken }),
    ...(tokens.accessTokenExpiresAt === undefined ? {} : { x: tokens.accessTokenExpiresAt }),
    ...(tokens.refreshToken === undefined ? {} : { r: tokens.refreshToken }),
    ...(tokens.idToken === undefined ? {} : { d: tokens.idToken }),
  };
}

async function smallestSeal(
  tokens: StoredTokens,
  body: Record<string, unknown>,
  secrets: readonly string[],
  ttl: number,
  room: number,
): Promise<string | undefined> {
  const head = { v: 1, i: tokens.sessionId, n: tokens.issuedAt };
  const plain = await seal({ ...head, ...body }, secrets, ttl);
  if (plain.length <= room) return plain;
  const compressed = await seal({ ...head, z: await deflateToBase64Url(JSON.stringify(body)) }, secrets, ttl);
  return compressed.length <= room ? compressed : undefined;
}

/** Verified tokens cookies, per process (like the identity's memo, smaller). */
const memo = new VerifiedMemo<StoredTokens>({ maxEntries: 2_000, maxWeight: 4 * 1024 * 1024 });

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
    tokens = opened ? parseTokens(opened.data) : undefined;
    if (!opened || tokens === undefined) return undefined;
    memo.set(value, scope, tokens, opened.acceptedUntil, value.length + 2 * opened.plaintextLength + 256);
  }
  return tokens.sessionId === sessionId ? tokens : undefined;
}

function parseTokens(data: Record<string, unknown>): StoredTokens | undefined {
  let body: Record<string, unknown> = data;
  if (typeof data["z"] === "string") {
    const text = inflateBase64Url(data["z"], MAX_TOKENS_BYTES);
    try {
      const parsed: unknown = text === undefined ? undefined : JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
      body = parsed as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  const text = (from: Record<string, unknown>, key: string) =>
    typeof from[key] === "string" ? (from[key] as string) : undefined;
  const time = (from: Record<string, unknown>, key: string) =>
    typeof from[key] === "number" && Number.isFinite(from[key]) ? (from[key] as number) : undefined;
  const sessionId = text(data, "i");
  const issuedAt = time(data, "n");
  if (data["v"] !== 1 || sessionId === undefined || issuedAt === undefined) return undefined;
  return Object.freeze({
    sessionId,
    issuedAt,
    accessToken: text(body, "a"),
    accessTokenExpiresAt: time(body, "x"),
    refreshToken: text(body, "r"),
    idToken: text(body, "d"),
  });
}

/** Forgets every remembered tokens cookie (tests and benchmarks). */
export function clearTokensMemo(): void {
  memo.clear();
}
