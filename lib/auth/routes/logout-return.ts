import { withBasePath } from "../config/base-path.js";
import type { AuthConfig } from "../config/types.js";
import { logoutDeletion, logoutReturnTo } from "../cookie/logout-transaction.js";
import type { CookieJar } from "../cookie/serialize.js";
import { readTransaction } from "../cookie/transaction.js";
import { redirectTo } from "./respond.js";
import { safeReturnTo } from "./return-to.js";

/**
 * The provider's way back from a logout (RP-Initiated Logout 1.0 §3) arrives at the callback path, since that is the
 * `post_logout_redirect_uri` sent: no `code` and no `error`, usually with the `state` the logout was sent with. It
 * ends on the page the user logged out from when the `state` is this browser's logout, and on `/` otherwise: never on
 * an error page, never off-site. A response without `code` whose `state` belongs to a login in progress is not a
 * logout's end: it is a broken login response and is answered as such (undefined here).
 */
export async function endOfLogout(
  params: URLSearchParams,
  jar: CookieJar,
  config: AuthConfig,
): Promise<Response | undefined> {
  if (params.has("code") || params.has("error")) return undefined;
  const state = params.get("state");
  const options = { secrets: config.cookieSecrets, secure: config.secure };
  if (state && (await readTransaction(state, jar, options))) return undefined;
  const returnTo = safeReturnTo(await logoutReturnTo(state, jar, options), config.origin);
  return redirectTo(new URL(withBasePath(returnTo), config.origin), logoutDeletion(jar, config.secure));
}
