import * as oauth from "oauth4webapi";
import { AuthFlowError } from "./errors.js";

/**
 * A login that asked for `max_age` must get an ID token with `auth_time` no older than that (OIDC Core §3.1.2.1,
 * §3.1.3.7 item 13); oauth4webapi checks it (`maxAge` of `processAuthorizationCodeResponse`, with the client's clock
 * tolerance). A provider that ignores `max_age` is at fault, not the user: 502, with its own code.
 */
export function authTimeProblem(error: unknown, maxAge: number | undefined): AuthFlowError | undefined {
  if (maxAge === undefined || !(error instanceof oauth.OperationProcessingError)) return undefined;
  const cause = error.cause as { claims?: Record<string, unknown>; claim?: unknown; now?: unknown } | undefined;
  if (error.code === oauth.JWT_TIMESTAMP_CHECK && cause?.claim === "auth_time") {
    const authTime = cause.claims?.["auth_time"];
    const age = typeof authTime === "number" && typeof cause.now === "number" ? cause.now - authTime : undefined;
    return new AuthFlowError(
      "AUTH_TIME_TOO_OLD",
      502,
      `This login asked the identity provider for a sign-in within the last ${seconds(maxAge)} (max_age=${maxAge}), ` +
        `but it reports an older one${age === undefined ? "" : ` (${seconds(age)} ago)`}: the provider did not ask ` +
        "you to sign in again. This is a problem of the identity provider; the login was not accepted.",
      `max_age=${maxAge}, auth_time=${String(authTime)}${age === undefined ? "" : ` (${age} s ago)`}`,
      { cause: error },
    );
  }
  if (error.code === oauth.INVALID_RESPONSE && /"auth_time".*missing/.test(error.message)) {
    return new AuthFlowError(
      "AUTH_TIME_MISSING",
      502,
      `This login asked the identity provider for a sign-in within the last ${seconds(maxAge)} (max_age=${maxAge}), ` +
        "but its ID token does not say when you signed in (no auth_time), so the provider ignored the request. " +
        "This is a problem of the identity provider; the login was not accepted.",
      `max_age=${maxAge}, the ID token has no auth_time`,
      { cause: error },
    );
  }
  return undefined;
}

function seconds(value: number): string {
  return value === 1 ? "1 second" : `${value} seconds`;
}
