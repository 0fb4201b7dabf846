import { LOGIN_ROUTE } from "../config/base-path.js";
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
 * The address of a login, app-relative like the paths given to `redirect()` and `<Link>` (which add the basePath):
 * `/auth/login?provider=...&returnTo=...&max_age=...`. Opening it does what `login(provider, options)` does, for
 * example from a "Log in with another account" link:
 *
 * ```tsx
 * <Link href={loginUrl("google", { prompt: "select_account", returnTo: "/reports" })}>Use another account</Link>
 * ```
 *
 * A string as the second argument is `returnTo`. The options are checked as `login()` checks them: a wrong value throws
 * an `AuthFlowError` with the code `INVALID_LOGIN_OPTION`. `returnTo` is cleaned when the login starts (a path of this
 * app, else `/`).
 */
export function loginUrl(provider?: string, options: LoginOptions | string = {}): string {
  const given = typeof options === "string" ? { returnTo: options } : options;
  return loginPath(provider, loginRequestFromOptions(given, "loginUrl()"), given.returnTo);
}
