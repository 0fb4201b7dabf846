/**
 * Server API. In server components, route handlers and server actions:
 *
 *   import { getUser, login, logout } from "@/lib/auth";
 *
 * Client components use `useUser()` from "@/lib/auth/client".
 */
import "server-only";

export { getUser } from "./server/get-user.js";
export { login, logout } from "./server/actions.js";
export { AuthProvider } from "./provider.js";
export { getLoginProviders } from "./server/providers.js";
export { AuthConfigError, AuthConfigErrors } from "./config/errors.js";
export { AuthFlowError } from "./protocol/errors.js";
export { UserModificationError } from "./user/user.js";
export type { User, UserData, UserTokens, StandardClaims } from "./user/user.js";
