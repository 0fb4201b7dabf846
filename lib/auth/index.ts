/**
 * The server API of streamlit-auth-nextjs, for server components, route handlers and server actions:
 *
 * ```tsx
 * import { getUser, login, logout } from "streamlit-auth-nextjs";
 * ```
 *
 * Client components use `useUser()` from `streamlit-auth-nextjs/client`, and may call the server actions from
 * `streamlit-auth-nextjs/actions`.
 */
import "server-only";

export { getUser } from "./server/get-user.js";
export { login, logout } from "./server/actions.js";
export { AuthProvider } from "./provider.js";
export { getLoginProviders } from "./server/providers.js";
export { getAccessToken, type AccessTokenOptions } from "./server/access-token.js";
export { refreshUser } from "./server/refresh-user.js";
export { AuthError } from "./errors/auth-error.js";
export { AccessTokenError, AccessTokenErrorCode } from "./protocol/access-token-error.js";
export {
  AuthConfigError,
  AuthConfigErrorCode,
  AuthConfigErrors,
  AuthConfigErrorsCode,
  type AuthConfigErrorDetails,
} from "./config/errors.js";
export { AuthFlowError, AuthFlowErrorCode, type AuthFlowErrorOptions } from "./protocol/errors.js";
export { UserModificationError, UserModificationErrorCode } from "./user/user.js";
export type { User, UserData, UserTokens, StandardClaims } from "./user/user.js";
export { readAuthError, type AuthErrorInfo } from "./server/read-auth-error.js";
export type { AuthErrorCode, AuthErrorKind } from "./routes/error-codes.js";
export { LoginRefusedError, LoginRefusedErrorCode } from "./routes/login-hook.js";
export type { LoginEvent, LoginHookResult, LoginTokens, OnLogin } from "./routes/login-hook.js";
export type { CallbackOptions } from "./routes/callback.js";
export { loginUrl } from "./routes/login-url.js";
export type { LoginOptions } from "./protocol/login-options.js";
export type { LoginEventAtLogin, LoginEventAtRefresh, RefreshedTokens } from "./routes/login-hook.js";
