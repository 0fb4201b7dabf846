import type { AuthConfig } from "../config/types.js";
import { joinValue } from "./chunks.js";
import { openIdentity, sealedIdentityCookies } from "./identity-cookie.js";
import { cookieNames } from "./names.js";
import { seal } from "./seal.js";
import type { CookieJar, CookieWrite } from "./serialize.js";
import { activityRenewalDue, secondsLeft, sessionIsCurrent, sessionOf, type Session } from "./session.js";

/**
 * Re-sealing the identity cookie without decoding its claims (edge-safe: a compressed record stays compressed):
 * with the newest secret (rotation) and/or a new last-activity time (idle timeout). The login time is kept, so no
 * re-seal extends the session's absolute lifetime.
 */

export interface OpenedSession {
  readonly value: string;
  readonly session: Session;
  readonly sealedWithNewest: boolean;
  /**
   * The claims when the cookie holds them uncompressed; undefined for a compressed (large) identity, which only the
   * Node side inflates (the edge cannot bundle `DecompressionStream`).
   */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
}

/** The current session in the jar's identity cookie, or undefined. */
export async function currentSession(
  jar: CookieJar,
  config: AuthConfig,
  now = Date.now(),
): Promise<OpenedSession | undefined> {
  const value = joinValue(cookieNames(config.secure).identity, jar);
  if (value === undefined) return undefined;
  const opened = await openIdentity(value, config.cookieSecrets);
  if (!opened) return undefined;
  const claims = "u" in opened.data ? opened.data.u.c : undefined;
  const session = sessionOf(opened.data, opened.acceptedUntil, claims?.["provider"]);
  if (!sessionIsCurrent(session, config, now)) return undefined;
  return { value, session, sealedWithNewest: opened.sealedWithNewest, claims };
}

/**
 * The identity re-sealed when that is due: activity to record (idle timeout), or `rotate` and an older secret sealed
 * it. Otherwise no writes.
 */
export async function renewedIdentity(
  jar: CookieJar,
  config: AuthConfig,
  opened: OpenedSession,
  { rotate, now = Date.now() }: { rotate: boolean; now?: number },
): Promise<CookieWrite[]> {
  const touch = activityRenewalDue(opened.session, config.session, now);
  if (!touch && (!rotate || opened.sealedWithNewest)) return [];
  const lastActivity = touch ? now : opened.session.lastActivity;
  const times = { loginTime: opened.session.loginTime, lastActivity };
  const ttl = secondsLeft(times, config.session, now);
  if (ttl <= 0) return [];
  const verified = await openIdentity(opened.value, config.cookieSecrets);
  if (!verified) return [];
  const resealed = await seal({ ...verified.data, lt: times.loginTime, la: lastActivity }, config.cookieSecrets, ttl);
  return sealedIdentityCookies(resealed, jar, config.secure, ttl);
}
