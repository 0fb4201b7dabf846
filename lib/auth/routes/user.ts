import { USER_ROUTE, USER_ROUTE_HEADER } from "../config/base-path.js";
import { loadConfig } from "../config/load.js";
import { currentSession, renewedIdentity } from "../cookie/renewal.js";
import { serializeCookie } from "../cookie/serialize.js";
import { describeError } from "../protocol/http.js";
import { userFromCookies } from "../user/from-cookies.js";
import { requestCookies } from "./request.js";
import { jsonResponse } from "./respond.js";

/**
 * `GET /auth/user`: the current user's plain claims as `getUser()` sees them (`{}` without config,
 * `{ "is_logged_in": false }` for a missing, expired or tampered cookie), never the tokens. `useUser()` asks it on
 * pages that were prerendered for everyone; dynamic pages hand the user over in the HTML instead.
 *
 * Only the app's own scripts get an answer: a request must carry the `x-auth-user` header (a cross-site page cannot
 * send it without a CORS preflight, which this route never grants), and a browser that says where the request comes
 * from (`Sec-Fetch-Site`) must say same-origin. Everything else gets the same 403, whoever is logged in.
 */
export async function handleUser(request: Request): Promise<Response> {
  const site = request.headers.get("sec-fetch-site");
  if (request.headers.get(USER_ROUTE_HEADER) !== "1" || (site !== null && site !== "same-origin")) {
    return jsonResponse(403, {
      error: "NOT_SAME_ORIGIN",
      message: `Only the app's own pages may read the user: send the "${USER_ROUTE_HEADER}: 1" header from a same-origin fetch (useUser() does).`,
    });
  }
  try {
    const state = loadConfig();
    const jar = requestCookies(request);
    const user = await userFromCookies(jar, state);
    const response = jsonResponse(200, user.to_dict());
    // A page load that asks for the user is activity: recorded here when it is due (session_idle_timeout).
    const config = state.status === "ok" && user.is_logged_in ? state.config : undefined;
    const opened = config ? await currentSession(jar, config) : undefined;
    const writes = config && opened ? await renewedIdentity(jar, config, opened, { rotate: false }) : [];
    for (const cookie of writes) response.headers.append("set-cookie", serializeCookie(cookie));
    return response;
  } catch (error) {
    // Whatever the cookie holds, it is the browser's input: it means "logged out", never a 500.
    console.warn(`[auth] ${USER_ROUTE}: reading the identity cookie failed: ${describeError(error)}`);
    return jsonResponse(200, { is_logged_in: false });
  }
}
