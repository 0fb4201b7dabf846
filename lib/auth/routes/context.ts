import type { AuthConfigError } from "../config/errors.js";
import { loadConfig } from "../config/load.js";
import type { AuthConfig } from "../config/types.js";
import { AuthFlowError } from "../protocol/errors.js";
import { describeError } from "../protocol/http.js";
import { htmlPage, type PageContent } from "./respond.js";
import type { CookieWrite } from "../cookie/serialize.js";

/** The config for a route, or the error page that explains why there is none. */
export function routeConfig(): AuthConfig | Response {
  const state = loadConfig();
  if (state.status === "ok") return state.config;
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

/** Logs one line and renders the error's page. Anything unexpected becomes a generic 500 without details. */
export function errorResponse(
  route: string,
  error: unknown,
  cookies: readonly CookieWrite[] = [],
  extra?: Partial<PageContent>,
): Response {
  if (error instanceof AuthFlowError) {
    console.warn(`[auth] ${route}: ${error.code} (${error.status})${error.detail ? `: ${error.detail}` : ""}`);
    return htmlPage(error.status, { title: titleFor(error), message: error.message, ...extra }, cookies);
  }
  console.error(`[auth] ${route}: unexpected error: ${describeError(error)}`);
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
  if (error.status === 504) return "The identity provider is not responding";
  if (error.status >= 500) return "The identity provider had a problem";
  if (error.code === "UNKNOWN_PROVIDER") return "Unknown login provider";
  return "Login could not be completed";
}
