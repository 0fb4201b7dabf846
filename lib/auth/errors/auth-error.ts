/**
 * The base class of every error the library throws. `code` says what went wrong, as a stable string (each error
 * family exports its codes as constants, e.g. `AuthConfigErrorCode.MISSING_KEY`); `cause` is the underlying error
 * when there is one (a failed fetch, the TOML parser's error, oauth4webapi's), kept as the error itself.
 *
 * ```ts
 * try {
 *   await login("google");
 * } catch (error) {
 *   if (error instanceof AuthError) console.error(error.code, error.message, error.cause);
 *   throw error;
 * }
 * ```
 */
export class AuthError<Code extends string = string> extends Error {
  override readonly name: string = "AuthError";
  /** What went wrong, as one of the family's exported codes. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
