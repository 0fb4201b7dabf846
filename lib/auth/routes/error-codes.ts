import type { AuthFlowErrorCode } from "../protocol/errors.js";

/**
 * Every code an auth route's error page can carry, whose fault it is and the HTTP status of the built-in page. The
 * codes are stable: an app's own error page (`callback({ errorPage })`) receives one of them, never a message.
 */

/** Whose problem it is: the person at the browser, the identity provider, or the app's configuration or code. */
export type AuthErrorKind = "user" | "provider" | "config";

/** A code the auth routes can end with. */
export type AuthErrorCode = AuthFlowErrorCode | "UNEXPECTED_ERROR";

export interface AuthErrorCodeInfo {
  readonly kind: AuthErrorKind;
  /** The status of the built-in page (`PROVIDER_ERROR_RESPONSE` is 502 for the provider's own failures, else 400). */
  readonly status: number;
  /** Whether logging in again can help: the page offers it. */
  readonly retry: boolean;
}

export const AUTH_ERROR_CODES: Readonly<Record<AuthErrorCode, AuthErrorCodeInfo>> = {
  CONFIG: { kind: "config", status: 500, retry: false },
  CLIENT_REJECTED: { kind: "config", status: 500, retry: false },
  UNKNOWN_PROVIDER: { kind: "user", status: 404, retry: false },
  MISSING_STATE: { kind: "user", status: 400, retry: true },
  UNKNOWN_TRANSACTION: { kind: "user", status: 400, retry: true },
  INVALID_AUTHORIZATION_RESPONSE: { kind: "user", status: 400, retry: true },
  CROSS_SITE_LOGOUT: { kind: "user", status: 403, retry: false },
  PROVIDER_ERROR_RESPONSE: { kind: "provider", status: 400, retry: true },
  PROVIDER_UNREACHABLE: { kind: "provider", status: 502, retry: true },
  PROVIDER_TIMEOUT: { kind: "provider", status: 504, retry: true },
  PROVIDER_INVALID_RESPONSE: { kind: "provider", status: 502, retry: true },
  INVALID_ID_TOKEN: { kind: "provider", status: 502, retry: true },
  IDENTITY_TOO_LARGE: { kind: "config", status: 502, retry: false },
  LOGIN_NOT_ALLOWED: { kind: "user", status: 403, retry: true },
  LOGIN_REFUSED_BY_APP: { kind: "user", status: 403, retry: true },
  LOGIN_HOOK_FAILED: { kind: "config", status: 500, retry: false },
  INVALID_LOGIN_OPTION: { kind: "user", status: 400, retry: false },
  AUTH_TIME_MISSING: { kind: "provider", status: 502, retry: true },
  AUTH_TIME_TOO_OLD: { kind: "provider", status: 502, retry: true },
  UNEXPECTED_ERROR: { kind: "config", status: 500, retry: false },
};

export function isAuthErrorCode(value: unknown): value is AuthErrorCode {
  return typeof value === "string" && Object.hasOwn(AUTH_ERROR_CODES, value);
}
