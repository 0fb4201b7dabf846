import "server-only";
import type { StandardClaims } from "../user/user.js";
import { handleCallback, type CallbackOptions } from "../routes/callback.js";
import { checkErrorPage } from "../routes/error-page.js";

/**
 * The login callback. The provider sends the browser back to the path of `redirect_uri` (any path, read at run time);
 * the middleware rewrites that request here, where the authorization response is checked and the user logged in. The
 * app's `app/auth/callback/route.ts` is one line:
 *
 * ```ts
 * export { GET } from "streamlit-auth-nextjs/routes/callback";
 * ```
 */
export const GET: (request: Request) => Promise<Response> = (request) => handleCallback(request);

/**
 * The login callback with the app's own login hook and error page:
 *
 * ```ts
 * // app/auth/callback/route.ts
 * import type { StandardClaims } from "streamlit-auth-nextjs";
 * import { callback } from "streamlit-auth-nextjs/routes/callback";
 *
 * export const GET = callback<StandardClaims & { groups?: string[] }>({
 *   async onLogin({ claims }) {
 *     if (claims.groups?.includes("banned")) return { refuse: "Your account is suspended." };
 *     return { claims: { ...claims, groups: claims.groups?.slice(0, 20) } };
 *   },
 *   errorPage: "/auth/error",
 * });
 * ```
 *
 * `onLogin` runs after the `allowed_*` lists of secrets.toml and before any session cookie is set; `errorPage` is an
 * app-relative page that receives `?code=CODE&kind=KIND` (read it with `readAuthError`). An invalid `errorPage`
 * throws an `AuthConfigError` when the route module loads.
 */
export function callback<Claims extends object = StandardClaims>(
  options: CallbackOptions<Claims> = {},
): (request: Request) => Promise<Response> {
  const settled: CallbackOptions<Claims> = { onLogin: options.onLogin, errorPage: checkErrorPage(options.errorPage) };
  return (request) => handleCallback(request, settled);
}
