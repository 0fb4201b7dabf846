"use server";

import { loadConfig } from "../config/load.js";
import type { CookieWrite } from "../cookie/serialize.js";
import { AccessTokenError } from "../protocol/access-token-error.js";
import type { StandardClaims, UserData } from "../user/user.js";
import { configOrThrow } from "./config-or-throw.js";
import { requestJar, writeCookies } from "./request-cookies.js";
import { refreshUserFromCookies } from "./fresh-claims.js";

/**
 * A server action: the logged-in user's claims read again from the provider (a refresh whose new ID token is
 * validated like the login's, or the userinfo endpoint) and sealed into the identity cookie, without a new login.
 * Returns the new user data (as `getUser().to_dict()`); `{ is_logged_in: false }` when nobody is logged in. Because
 * it writes cookies, Next renders the page again and `useUser()` shows the new claims without a reload.
 *
 * Throws `AccessTokenError` when the provider refuses or fails (the old claims stay), `AuthConfigError` for a
 * configuration problem.
 */
export async function refreshUser<Claims extends object = StandardClaims>(): Promise<UserData<Claims>> {
  const config = configOrThrow(loadConfig());
  const pending: CookieWrite[] = [];
  try {
    const { data, writes } = await refreshUserFromCookies(await requestJar(), config, pending);
    await writeCookies(writes);
    return data as UserData<Claims>;
  } catch (error) {
    // The provider may have rotated the tokens before the failure: keep the new ones (Next sends an action's cookies
    // with its error too).
    if (pending.length > 0) await writeCookies(pending);
    if (error instanceof AccessTokenError && error.code === "NOT_LOGGED_IN")
      return { is_logged_in: false } as UserData<Claims>;
    throw error;
  }
}
