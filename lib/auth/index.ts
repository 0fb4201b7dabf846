/**
 * Server API. In server components, route handlers and server actions:
 *
 *   import { getUser, login, logout } from "@/lib/auth";
 *
 * Client components use `useUser()` from "@/lib/auth/client".
 */
export { getUser } from "./server/get-user";
export { login, logout } from "./server/actions";
export { AuthProvider } from "./provider";
export { getLoginProviders } from "./server/providers";
export { getAccessToken, type AccessTokenOptions } from "./server/access-token";
export { refreshUser } from "./server/refresh-user";
export { AccessTokenError, type AccessTokenErrorCode } from "./protocol/access-token-error";
export { AuthConfigError, AuthConfigErrors } from "./config/errors";
export { AuthFlowError } from "./protocol/errors";
export { UserModificationError } from "./user/user";
export type { User, UserData, UserTokens, StandardClaims } from "./user/user";
