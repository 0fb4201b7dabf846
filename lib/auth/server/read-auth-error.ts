import "server-only";
import { DEFAULT_PROVIDER } from "../config/keys.js";
import { loadConfig } from "../config/load.js";
import { LOGIN_PARAMETERS, loginRequestFromParams, type LoginRequest } from "../protocol/login-options.js";
import { AUTH_ERROR_CODES, isAuthErrorCode, type AuthErrorCode, type AuthErrorKind } from "../routes/error-codes.js";
import { retryLoginPath } from "../routes/error-page.js";
import { safeReturnTo } from "../routes/return-to.js";

/** An auth error as the app's own error page receives it (see `callback({ errorPage })`). */
export interface AuthErrorInfo {
  /** One of the stable codes listed in the docs, e.g. `LOGIN_NOT_ALLOWED`. */
  readonly code: AuthErrorCode;
  /** Whose problem it is: `user` (the person at the browser), `provider` (the identity provider) or `config` (the app). */
  readonly kind: AuthErrorKind;
  /** A link that starts the login again (`/auth/login?...`), when that can help. */
  readonly retryUrl?: string;
}

type SearchParamsLike = URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Reads the error an auth route sent to the app's error page from its search params; `undefined` unless `code` is one
 * of the library's codes. `kind` comes from the library's table, not from the URL, and the retry link only names a
 * configured provider and a safe path of this app: a crafted URL can show no more than a known code.
 *
 * ```tsx
 * // app/auth/error/page.tsx
 * import { readAuthError } from "streamlit-auth-nextjs";
 *
 * export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
 *   const error = readAuthError(await searchParams);
 *   ...
 * }
 * ```
 */
export function readAuthError(searchParams: SearchParamsLike): AuthErrorInfo | undefined {
  const read = (name: string): string | undefined => {
    const value = searchParams instanceof URLSearchParams ? searchParams.get(name) : searchParams[name];
    return typeof value === "string" ? value : undefined;
  };
  const code = read("code");
  if (!isAuthErrorCode(code)) return undefined;
  const { kind, retry } = AUTH_ERROR_CODES[code];
  const options = new URLSearchParams();
  // The prompt of a retry is only ever select_account (below); the other login options are kept, checked.
  for (const name of Object.values(LOGIN_PARAMETERS)) if (name !== "prompt") options.set(name, read(name) ?? "");
  const retryUrl = retry ? retryUrlFrom(read("provider"), read("returnTo"), read("prompt"), options) : undefined;
  return retryUrl === undefined ? { code, kind } : { code, kind, retryUrl };
}

function retryUrlFrom(
  provider: string | undefined,
  returnTo: string | undefined,
  prompt: string | undefined,
  options: URLSearchParams,
) {
  const state = loadConfig();
  if (state.status !== "ok") return undefined;
  const { config } = state;
  const name = provider !== undefined && config.providers.has(provider) ? provider : DEFAULT_PROVIDER;
  if (!config.providers.has(name)) return undefined;
  return retryLoginPath({
    provider: name,
    returnTo: safeReturnTo(returnTo, config.origin),
    selectAccount: prompt === "select_account",
    request: checkedLoginRequest(options),
  });
}

/** The login options of the failed login, as the error page's URL carries them; none if any is not valid. */
function checkedLoginRequest(options: URLSearchParams): LoginRequest {
  try {
    return loginRequestFromParams(options);
  } catch {
    return {};
  }
}
