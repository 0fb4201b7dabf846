import { LOGIN_ROUTE, withBasePath } from "../config/base-path.js";
import {
  loginRequestFromOptions,
  loginRequestParams,
  type LoginOptions,
  type LoginRequest,
} from "../protocol/login-options.js";

/**
 * `/auth/login?provider=...&returnTo=...` with the login's own parameters (`login_hint`, `prompt`, `max_age`,
 * `acr_values`), app-relative (without the basePath). The values are already validated.
 */
export function loginPath(provider: string | undefined, request: LoginRequest, returnTo?: string): string {
  const query = new URLSearchParams();
  if (provider !== undefined && provider !== "") query.set("provider", provider);
  if (returnTo !== undefined && returnTo !== "") query.set("returnTo", returnTo);
  for (const [key, value] of loginRequestParams(request)) query.set(key, value);
  const search = query.toString();
  return search ? `${LOGIN_ROUTE}?${search}` : LOGIN_ROUTE;
}

/**
 * The address of a login, for a link or a redirect: `/auth/login?...` inside the app's basePath. Opening it does what
 * `login(provider, options)` does, for example a "Log in with another account" link:
 *
 * ```tsx
 * <a href={loginUrl("google", { prompt: "select_account", returnTo: "/reports" })}>Use another account</a>
 * ```
 *
 * A string as the second argument is `returnTo`. The options are checked as `login()` checks them: a wrong value throws
 * an `AuthFlowError` with the code `INVALID_LOGIN_OPTION`. `returnTo` is cleaned when the login starts (a path of this
 * app, else `/`).
 */
export function loginUrl(provider?: string, options: LoginOptions | string = {}): string {
  const given = typeof options === "string" ? { returnTo: options } : options;
  const request = loginRequestFromOptions(given, "loginUrl()");
  return withBasePath(loginPath(provider, request, given.returnTo));
}
