/**
 * Why `getAccessToken()` or `refreshUser()` could not deliver. Never thrown for what a visitor's browser sent: a
 * missing or stale cookie is `NOT_LOGGED_IN`. The session itself is never ended by these errors (see docs/api.md).
 */
export type AccessTokenErrorCode =
  /** No current session: not logged in, or the session's lifetime or idle timeout is over. */
  | "NOT_LOGGED_IN"
  /** Logged in with another provider than the one asked for. */
  | "OTHER_PROVIDER"
  /** The access token has expired (or none was stored) and there is no refresh token to get another. */
  | "NO_REFRESH_TOKEN"
  /** The provider refused the refresh token (`invalid_grant`: revoked, expired, already used; or another OAuth error). */
  | "REFRESH_REFUSED"
  | "PROVIDER_TIMEOUT"
  | "PROVIDER_UNREACHABLE"
  | "PROVIDER_INVALID_RESPONSE"
  /** A refresh returned an ID token that fails validation, or belongs to another user: nothing was changed. */
  | "INVALID_ID_TOKEN"
  /** refreshUser(): the refreshed claims no longer fit in the identity cookies; the old ones stay. */
  | "IDENTITY_TOO_LARGE";

export class AccessTokenError extends Error {
  override readonly name = "AccessTokenError";
  constructor(
    readonly code: AccessTokenErrorCode,
    message: string,
    /** For the server log only. */
    readonly detail?: string,
    /** For `REFRESH_REFUSED`: the provider's `error` (e.g. `invalid_grant`), untrusted, checked to be a plain code. */
    readonly providerError?: string,
  ) {
    super(message);
  }
}
