import type { AuthConfig } from "../config/types.js";
import { joinValue } from "../cookie/chunks.js";
import { cookieNames } from "../cookie/names.js";
import { currentSession, renewedIdentity } from "../cookie/renewal.js";
import { sealedWithOlderSecret } from "../cookie/seal.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import type { Session } from "../cookie/session.js";
import { newestSuccessor } from "../cookie/token-successors.js";
import { sealedTokensWrite, tokensCookieValue } from "../cookie/tokens.js";

/** What the gate learnt from the identity cookie. */
export interface GateIdentity {
  readonly valid: boolean;
  /**
   * Cookies to write: the identity re-sealed with the newest secret (rotation) or with a new activity time (idle
   * timeout), and tokens refreshed earlier by this process that the browser does not have yet.
   */
  readonly rewrite: readonly CookieWrite[];
  /**
   * The identity's claims, for `allow` predicates, decoded only when asked (a large identity is inflated then):
   * undefined when there is no valid identity or its claims cannot be read.
   */
  readonly readClaims: () => Readonly<Record<string, unknown>> | undefined;
}

export const NO_IDENTITY: GateIdentity = { valid: false, rewrite: [], readClaims: () => undefined };

/**
 * Whether the request carries a current identity (verified, its provider still configured as at login, its session
 * lifetime and idle timeout not over). The cookie is only opened when it matters: on gated paths, or to re-seal one
 * that names an older secret in its header (`reseal` must then be allowed: see the middleware).
 */
export async function checkIdentity(
  jar: CookieJar,
  config: AuthConfig,
  { gated, reseal }: { gated: boolean; reseal: boolean },
  now = Date.now(),
): Promise<GateIdentity> {
  const value = joinValue(cookieNames(config.secure).identity, jar);
  if (value === undefined) return NO_IDENTITY;
  const rotated = reseal && config.cookieSecrets.length > 1 && sealedWithOlderSecret(value, config.cookieSecrets);
  if (!gated && !rotated) return NO_IDENTITY;
  const opened = await currentSession(jar, config, now);
  if (!opened) return NO_IDENTITY;
  // Only gated requests count as activity; a re-seal for rotation alone keeps the activity time.
  const rewrite = gated
    ? await renewedIdentity(jar, config, opened, { rotate: rotated, now })
    : await renewedIdentity(jar, { ...config, session: { lifetime: config.session.lifetime } }, opened, {
        rotate: rotated,
        now,
      });
  return {
    valid: true,
    rewrite: [...rewrite, ...pendingTokens(jar, config, opened.session, now)],
    readClaims: opened.readClaims,
  };
}

/** A newer tokens cookie this process refreshed (in a server component, say) and could not write: written here. */
function pendingTokens(jar: CookieJar, config: AuthConfig, session: Session, now: number): CookieWrite[] {
  const value = tokensCookieValue(jar, config.secure);
  const newer = value === undefined ? undefined : newestSuccessor(value, now);
  if (newer === undefined || newer.tokens.sessionId !== session.id) return [];
  const write = sealedTokensWrite(newer.value, session, { secure: config.secure, policy: config.session }, now);
  return write ? [write] : [];
}
