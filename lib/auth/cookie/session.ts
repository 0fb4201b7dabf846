import type { AuthConfig, SessionPolicy } from "../config/types.js";
import type { SealedIdentity } from "./identity-cookie.js";
import { encodeBase64Url } from "./base64url.js";
import { IDENTITY_MAX_AGE } from "./names.js";
import { SEAL_SKEW_MS } from "./seal.js";

/**
 * Whether a verified identity still stands under the current config, checked alike by the gate and by getUser():
 * - its provider is still configured, with the same `server_metadata_url` (so the same issuer) as at login;
 * - its session has not run out: at most `session_lifetime` after the login time sealed inside it (no re-seal can
 *   move that time), and, with `session_idle_timeout`, at most that long after the last recorded activity.
 *
 * The times are sealed in the cookie, so shortening either setting ends older sessions at once, whatever the cookie's
 * `Max-Age` says.
 */

export interface Session {
  /** Undefined only for a compressed cookie of an earlier version read where it cannot be inflated (the edge). */
  readonly provider: string | undefined;
  readonly source: string | undefined;
  /** ms since the epoch. */
  readonly loginTime: number;
  /** The last recorded activity, ms since the epoch (the login time in cookies written before it was recorded). */
  readonly lastActivity: number;
  /** Random, fixed at login: binds the tokens cookie to this login. Absent in cookies of earlier versions. */
  readonly id: string | undefined;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = Object.freeze({ lifetime: IDENTITY_MAX_AGE });

/** The session fields of a sealed identity; cookies of earlier versions fall back to what they do hold. */
export function sessionOf(data: SealedIdentity, acceptedUntil: number, claimsProvider?: unknown): Session {
  const provider =
    typeof data.p === "string" ? data.p : typeof claimsProvider === "string" ? claimsProvider : undefined;
  // Before the login time was sealed, every seal lasted exactly 30 days from login, and re-seals kept its expiry.
  const loginTime = isTime(data.lt) ? data.lt : acceptedUntil - SEAL_SKEW_MS - IDENTITY_MAX_AGE * 1000;
  return {
    provider,
    source: typeof data.s === "string" ? data.s : undefined,
    loginTime,
    lastActivity: isTime(data.la) && data.la >= loginTime ? data.la : loginTime,
    id: typeof data.i === "string" ? data.i : undefined,
  };
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function sessionEndsAt(
  session: Pick<Session, "loginTime" | "lastActivity">,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): number {
  const absolute = session.loginTime + policy.lifetime * 1000;
  return policy.idleTimeout === undefined
    ? absolute
    : Math.min(absolute, session.lastActivity + policy.idleTimeout * 1000);
}

/** Whole seconds until the session ends (for a seal's TTL and the cookie's Max-Age); 0 once it has. */
export function secondsLeft(
  session: Pick<Session, "loginTime" | "lastActivity">,
  policy: SessionPolicy | undefined,
  now = Date.now(),
): number {
  return Math.max(0, Math.floor((sessionEndsAt(session, policy) - now) / 1000));
}

export function sessionIsCurrent(
  session: Session,
  config: Pick<AuthConfig, "providers"> & { readonly session?: SessionPolicy },
  now = Date.now(),
): boolean {
  if (!(now < sessionEndsAt(session, config.session))) return false;
  if (session.provider === undefined) return true;
  const provider = config.providers.get(session.provider);
  if (provider === undefined) return false;
  return session.source === undefined || session.source === metadataFingerprint(provider.serverMetadataUrl);
}

/**
 * With an idle timeout, activity is recorded (the identity re-sealed with a new `la`) at most once per tenth of the
 * timeout: a session therefore ends between 90% and 100% of the timeout after its last request that recorded
 * activity, and the cookie (and with it the memo of verified cookies) changes rarely.
 */
export function activityRenewalDue(session: Session, policy: SessionPolicy | undefined, now = Date.now()): boolean {
  if (policy?.idleTimeout === undefined) return false;
  return now - session.lastActivity >= renewalIntervalMs(policy.idleTimeout);
}

export function renewalIntervalMs(idleTimeoutSeconds: number): number {
  return Math.max(1000, Math.floor((idleTimeoutSeconds * 1000) / 10));
}

/** A short, stable label of a metadata URL (FNV-1a, 32 bits): it only has to change when the URL does. */
export function metadataFingerprint(url: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < url.length; i++) {
    hash ^= url.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/** A new session id: 128 random bits, base64url. */
export function newSessionId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}
