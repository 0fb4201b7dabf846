import type { AuthConfig } from "../config/types.js";
import { joinValue } from "../cookie/chunks.js";
import { openIdentity, sealedIdentityCookies } from "../cookie/identity-cookie.js";
import { cookieNames } from "../cookie/names.js";
import { seal, sealedWithOlderSecret } from "../cookie/seal.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import { sessionEndsAt, sessionIsCurrent, sessionOf } from "../cookie/session.js";

/** What the gate learnt from the identity cookie. */
export interface GateIdentity {
  readonly valid: boolean;
  /** Cookies to write: the identity re-sealed with the newest secret, when an older one sealed it. */
  readonly rewrite: readonly CookieWrite[];
}

export const NO_IDENTITY: GateIdentity = { valid: false, rewrite: [] };

/**
 * Whether the request carries a current identity (verified, its provider still configured as at login, its session
 * lifetime not over). The cookie is only opened when it matters: on gated paths, or to re-seal one that names an
 * older secret in its header (`reseal` must then be allowed: see the middleware).
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
  const opened = await openIdentity(value, config.cookieSecrets);
  if (!opened) return NO_IDENTITY;
  const claims = "u" in opened.data ? opened.data.u.c : undefined;
  const session = sessionOf(opened.data, opened.acceptedUntil, claims?.["provider"]);
  if (!sessionIsCurrent(session, config, now)) return NO_IDENTITY;
  if (opened.sealedWithNewest || !rotated) return { valid: true, rewrite: [] };
  // The same end as before: rotating the secret never extends anyone's session.
  const remaining = Math.floor((sessionEndsAt(session) - now) / 1000);
  if (remaining <= 0) return { valid: true, rewrite: [] };
  const resealed = await seal({ ...opened.data, lt: session.loginTime }, config.cookieSecrets, remaining);
  return { valid: true, rewrite: sealedIdentityCookies(resealed, jar, config.secure, remaining) };
}
