import { AuthError } from "../errors/auth-error.js";

/** The codes of {@link AuthFlowError}, as constants: `error.code === AuthFlowErrorCode.PROVIDER_TIMEOUT`. */
export const AuthFlowErrorCode = {
  CONFIG: "CONFIG",
  UNKNOWN_PROVIDER: "UNKNOWN_PROVIDER",
  MISSING_STATE: "MISSING_STATE",
  UNKNOWN_TRANSACTION: "UNKNOWN_TRANSACTION",
  PROVIDER_ERROR_RESPONSE: "PROVIDER_ERROR_RESPONSE",
  INVALID_AUTHORIZATION_RESPONSE: "INVALID_AUTHORIZATION_RESPONSE",
  PROVIDER_UNREACHABLE: "PROVIDER_UNREACHABLE",
  PROVIDER_TIMEOUT: "PROVIDER_TIMEOUT",
  PROVIDER_INVALID_RESPONSE: "PROVIDER_INVALID_RESPONSE",
  INVALID_ID_TOKEN: "INVALID_ID_TOKEN",
  IDENTITY_TOO_LARGE: "IDENTITY_TOO_LARGE",
  CROSS_SITE_LOGOUT: "CROSS_SITE_LOGOUT",
  CLIENT_REJECTED: "CLIENT_REJECTED",
  LOGIN_NOT_ALLOWED: "LOGIN_NOT_ALLOWED",
  LOGIN_REFUSED_BY_APP: "LOGIN_REFUSED_BY_APP",
  LOGIN_HOOK_FAILED: "LOGIN_HOOK_FAILED",
  INVALID_LOGIN_OPTION: "INVALID_LOGIN_OPTION",
  AUTH_TIME_MISSING: "AUTH_TIME_MISSING",
  AUTH_TIME_TOO_OLD: "AUTH_TIME_TOO_OLD",
} as const;

/** One of {@link AuthFlowErrorCode}. */
export type AuthFlowErrorCode = (typeof AuthFlowErrorCode)[keyof typeof AuthFlowErrorCode];

/** What else an {@link AuthFlowError} may carry. */
export interface AuthFlowErrorOptions {
  /** For `PROVIDER_ERROR_RESPONSE`: the provider's `error` and `error_description` (untrusted, never shown raw). */
  readonly providerError?: { readonly error: string; readonly description: string };
  /** The underlying error (a failed fetch, oauth4webapi's validation error). */
  readonly cause?: unknown;
}

/**
 * Why a login or logout step failed, in words for the person at the browser (`message`), with the technical cause
 * kept for the server log (`detail`, and `cause` when another error led to it). `status` follows who is at fault: 4xx
 * for what the browser sent, 502/504 for the identity provider, 500 for the app's own configuration.
 */
export class AuthFlowError extends AuthError<AuthFlowErrorCode> {
  override readonly name = "AuthFlowError";
  /** For `PROVIDER_ERROR_RESPONSE`: the provider's `error` and `error_description` (untrusted, never shown raw). */
  readonly providerError?: { readonly error: string; readonly description: string };

  constructor(
    code: AuthFlowErrorCode,
    /** The HTTP status of the page that reports it. */
    readonly status: number,
    /** Safe to show to the user: no secrets, no stack, nothing the browser sent echoed unescaped. */
    message: string,
    /** For the server log only. */
    readonly detail?: string,
    { providerError, cause }: AuthFlowErrorOptions = {},
  ) {
    super(code, message, cause === undefined ? undefined : { cause });
    if (providerError) this.providerError = providerError;
  }
}
