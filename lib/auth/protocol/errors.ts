/**
 * Why a login or logout step failed, in words for the person at the browser (`message`), with the technical cause
 * kept for the server log (`detail`). `status` follows who is at fault: 4xx for what the browser sent, 502/504 for
 * the identity provider, 500 for the app's own configuration.
 */
export type AuthFlowErrorCode =
  | "CONFIG"
  | "UNKNOWN_PROVIDER"
  | "MISSING_STATE"
  | "UNKNOWN_TRANSACTION"
  | "PROVIDER_ERROR_RESPONSE"
  | "INVALID_AUTHORIZATION_RESPONSE"
  | "PROVIDER_UNREACHABLE"
  | "PROVIDER_TIMEOUT"
  | "PROVIDER_INVALID_RESPONSE"
  | "INVALID_ID_TOKEN"
  | "IDENTITY_TOO_LARGE"
  | "CROSS_SITE_LOGOUT"
  | "CLIENT_REJECTED";

export class AuthFlowError extends Error {
  override readonly name = "AuthFlowError";
  constructor(
    readonly code: AuthFlowErrorCode,
    readonly status: number,
    /** Safe to show to the user: no secrets, no stack, nothing the browser sent echoed unescaped. */
    message: string,
    /** For the server log only. */
    readonly detail?: string,
    /** For `PROVIDER_ERROR_RESPONSE`: the provider's `error` and `error_description` (untrusted, never shown raw). */
    readonly providerError?: { readonly error: string; readonly description: string },
  ) {
    super(message);
  }
}
