import { LOGOUT_ROUTE, withBasePath } from "../config/base-path.js";
import { loadConfig } from "../config/load.js";
import type { AuthConfig } from "../config/types.js";
import { identityDeletions, readIdentity } from "../cookie/identity.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import { logoutCookie, logoutDeletion } from "../cookie/logout-transaction.js";
import { sessionIsCurrent } from "../cookie/session.js";
import { tokensDeletion } from "../cookie/tokens.js";
import { allTransactionDeletions } from "../cookie/transaction.js";
import { getServerMetadata } from "../protocol/discovery.js";
import { describeError } from "../protocol/http.js";
import { endSessionUrl, newLogoutState } from "../protocol/logout.js";
import { isSameOriginRequest, requestCookies } from "./request.js";
import { escapeHtml, htmlPage, redirectTo } from "./respond.js";
import { refererPath, safeReturnTo } from "./return-to.js";

/**
 * `GET|POST /auth/logout?returnTo=PATH`: deletes every identity and transaction cookie, then continues at the
 * provider's end_session_endpoint when it has one, and ends on the page the user logged out from (`returnTo`, else the
 * same-origin `Referer`, else `/`). A request that cannot be shown to come from the app itself (a cross-site link,
 * image or form) logs nobody out: it gets a page with a button instead.
 */
export async function handleLogout(request: Request): Promise<Response> {
  const state = loadConfig();
  const config = state.status === "ok" ? state.config : undefined;
  const origin = config?.origin ?? new URL(request.url).origin;
  if (!isSameOriginRequest(request, origin)) {
    return htmlPage(403, {
      title: "Log out?",
      message: "This logout request did not come from this app, so nothing was changed. Press the button to log out.",
      actionHtml: `<form method="post" action="${escapeHtml(withBasePath(LOGOUT_ROUTE))}"><button type="submit">Log out</button></form>`,
    });
  }
  const jar = requestCookies(request);
  const returnTo = safeReturnTo(
    new URL(request.url).searchParams.get("returnTo") ?? refererPath(request.headers.get("referer"), origin),
    origin,
  );
  const { location, cookies } = await endSession(config, jar, returnTo);
  return redirectTo(location ?? new URL(withBasePath(returnTo), origin), cookies);
}

/**
 * Shared by the route and the `logout()` server action. Never throws: logging out locally always works. With a
 * provider logout, `location` carries a fresh `state`, remembered with `returnTo` (a safe app-relative path) in a
 * sealed cookie for the way back; without one, the caller sends the browser to `returnTo` itself.
 */
export async function endSession(
  config: AuthConfig | undefined,
  jar: CookieJar,
  returnTo = "/",
): Promise<{ location: URL | undefined; cookies: CookieWrite[] }> {
  if (!config) {
    // Without a config we do not know which cookie names were used: delete both kinds.
    return {
      location: undefined,
      cookies: [true, false].flatMap((secure) => [
        ...identityDeletions(jar, secure),
        ...tokensDeletion(jar, secure),
        ...allTransactionDeletions(jar, secure),
        ...logoutDeletion(jar, secure),
      ]),
    };
  }
  const options = { secrets: config.cookieSecrets, secure: config.secure };
  const cookies = [
    ...identityDeletions(jar, config.secure),
    ...tokensDeletion(jar, config.secure),
    ...allTransactionDeletions(jar, config.secure),
  ];
  let location: URL | undefined;
  try {
    const identity = await readIdentity(jar, options);
    const providerName = identity?.claims["provider"];
    const provider = typeof providerName === "string" ? config.providers.get(providerName) : undefined;
    const state = newLogoutState();
    if (identity && provider && sessionIsCurrent(identity.session, config))
      location = endSessionUrl(provider, await getServerMetadata(provider), identity.idToken, identity.claims, state);
    if (location) return { location, cookies: [...cookies, await logoutCookie(state, returnTo, options)] };
  } catch (error) {
    console.warn(`[auth] logout: continuing with a local logout only: ${describeError(error)}`);
  }
  return { location: undefined, cookies: [...cookies, ...logoutDeletion(jar, config.secure)] };
}
