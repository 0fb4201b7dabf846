import { chunkCookieNames, splitValue } from "./chunks.js";
import { inflateBase64Url } from "./inflate.js";
import { cookieNames, IDENTITY_MAX_AGE } from "./names.js";
import { openSeal } from "./seal.js";
import { deletion, type CookieJar, type CookieWrite } from "./serialize.js";
import { secretScope, VerifiedMemo, type VerifiedMemoLimits } from "./verified-memo.js";

/**
 * The edge-safe half of the identity cookie: its shape, writing an already sealed value and reading (inflating) its
 * record. Kept free of compression code so the middleware can check and re-seal a cookie without bundling
 * `CompressionStream` (Next refuses it in middleware builds): inflating uses a pure decoder (inflate-raw.ts).
 * Encoding claims lives in identity.ts.
 *
 * `{ v: 1, u: IdentityRecord }` when small, `{ v: 1, z: base64url(deflate-raw(JSON of IdentityRecord)) }` when large,
 * plus the {@link SessionFields} that both the gate and getUser() check without decompressing anything.
 */
export interface IdentityRecord {
  /** ID token claims plus `provider`. */
  c: Record<string, unknown>;
  /** Tokens exposed by `expose_tokens`, in cookies of earlier versions (tokens now live in the tokens cookie). */
  t?: { id?: string; access?: string };
  /** The raw ID token, kept only for `id_token_hint` at logout and only while it fits. */
  h?: string;
}

/** Outside the (possibly compressed) record, so the edge gate can read them. Absent in cookies of earlier versions. */
export type SessionFields = {
  /** The provider that logged the user in. */
  p?: string;
  /** Fingerprint of that provider's `server_metadata_url` at login (see session.ts). */
  s?: string;
  /** Login time, ms since the epoch: the session ends at this time plus its lifetime, whatever re-seals happen. */
  lt?: number;
  /** Last recorded activity, ms since the epoch (for `session_idle_timeout`). */
  la?: number;
  /** Session id, fixed at login: the tokens cookie names it, so it is never used with another login's identity. */
  i?: string;
  /** 1 when the app's login hook reshaped the claims: a refresh must run the hook again, not store the raw ones. */
  r?: 1;
};

/** UTF-8 bytes of the identity's JSON (claims, exposed tokens, the logout hint while it fits). */
export const MAX_IDENTITY_BYTES = 16 * 1024;

export type SealedIdentity = ({ v: 1; u: IdentityRecord } | { v: 1; z: string }) & SessionFields;

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

/**
 * Bounds of the memo of verified identity cookies, per runtime instance (the edge middleware and the Node server each
 * hold one): at most 5,000 cookies and 8 Mi characters of cookie values plus their decrypted (and, when compressed,
 * inflated) JSON. A typical identity cookie (1-2 KB) weighs about 2-3 K, so the weight bound is what limits.
 */
export const IDENTITY_MEMO_LIMITS: Readonly<VerifiedMemoLimits> = Object.freeze({
  maxEntries: 5_000,
  maxWeight: 8 * 1024 * 1024,
});
/** Estimated bookkeeping per entry beyond its characters (Map slot, entry objects). */
const ENTRY_OVERHEAD = 256;

/** A verified identity cookie value. Everything in it is deeply frozen: it is shared by every request that sends the value. */
export interface OpenedIdentity {
  readonly data: Readonly<SealedIdentity>;
  /** False when an older secret opened it: the middleware re-seals it with the newest. */
  readonly sealedWithNewest: boolean;
  /** The last moment (ms since the epoch) the seal is accepted (its expiration plus iron's skew). */
  readonly acceptedUntil: number;
  /** The decoded record, once known (a compressed one is inflated on first use, see {@link withRecord}). */
  readonly record?: Readonly<IdentityRecord>;
  readonly weight: number;
}

/** An opened identity whose record is known (inflated when it was compressed). */
export type RecordedIdentity = OpenedIdentity & { readonly record: Readonly<IdentityRecord> };

const memo = new VerifiedMemo<OpenedIdentity>(IDENTITY_MEMO_LIMITS);

/**
 * The verified identity in a (joined) identity cookie value, or `undefined`. A value seen before under the same secret
 * set and not yet expired is answered from the memo; anything else is fully verified (and remembered if valid).
 */
export async function openIdentity(value: string, secrets: readonly string[]): Promise<OpenedIdentity | undefined> {
  const scope = secretScope(secrets);
  const hit = memo.get(value, scope);
  if (hit !== undefined) return hit;
  const opened = await openSeal(value, secrets, Date.now());
  if (!opened || !isSealedIdentity(opened.data)) return undefined;
  const data = deepFreeze(opened.data as SealedIdentity);
  const identity: OpenedIdentity = Object.freeze({
    data,
    sealedWithNewest: opened.sealedWithNewest,
    acceptedUntil: opened.acceptedUntil,
    ...("u" in data ? { record: data.u } : {}),
    weight: value.length + opened.plaintextLength + ENTRY_OVERHEAD,
  });
  memo.set(value, scope, identity, identity.acceptedUntil, identity.weight);
  return identity;
}

/**
 * The opened identity with its record: a compressed one is inflated (at most {@link MAX_IDENTITY_BYTES}) and the
 * result remembered with the cookie. Undefined when the record cannot be read: not deflate data, over the cap, not
 * JSON, or no claims.
 */
export function withRecord(
  value: string,
  secrets: readonly string[],
  opened: OpenedIdentity,
): RecordedIdentity | undefined {
  if (opened.record) return { ...opened, record: opened.record };
  if (!("z" in opened.data)) return undefined;
  const text = inflateBase64Url(opened.data.z, MAX_IDENTITY_BYTES);
  if (text === undefined) return undefined;
  const record = parseRecord(text);
  if (!record) return undefined;
  // The inflated size counts against the memo's bound.
  const identity: RecordedIdentity = Object.freeze({
    ...opened,
    record: deepFreeze(record),
    weight: opened.weight + text.length,
  });
  memo.set(value, secretScope(secrets), identity, identity.acceptedUntil, identity.weight);
  return identity;
}

function parseRecord(text: string): IdentityRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    return isClaims((parsed as Record<string, unknown>)["c"]) ? (parsed as IdentityRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Entries and weight of the memo (for tests and the benchmark). */
export function identityMemoStats(): { size: number; weight: number; limits: Readonly<VerifiedMemoLimits> } {
  return { size: memo.size, weight: memo.weight, limits: memo.limits };
}

/** Forgets every remembered cookie (tests and benchmarks). */
export function clearIdentityMemo(): void {
  memo.clear();
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
