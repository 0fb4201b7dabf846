import type { AuthConfig } from "../config/types.js";
import { joinValue } from "./chunks.js";
import { openIdentity, sealedIdentityCookies, withRecord } from "./identity-cookie.js";
import { cookieNames } from "./names.js";
import { seal } from "./seal.js";
import type { CookieJar, CookieWrite } from "./serialize.js";
import { activityRenewalDue, secondsLeft, sessionIsCurrent, sessionOf, type Session } from "./session.js";

/**
 * Re-sealing the identity cookie without decoding its claims (a compressed record stays compressed as it is):
 * with the newest secret (rotation) and/or a new last-activity time (idle timeout). The login time is kept, so no
 * re-seal extends the session's absolute lifetime.
 */

export interface OpenedSession {
  readonly value: string;
  readonly session: Session;
  readonly sealedWithNewest: boolean;
  /**
   * The claims, decoded on demand (a large identity is stored compressed: it is inflated on the first call and the
   * result remembered with the cookie); undefined when they cannot be read.
   */
  readonly readClaims: () => Readonly<Record<string, unknown>> | undefined;
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
  const session = sessionOf(opened.data, opened.acceptedUntil, opened.record?.c["provider"]);
  if (!sessionIsCurrent(session, config, now)) return undefined;
  const readClaims = () => withRecord(value, config.cookieSecrets, opened)?.record.c;
  return { value, session, sealedWithNewest: opened.sealedWithNewest, readClaims };
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
