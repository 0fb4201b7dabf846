import { AuthError } from "../errors/auth-error.js";

/** The codes of {@link UseUserError}, as constants. */
export const UseUserErrorCode = {
  /** `useUser()` outside `<AuthProvider>`. */
  NO_AUTH_PROVIDER: "NO_AUTH_PROVIDER",
  /** On a static page, `GET /auth/user` did not answer with the user (the nearest error boundary shows it). */
  USER_REQUEST_FAILED: "USER_REQUEST_FAILED",
} as const;

/** One of {@link UseUserErrorCode}. */
export type UseUserErrorCode = (typeof UseUserErrorCode)[keyof typeof UseUserErrorCode];

/** Thrown by `useUser()` in a client component. */
export class UseUserError extends AuthError<UseUserErrorCode> {
  override readonly name = "UseUserError";
}
