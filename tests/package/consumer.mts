// An app's use of every entry point, type-checked against the packed package under moduleResolution "node16" and
// "bundler" (scripts/check-package.mjs). `false` below is only assignable when the type is not `any`.
import {
  AccessTokenError,
  AccessTokenErrorCode,
  AuthConfigError,
  AuthConfigErrorCode,
  AuthError,
  AuthFlowErrorCode,
  AuthProvider,
  getAccessToken,
  getLoginProviders,
  getUser,
  login,
  logout,
  refreshUser,
  type StandardClaims,
  type User,
} from "streamlit-auth-nextjs";
import {
  login as loginFromClient,
  logout as logoutFromClient,
  refreshUser as refreshFromClient,
} from "streamlit-auth-nextjs/actions";
import { UseUserError, UseUserErrorCode, useUser } from "streamlit-auth-nextjs/client";
import { registerAuth } from "streamlit-auth-nextjs/instrumentation";
import { authMiddleware, GateConfigError } from "streamlit-auth-nextjs/middleware";
import { GET as callback } from "streamlit-auth-nextjs/routes/callback";
import { GET as logoutGet, POST as logoutPost } from "streamlit-auth-nextjs/routes/logout";
import { testCookieHeader, testIdentityCookies } from "streamlit-auth-nextjs/testing";

export { GET } from "streamlit-auth-nextjs/routes/login";
export { GET as userRoute } from "streamlit-auth-nextjs/routes/user";

type IsAny<T> = 0 extends 1 & T ? true : false;

interface MyClaims extends StandardClaims {
  groups?: string[];
}

export async function page(): Promise<string | undefined> {
  const user: User<MyClaims> = await getUser<MyClaims>();
  const notAny: IsAny<typeof user> = false;
  const providers: string[] = await getLoginProviders();
  return notAny || user.is_logged_in ? user.groups?.join(",") : providers[0];
}

export const actions: Array<(form: FormData) => Promise<never>> = [login, logout, loginFromClient, logoutFromClient];
export const provider: IsAny<typeof AuthProvider> = false;
export const clientHook: IsAny<typeof useUser> = false;
export const middleware = authMiddleware({ matcher: ["/admin/:path*"] });
export const middlewareType: IsAny<typeof middleware> = false;
export const handlers: Array<(request: Request) => Promise<Response>> = [callback, logoutGet, logoutPost];
export const register: () => void = registerAuth;

export function describe(error: unknown): string {
  if (error instanceof AuthConfigError && error.code === AuthConfigErrorCode.MISSING_KEY) return error.fix;
  if (error instanceof GateConfigError || error instanceof UseUserError) return error.code;
  if (error instanceof AuthError && error.code === AuthFlowErrorCode.PROVIDER_TIMEOUT) return String(error.cause);
  return UseUserErrorCode.USER_REQUEST_FAILED;
}

export async function callApi(): Promise<string> {
  try {
    const token: string = await getAccessToken("google", { minValidity: 60 });
    const fresh = await (Math.random() > 0.5 ? refreshUser<MyClaims>() : refreshFromClient());
    return `${token} ${String(fresh.is_logged_in)}`;
  } catch (error) {
    if (error instanceof AccessTokenError && error.code === AccessTokenErrorCode.REFRESH_REFUSED) return "log in again";
    throw error;
  }
}

export async function cookieHeader(): Promise<string> {
  return testCookieHeader(await testIdentityCookies({ sub: "ada" }, { cookieSecret: "0123456789".repeat(4) }));
}
