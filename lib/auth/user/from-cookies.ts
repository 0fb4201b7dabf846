import type { ConfigState, TokenKind } from "../config/types.js";
import { readIdentity } from "../cookie/identity.js";
import { sessionIsCurrent } from "../cookie/session.js";
import type { CookieJar } from "../cookie/serialize.js";
import { createUser, type User } from "./user.js";

/**
 * The user object for a request's cookies under a config: what `getUser()` returns once Next has handed it the
 * cookies. Free of Next imports, so it can be measured and tested on its own.
 *
 * - no auth config: `{}` (no `is_logged_in`, as Streamlit)
 * - configured, not logged in (or the cookie is invalid, expired, tampered, or from a provider that is no longer
 *   configured as it was): `{ is_logged_in: false }`
 * - logged in: `{ is_logged_in: true, ...ID token claims, provider }`
 */
export async function userFromCookies(jar: CookieJar, state: ConfigState): Promise<User> {
  if (state.status === "absent") return createUser({});
  if (state.status !== "ok") return createUser({ is_logged_in: false });
  const { config } = state;
  const identity = await readIdentity(jar, { secrets: config.cookieSecrets, secure: config.secure });
  if (!identity || !sessionIsCurrent(identity.session, config)) return createUser({ is_logged_in: false });
  // Only the kinds expose_tokens names now: removing one hides it even in cookies written before.
  const tokens = Object.fromEntries(
    Object.entries(identity.tokens).filter(([kind]) => config.exposeTokens.includes(kind as TokenKind)),
  );
  return createUser({ is_logged_in: true, ...withoutKey(identity.claims, "is_logged_in") }, tokens);
}

function withoutKey(claims: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = claims;
  return rest;
}
