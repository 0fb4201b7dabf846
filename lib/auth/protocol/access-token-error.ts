import { AuthError } from "../errors/auth-error.js";

/**
 * The codes of {@link AccessTokenError}, as constants: `error.code === AccessTokenErrorCode.REFRESH_REFUSED`.
 * Never thrown for what a visitor's browser sent: a missing or stale cookie is `NOT_LOGGED_IN`.
 */
export const AccessTokenErrorCode = {
  /** No current session: not logged in, or the session's lifetime or idle timeout is over. */
  NOT_LOGGED_IN: "NOT_LOGGED_IN",
  /** Logged in with another provider than the one asked for. */
  OTHER_PROVIDER: "OTHER_PROVIDER",
  /** The access token has expired (or none was stored) and there is no refresh token to get another. */
  NO_REFRESH_TOKEN: "NO_REFRESH_TOKEN",
  /** The provider refused the refresh token (`invalid_grant`: revoked, expired, already used; or another OAuth error). */
  REFRESH_REFUSED: "REFRESH_REFUSED",
  /** The provider did not answer in time. */
  PROVIDER_TIMEOUT: "PROVIDER_TIMEOUT",
  /** The provider could not be reached. */
  PROVIDER_UNREACHABLE: "PROVIDER_UNREACHABLE",
  /** The provider's answer was invalid or too large. */
  PROVIDER_INVALID_RESPONSE: "PROVIDER_INVALID_RESPONSE",
  /** A refresh returned an ID token that fails validation, or belongs to another user: nothing was changed. */
  INVALID_ID_TOKEN: "INVALID_ID_TOKEN",
  /** refreshUser(): the refreshed claims no longer fit in the identity cookies; the old ones stay. */
  IDENTITY_TOO_LARGE: "IDENTITY_TOO_LARGE",
  /**
   * refreshUser(): the login hook reshaped this session's claims, and no hook is registered in this process to reshape
   * the refreshed ones (`registerAuth({ onLogin })` in instrumentation.ts). Nothing was sent or changed.
   */
  LOGIN_HOOK_NOT_REGISTERED: "LOGIN_HOOK_NOT_REGISTERED",
  /** refreshUser(): the login hook threw (or returned what cannot be stored) on the refreshed claims; the old ones stay. */
  LOGIN_HOOK_FAILED: "LOGIN_HOOK_FAILED",
} as const;

/** One of {@link AccessTokenErrorCode}. */
export type AccessTokenErrorCode = (typeof AccessTokenErrorCode)[keyof typeof AccessTokenErrorCode];

/**
 * Why `getAccessToken()` or `refreshUser()` could not deliver. The session itself is never ended by these errors (see
 * docs/api.md; `refreshUser()` ends it, without an error, when the allow-lists or the login hook refuse the user).
 */
export class AccessTokenError extends AuthError<AccessTokenErrorCode> {
  override readonly name = "AccessTokenError";
  constructor(
    code: AccessTokenErrorCode,
    message: string,
    /** For the server log only. */
    readonly detail?: string,
    /** For `REFRESH_REFUSED`: the provider's `error` (e.g. `invalid_grant`), untrusted, checked to be a plain code. */
    readonly providerError?: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}
