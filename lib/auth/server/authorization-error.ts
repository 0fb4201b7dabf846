import { AuthError } from "../errors/auth-error.js";

/** The codes of {@link AuthorizationError}. */
export const AuthorizationErrorCode = {
  /** No logged-in user, or a login older than `maxAge`, where the answer cannot be a redirect to log in. */
  UNAUTHORIZED: "UNAUTHORIZED",
  /** A logged-in user whom `requireUser({ allow })` refused. */
  FORBIDDEN: "FORBIDDEN",
} as const;
export type AuthorizationErrorCode = (typeof AuthorizationErrorCode)[keyof typeof AuthorizationErrorCode];

/**
 * Thrown by `requireUser()` where Next's `forbidden()` is not enabled (`experimental.authInterrupts` in next.config):
 * a page or server action refused to a logged-in user ends in the app's `error.tsx` with this error. With the flag,
 * Next answers 403 and renders `forbidden.tsx` instead, and this error is never thrown.
 */
export class AuthorizationError extends AuthError<AuthorizationErrorCode> {
  override readonly name = "AuthorizationError";
  readonly status: 401 | 403;
  constructor(code: AuthorizationErrorCode, message: string) {
    super(code, message);
    this.status = code === AuthorizationErrorCode.UNAUTHORIZED ? 401 : 403;
  }
}
