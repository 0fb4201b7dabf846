import type { AuthConfig, ConfigState } from "../config/types.js";
import { readIdentity, type Identity } from "../cookie/identity.js";
import { sessionIsCurrent } from "../cookie/session.js";
import type { CookieJar } from "../cookie/serialize.js";
import { newestSuccessor } from "../cookie/token-successors.js";
import { tokensCookieValue } from "../cookie/tokens.js";
import { openTokens } from "../cookie/tokens-seal.js";
import { createUser, type User, type UserTokens } from "./user.js";

/**
 * The user object for a request's cookies under a config: what `getUser()` returns once Next has handed it the
 * cookies. Free of Next imports, so it can be measured and tested on its own.
 *
 * - no auth config: `{}` (no `is_logged_in`, as Streamlit)
 * - configured, not logged in (or the cookie is invalid, expired, tampered, past its session lifetime or idle timeout,
 *   or from a provider that is no longer configured as it was): `{ is_logged_in: false }`
 * - logged in: `{ is_logged_in: true, ...ID token claims, provider }`
 */
export async function userFromCookies(jar: CookieJar, state: ConfigState): Promise<User> {
  if (state.status === "absent") return createUser({});
  if (state.status !== "ok") return createUser({ is_logged_in: false });
  const { config } = state;
  const identity = await readIdentity(jar, { secrets: config.cookieSecrets, secure: config.secure });
  if (!identity || !sessionIsCurrent(identity.session, config)) return createUser({ is_logged_in: false });
  const tokens = config.exposeTokens.length === 0 ? {} : await exposedTokens(jar, config, identity);
  return createUser({ is_logged_in: true, ...withoutKey(identity.claims, "is_logged_in") }, tokens);
}

/**
 * Only the kinds `expose_tokens` names now (removing one hides it even in cookies written before), as current as this
 * process knows them: a refresh by getAccessToken() shows here at once, even before its cookie reached the browser.
 */
async function exposedTokens(jar: CookieJar, config: AuthConfig, identity: Identity): Promise<UserTokens> {
  const value = tokensCookieValue(jar, config.secure);
  const stored =
    value === undefined
      ? undefined
      : (newestSuccessor(value)?.tokens ?? (await openTokens(value, config.cookieSecrets, identity.session.id)));
  const current = stored?.sessionId === identity.session.id ? stored : undefined;
  const id = current?.idToken ?? identity.tokens.id;
  const access = current?.accessToken ?? identity.tokens.access;
  return {
    ...(config.exposeTokens.includes("id") && id !== undefined ? { id } : {}),
    ...(config.exposeTokens.includes("access") && access !== undefined ? { access } : {}),
  };
}

function withoutKey(claims: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = claims;
  return rest;
}
