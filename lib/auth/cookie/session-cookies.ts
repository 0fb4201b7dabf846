import type { SessionPolicy } from "../config/types.js";
import { joinValue } from "./chunks.js";
import { identityCookies, type NewIdentity } from "./identity.js";
import { cookieNames } from "./names.js";
import type { CookieJar, CookieWrite } from "./serialize.js";
import { newSessionId } from "./session.js";
import type { DroppedToken, StoredTokens } from "./tokens.js";
import { tokensCookie } from "./tokens-seal.js";

/**
 * The cookies of a login (or of a re-sealed one): the identity, then the tokens in the room it leaves (see
 * tokens.ts). What had to be left out is logged once per write, never silently lost.
 */

interface SessionCookieOptions {
  secrets: readonly string[];
  secure: boolean;
  policy?: SessionPolicy | undefined;
}

export interface SessionCookies {
  writes: CookieWrite[];
  sessionId: string;
  /** The sealed tokens cookie value (undefined when nothing could be kept). */
  tokensValue: string | undefined;
  dropped: DroppedToken[];
}

export async function sessionCookies(
  identity: NewIdentity,
  tokens: Omit<StoredTokens, "sessionId">,
  jar: CookieJar,
  options: SessionCookieOptions,
): Promise<SessionCookies> {
  const sessionId = identity.sessionId ?? newSessionId();
  const loginTime = identity.loginTime ?? Date.now();
  const identityWrites = await identityCookies({ ...identity, sessionId, loginTime }, jar, options);
  const name = cookieNames(options.secure).identity;
  const identityLength = identityWrites
    .filter((w) => w.maxAge > 0 && (w.name === name || w.name.startsWith(`${name}.`)))
    .reduce((sum, w) => sum + w.value.length, 0);
  const sealed = await tokensCookie({ ...tokens, sessionId }, { loginTime }, identityLength, options);
  logDropped(sealed.dropped, identityLength);
  return { writes: [...identityWrites, sealed.write], sessionId, tokensValue: sealed.value, dropped: sealed.dropped };
}

/** Length of the identity cookie value the request carries (all chunks), for the tokens' room. */
export function identityLengthIn(jar: CookieJar, secure: boolean): number {
  return joinValue(cookieNames(secure).identity, jar)?.length ?? 0;
}

export function logDropped(dropped: readonly DroppedToken[], identityLength: number): void {
  if (dropped.length === 0) return;
  console.warn(
    `[auth] session cookies: the identity takes ${identityLength} characters, so the ${dropped.join(", ")} ` +
      "could not be kept beside it within two cookies (the Cookie header stays under 8 KB). " +
      (dropped.includes("refresh token")
        ? "getAccessToken() cannot refresh this session. "
        : dropped.includes("access token")
          ? "getAccessToken() refreshes to get one. "
          : "") +
      "Ask the provider for fewer claims to make room.",
  );
}
