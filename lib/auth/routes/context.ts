import type { AuthConfigError } from "../config/errors.js";
import { loadConfig } from "../config/load.js";
import type { AuthConfig } from "../config/types.js";
import { AuthFlowError } from "../protocol/errors.js";
import { describeError } from "../protocol/http.js";
import { htmlPage, redirectTo, type PageContent } from "./respond.js";
import type { CookieWrite } from "../cookie/serialize.js";
import { isAuthErrorCode, type AuthErrorCode } from "./error-codes.js";
import { errorPageLocation, type RetryLogin } from "./error-page.js";

/** Where a route's errors are shown: the built-in page, or the app's own (`errorPage`), with a way to retry. */
export interface ErrorTarget {
  readonly errorPage?: string | undefined;
  readonly retry?: RetryLogin | undefined;
}

/** The config for a route, or the error page that explains why there is none. */
export function routeConfig(target: ErrorTarget = {}): AuthConfig | Response {
  const state = loadConfig();
  if (state.status === "ok") return state.config;
  if (target.errorPage) return redirectTo(errorPageLocation(target.errorPage, "CONFIG"));
  const errors = state.status === "absent" ? [state.reason] : state.errors;
  return htmlPage(500, {
    title: "Login is not configured correctly",
    message: "The app's authentication configuration has a problem, so nobody can log in until it is fixed:",
    details: errors.map(shownConfigError),
  });
}

/**
 * A config error as a page shows it: the whole message in development; in production only where the problem is and
 * what kind it is (never a value or an absolute path), since anyone can open the page. The server log has it all.
 */
export function shownConfigError(error: AuthConfigError): string {
  return process.env.NODE_ENV === "development" ? error.message : error.publicMessage;
}

/**
 * Logs one line and renders the error's page, or redirects to the app's own (`target.errorPage`) with the error's
 * code. Anything unexpected becomes a generic 500 without details (`UNEXPECTED_ERROR`).
 */
export function errorResponse(
  route: string,
  error: unknown,
  cookies: readonly CookieWrite[] = [],
  extra?: Partial<PageContent>,
  target: ErrorTarget = {},
): Response {
  const code: AuthErrorCode =
    error instanceof AuthFlowError && isAuthErrorCode(error.code) ? error.code : "UNEXPECTED_ERROR";
  if (error instanceof AuthFlowError) {
    const line = `[auth] ${route}: ${error.code} (${error.status})${error.detail ? `: ${error.detail}` : ""}`;
    // The app's own code failed: its error (and stack) belongs in the server log, never in the page.
    if (error.code === "LOGIN_HOOK_FAILED") console.error(line, ...(error.cause === undefined ? [] : [error.cause]));
    else console.warn(line);
  } else console.error(`[auth] ${route}: unexpected error: ${describeError(error)}`);
  if (target.errorPage) return redirectTo(errorPageLocation(target.errorPage, code, target.retry), cookies);
  if (error instanceof AuthFlowError)
    return htmlPage(error.status, { title: titleFor(error), message: error.message, ...extra }, cookies);
  return htmlPage(
    500,
    {
      title: "Login failed",
      message: "Something went wrong on the server. Try again; if it keeps happening, check the server log.",
    },
    cookies,
  );
}

function titleFor(error: AuthFlowError): string {
  if (error.code === "CONFIG" || error.code === "CLIENT_REJECTED") return "Login is not configured correctly";
  if (error.code === "LOGIN_HOOK_FAILED") return "Login could not be completed";
  if (error.status === 504) return "The identity provider is not responding";
  if (error.status >= 500) return "The identity provider had a problem";
  if (error.code === "UNKNOWN_PROVIDER") return "Unknown login provider";
  if (error.code === "LOGIN_NOT_ALLOWED" || error.code === "LOGIN_REFUSED_BY_APP")
    return "You cannot log in with this account";
  return "Login could not be completed";
}
