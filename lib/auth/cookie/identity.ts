import { CHUNK_SIZE, joinValue } from "./chunks.js";
import { deflateToBase64Url } from "./deflate.js";
import {
  MAX_IDENTITY_BYTES,
  openIdentity,
  sealedIdentityCookies,
  withRecord,
  type IdentityRecord,
  type SessionFields,
} from "./identity-cookie.js";
import type { SessionPolicy } from "../config/types.js";
import { cookieNames } from "./names.js";
import { seal } from "./seal.js";
import type { CookieJar, CookieWrite } from "./serialize.js";
import { metadataFingerprint, newSessionId, secondsLeft, sessionOf, type Session } from "./session.js";

export { identityDeletions, MAX_IDENTITY_BYTES, sealedIdentityCookies } from "./identity-cookie.js";

/**
 * The identity cookie: ID token claims (+ `provider`), sealed with iron-session until the session ends (30 days after
 * login by default; see session.ts). Large identities are
 * compressed before sealing and then split over at most {@link MAX_IDENTITY_CHUNKS} cookies, so that even a user
 * with hundreds of group claims keeps the whole Cookie header under the 8 KB that proxies such as nginx accept.
 *
 * The decoded identity (claims and exposed tokens, as JSON) is capped at {@link MAX_IDENTITY_BYTES}: a login above it
 * is refused, and a compressed cookie is never inflated past it. Well-compressible claims would otherwise fit the
 * cookies yet cost every page that shows the user (`<AuthProvider>` puts the claims into the page) many times the
 * cookie's size.
 */

export const MAX_IDENTITY_CHUNKS = 2;

export interface Identity {
  /** ID token claims plus `provider`. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Tokens that cookies of earlier versions kept in the identity (they now live in the tokens cookie). */
  readonly tokens: Readonly<{ id?: string; access?: string }>;
  /** For `id_token_hint` at logout. */
  readonly idToken: string | undefined;
  /** Who logged the user in and when: check it with `sessionIsCurrent` before trusting the identity. */
  readonly session: Session;
  /** Whether the app's login hook reshaped the stored claims (so they are not the provider's). */
  readonly reshaped: boolean;
}

export interface NewIdentity {
  /** ID token claims plus `provider`. */
  claims: Record<string, unknown>;
  /**
   * Tokens kept inside the identity, as earlier versions did (read back as `user.tokens`). The library now keeps
   * tokens in the tokens cookie (tokens.ts); this only mints cookies of that earlier shape.
   */
  tokens?: { id?: string; access?: string } | undefined;
  idToken?: string | undefined;
  /** The provider's `server_metadata_url`: the identity ends if it changes. */
  serverMetadataUrl?: string | undefined;
  /** ms since the epoch; now by default. Kept by every later re-seal of the same login. */
  loginTime?: number | undefined;
  /** ms since the epoch; now by default. */
  lastActivity?: number | undefined;
  /** The login's session id; a new one by default. */
  sessionId?: string | undefined;
  /** The app's login hook reshaped the claims. */
  reshaped?: boolean | undefined;
}

export class IdentityTooLargeError extends Error {
  override readonly name = "IdentityTooLargeError";
  constructor(
    readonly size: number,
    readonly limit: number,
    readonly unit: "bytes of claims and tokens" | "characters sealed",
  ) {
    super(
      `The identity is too large to store in cookies (${size} ${unit}, at most ${limit}). ` +
        "Ask the provider for fewer claims (for example fewer groups in the ID token), or stop exposing tokens (expose_tokens).",
    );
  }
}

interface IdentityOptions {
  secrets: readonly string[];
  secure: boolean;
  /** `session_lifetime` / `session_idle_timeout`: the seal and the cookie last until the session ends. */
  policy?: SessionPolicy | undefined;
}

/** Cookies that store `identity`, plus deletions of chunk cookies left over from a previous, larger identity. */
export async function identityCookies(
  identity: NewIdentity,
  jar: CookieJar,
  { secrets, secure, policy }: IdentityOptions,
): Promise<CookieWrite[]> {
  const record: IdentityRecord = { c: identity.claims };
  const tokens = identity.tokens ?? {};
  if (tokens.id !== undefined || tokens.access !== undefined) record.t = { ...tokens };
  if (identity.idToken !== undefined && tokens.id === undefined) record.h = identity.idToken;
  const provider = identity.claims["provider"];
  const now = Date.now();
  const loginTime = identity.loginTime ?? now;
  const fields: SessionFields = {
    ...(typeof provider === "string" ? { p: provider } : {}),
    ...(identity.serverMetadataUrl === undefined ? {} : { s: metadataFingerprint(identity.serverMetadataUrl) }),
    lt: loginTime,
    la: Math.max(loginTime, identity.lastActivity ?? now),
    i: identity.sessionId ?? newSessionId(),
    ...(identity.reshaped ? { r: 1 as const } : {}),
  };
  // The seal and the cookie end with the session (at least a second, so a write is never a deletion).
  const ttl = Math.max(1, secondsLeft({ loginTime, lastActivity: fields.la! }, policy, now));

  let size = jsonBytes(record);
  if (size > MAX_IDENTITY_BYTES && record.h !== undefined) {
    delete record.h;
    size = jsonBytes(record);
  }
  if (size > MAX_IDENTITY_BYTES)
    throw new IdentityTooLargeError(size, MAX_IDENTITY_BYTES, "bytes of claims and tokens");
  let sealed = await sealSmallest(record, fields, secrets, ttl);
  if (sealed.length > CHUNK_SIZE && record.h !== undefined) {
    // The logout hint is a nicety; one cookie instead of several is worth more.
    delete record.h;
    sealed = await sealSmallest(record, fields, secrets, ttl);
  }
  const sealedLimit = CHUNK_SIZE * MAX_IDENTITY_CHUNKS;
  if (sealed.length > sealedLimit) throw new IdentityTooLargeError(sealed.length, sealedLimit, "characters sealed");
  return sealedIdentityCookies(sealed, jar, secure, ttl);
}

function jsonBytes(record: IdentityRecord): number {
  return new TextEncoder().encode(JSON.stringify(record)).length;
}

async function sealSmallest(
  record: IdentityRecord,
  fields: SessionFields,
  secrets: readonly string[],
  ttl: number,
): Promise<string> {
  const plain = await seal({ v: 1, u: record, ...fields }, secrets, ttl);
  if (plain.length <= CHUNK_SIZE) return plain;
  const compressed = await seal({ v: 1, z: await deflateToBase64Url(JSON.stringify(record)), ...fields }, secrets, ttl);
  return compressed.length < plain.length ? compressed : plain;
}

/** The identity in the request's cookies, or `undefined` for anything that is not a valid, unexpired identity. */
export async function readIdentity(
  jar: CookieJar,
  { secrets, secure }: IdentityOptions,
): Promise<Identity | undefined> {
  const value = joinValue(cookieNames(secure).identity, jar);
  if (value === undefined) return undefined;
  const opened = await openIdentity(value, secrets);
  const recorded = opened && withRecord(value, secrets, opened);
  if (!recorded) return undefined;
  const { record } = recorded;
  const t = record.t;
  return {
    claims: record.c,
    tokens: {
      ...(typeof t?.id === "string" ? { id: t.id } : {}),
      ...(typeof t?.access === "string" ? { access: t.access } : {}),
    },
    idToken: typeof record.h === "string" ? record.h : t?.id,
    session: sessionOf(recorded.data, recorded.acceptedUntil, record.c["provider"]),
    reshaped: recorded.data.r === 1,
  };
}
