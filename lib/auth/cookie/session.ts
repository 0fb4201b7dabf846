import type { AuthConfig } from "../config/types.js";
import type { SealedIdentity } from "./identity-cookie.js";
import { IDENTITY_MAX_AGE } from "./names.js";
import { SEAL_SKEW_MS } from "./seal.js";

/**
 * Whether a verified identity still stands under the current config, checked alike by the gate and by getUser():
 * - its provider is still configured, with the same `server_metadata_url` (so the same issuer) as at login;
 * - its session lifetime, counted from the login time sealed inside it, has not run out. A re-seal (secret
 *   rotation) keeps the login time, so no re-seal can ever extend a session.
 */

export interface Session {
  /** Undefined only for a compressed cookie of an earlier version read where it cannot be inflated (the edge). */
  readonly provider: string | undefined;
  readonly source: string | undefined;
  /** ms since the epoch. */
  readonly loginTime: number;
}

/** The session fields of a sealed identity; cookies of earlier versions fall back to what they do hold. */
export function sessionOf(data: SealedIdentity, acceptedUntil: number, claimsProvider?: unknown): Session {
  const provider =
    typeof data.p === "string" ? data.p : typeof claimsProvider === "string" ? claimsProvider : undefined;
  // Before the login time was sealed, every seal lasted exactly the lifetime from login, and re-seals kept its expiry.
  const loginTime =
    typeof data.lt === "number" && Number.isFinite(data.lt)
      ? data.lt
      : acceptedUntil - SEAL_SKEW_MS - IDENTITY_MAX_AGE * 1000;
  return { provider, source: typeof data.s === "string" ? data.s : undefined, loginTime };
}

export function sessionEndsAt(session: Session): number {
  return session.loginTime + IDENTITY_MAX_AGE * 1000;
}

export function sessionIsCurrent(session: Session, config: Pick<AuthConfig, "providers">, now = Date.now()): boolean {
  if (!(now < sessionEndsAt(session))) return false;
  if (session.provider === undefined) return true;
  const provider = config.providers.get(session.provider);
  if (provider === undefined) return false;
  return session.source === undefined || session.source === metadataFingerprint(provider.serverMetadataUrl);
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
