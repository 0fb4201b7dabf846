import { isAuthRoute, LOGIN_ROUTE, withBasePath } from "../config/base-path.js";
import { AuthConfigError } from "../config/errors.js";
import { loginRequestParams, type LoginRequest } from "../protocol/login-options.js";
import { AUTH_ERROR_CODES, type AuthErrorCode } from "./error-codes.js";

/**
 * The app's own error page (`callback({ errorPage: "/auth/error" })`): instead of the built-in page, the route
 * redirects to `<errorPage>?code=CODE&kind=KIND`, plus, when logging in again can help, the provider, the page to
 * return to and whether to ask for another account. Never a message or a detail: those go to the server log.
 */

/** How to log in again after a failed login. */
export interface RetryLogin {
  readonly provider: string;
  readonly returnTo: string;
  /** The failed login's own options (`max_age`, `login_hint`, ...), asked for again. */
  readonly request?: LoginRequest;
  /** Ask the provider to let the user choose another account (`prompt=select_account`). */
  readonly selectAccount?: boolean;
}

/** An app-relative path (inside the app's basePath) such as `/auth/error`; anything else is a mistake in code. */
export function checkErrorPage(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const valid =
    typeof path === "string" &&
    /^\/(?![/\\])[^?#\s\\]*$/.test(path) &&
    !/[\u0000-\u001f\u007f]/.test(path) &&
    !isAuthRoute(path);
  if (!valid) {
    throw new AuthConfigError("INVALID_VALUE", `errorPage ${JSON.stringify(path)} is not a path of the app`, {
      source: "callback() in app/auth/callback/route.ts",
      key: "errorPage",
      fix: 'Use the app-relative path of a page, without query or fragment and outside the library\'s routes, e.g. callback({ errorPage: "/auth/error" }).',
    });
  }
  return path;
}

/** The error page's address, relative to the origin (so it never leaves the app). */
export function errorPageLocation(errorPage: string, code: AuthErrorCode, retry?: RetryLogin): string {
  const query = new URLSearchParams({ code, kind: AUTH_ERROR_CODES[code].kind });
  if (retry && AUTH_ERROR_CODES[code].retry) appendRetry(query, retry);
  return `${withBasePath(errorPage)}?${query.toString()}`;
}

/** `/auth/login?provider=...&returnTo=...` (and `prompt=select_account`), inside the basePath. */
export function retryLoginPath(retry: RetryLogin): string {
  const query = new URLSearchParams();
  appendRetry(query, retry);
  return `${withBasePath(LOGIN_ROUTE)}?${query.toString()}`;
}

function appendRetry(query: URLSearchParams, retry: RetryLogin): void {
  query.set("provider", retry.provider);
  query.set("returnTo", retry.returnTo);
  for (const [key, value] of loginRequestParams(retry.request ?? {})) query.set(key, value);
  if (retry.selectAccount) query.set("prompt", "select_account");
}
