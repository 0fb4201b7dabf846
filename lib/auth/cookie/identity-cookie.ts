import { chunkCookieNames, splitValue } from "./chunks";
import { cookieNames, IDENTITY_MAX_AGE } from "./names";
import { deletion, type CookieJar, type CookieWrite } from "./serialize";

/**
 * The edge-safe half of the identity cookie: its shape and writing an already sealed value. Kept free of
 * compression code so the middleware can check and re-seal a cookie without bundling `CompressionStream` (Next
 * refuses it in middleware builds). Encoding and decoding claims live in identity.ts.
 *
 * `{ v: 1, u: IdentityRecord }` when small, `{ v: 1, z: base64url(deflate-raw(JSON of IdentityRecord)) }` when large.
 */
export interface IdentityRecord {
  /** ID token claims plus `provider`. */
  c: Record<string, unknown>;
  /** Tokens exposed by `expose_tokens`. */
  t?: { id?: string; access?: string };
  /** The raw ID token, kept only for `id_token_hint` at logout and only while it fits. */
  h?: string;
}

export type SealedIdentity = { v: 1; u: IdentityRecord } | { v: 1; z: string };

export function isSealedIdentity(data: Record<string, unknown>): data is SealedIdentity {
  if (data["v"] !== 1) return false;
  if (typeof data["z"] === "string") return true;
  const u = data["u"];
  return typeof u === "object" && u !== null && isClaims((u as Record<string, unknown>)["c"]);
}

export function isClaims(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>)["sub"] === "string"
  );
}

/** Writes an already sealed identity, plus deletions of chunk cookies left over from a previous, larger one. */
export function sealedIdentityCookies(
  sealed: string,
  jar: CookieJar,
  secure: boolean,
  maxAge = IDENTITY_MAX_AGE,
): CookieWrite[] {
  const name = cookieNames(secure).identity;
  const writes: CookieWrite[] = splitValue(name, sealed).map((c) => ({ ...c, secure, maxAge }));
  const written = new Set(writes.map((w) => w.name));
  for (const stale of chunkCookieNames(name, jar)) if (!written.has(stale)) writes.push(deletion(stale, secure));
  return writes;
}

export function identityDeletions(jar: CookieJar, secure: boolean): CookieWrite[] {
  return chunkCookieNames(cookieNames(secure).identity, jar).map((name) => deletion(name, secure));
}
