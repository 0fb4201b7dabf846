import type { TokenKind } from "../config/types.js";
import type { StoredTokens } from "./tokens.js";

/** The tokens a login keeps: the access token (and its expiry), the refresh token, and the ID token when exposed. */
export function loginTokens(
  login: {
    idToken: string;
    accessToken: string;
    accessTokenExpiresAt: number | undefined;
    refreshToken: string | undefined;
  },
  expose: readonly TokenKind[],
  now = Date.now(),
): Omit<StoredTokens, "sessionId"> {
  return {
    issuedAt: now,
    accessToken: login.accessToken,
    accessTokenExpiresAt:
      login.accessTokenExpiresAt ?? jwtExpiry(login.accessToken) ?? now + DEFAULT_ACCESS_TOKEN_LIFETIME_MS,
    refreshToken: login.refreshToken,
    idToken: expose.includes("id") ? login.idToken : undefined,
  };
}

/** Assumed when the provider says neither `expires_in` nor, in a JWT access token, `exp` (one hour, the common value). */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** The `exp` of a JWT access token, read without verifying it (only to know when to refresh), in ms. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined || token.split(".").length !== 3) return undefined;
  try {
    const exp: unknown = (
      JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/"))) as Record<string, unknown>
    )["exp"];
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
