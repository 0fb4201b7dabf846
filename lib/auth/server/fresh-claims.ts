import type { IDToken } from "oauth4webapi";
import type { AuthConfig } from "../config/types.js";
import { IdentityTooLargeError } from "../cookie/identity.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import { sessionCookies } from "../cookie/session-cookies.js";
import { recordSuccessor } from "../cookie/token-successors.js";
import { AccessTokenError } from "../protocol/access-token-error.js";
import { getServerMetadata } from "../protocol/discovery.js";
import { AuthFlowError } from "../protocol/errors.js";
import { providerFault } from "../protocol/http.js";
import { asAccessTokenError, userInfo } from "../protocol/refresh.js";
import { needsUserInfo } from "../protocol/token.js";
import { admitRefresh, refreshHook } from "./refresh-policy.js";
import { accessTokenFromCookies, readSessionState } from "./session-tokens.js";

/**
 * refreshUser()'s work, free of Next imports: new claims for the logged-in user, without a new login.
 *
 * With a refresh token, a refresh (forced) whose new ID token is validated like the login's and must name the same
 * `sub` and `iss`; its claims replace the old ones (the userinfo endpoint fills in, as at login, what it lacks).
 * Without an ID token from the refresh (or without a refresh token but with a valid access token), the userinfo
 * endpoint's claims (same `sub` required) are merged over the old claims. The new claims pass the allow-lists and
 * the registered login hook as at login (refresh-policy.ts): a refusal ends the session (`{ is_logged_in: false }`
 * and the cookies' deletions); otherwise the identity is re-sealed with the claims to store, keeping the login time
 * and session id.
 *
 * When it throws after the provider has rotated the tokens (the hook failed, the identity grew too large), the new
 * tokens cookie is pushed onto `pending`: the caller writes it, or the session would keep a refresh token the provider
 * has already replaced (and may treat as a replay).
 */
export async function refreshUserFromCookies(
  jar: CookieJar,
  config: AuthConfig,
  pending: CookieWrite[] = [],
): Promise<{ data: Record<string, unknown>; writes: CookieWrite[] }> {
  const state = await readSessionState(jar, config, undefined);
  const { identity, provider } = state;
  const hook = refreshHook(identity, provider);
  const subject = String(identity.claims["sub"]);
  const token = await accessTokenFromCookies(jar, config, {
    forceRefresh: state.current.tokens?.refreshToken !== undefined,
  });
  const idClaims = token.refreshedClaims;
  const as = await getServerMetadata(provider).catch((error: unknown) => {
    throw asAccessTokenError(error instanceof AuthFlowError ? error : providerFault(error, "loading its metadata"));
  });
  const scope = provider.authorizationParams["scope"] ?? "";
  const info =
    idClaims === undefined || needsUserInfo(idClaims as IDToken, scope)
      ? await userInfo(provider, as, token.accessToken, subject)
      : undefined;
  const { provider: _provider, ...oldClaims } = identity.claims;
  const claims = idClaims !== undefined ? { ...info, ...idClaims } : { ...oldClaims, ...info };
  if (idClaims === undefined && info === undefined) return { data: userData(identity.claims), writes: token.writes };
  try {
    return await resealed(jar, config, state, token, claims, hook);
  } catch (error) {
    pending.push(...token.writes);
    throw error;
  }
}

async function resealed(
  jar: CookieJar,
  config: AuthConfig,
  state: Awaited<ReturnType<typeof readSessionState>>,
  token: Awaited<ReturnType<typeof accessTokenFromCookies>>,
  claims: Record<string, unknown>,
  hook: ReturnType<typeof refreshHook>,
): Promise<{ data: Record<string, unknown>; writes: CookieWrite[] }> {
  const { identity, provider } = state;

  // The newest tokens, now including this refresh's, go into the re-sealed cookies with the new identity.
  const newest = await readSessionState(jar, config, undefined);
  const tokens = newest.current.tokens ?? state.current.tokens;
  const verdict = await admitRefresh(claims, {
    jar,
    config,
    provider,
    hook,
    tokens: {
      accessToken: token.accessToken,
      ...(tokens?.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
      ...(token.expiresAt === undefined ? {} : { accessTokenExpiresAt: token.expiresAt }),
      ...(token.refreshedIdToken === undefined ? {} : { idToken: token.refreshedIdToken }),
    },
  });
  if (!verdict.admitted) return { data: { is_logged_in: false }, writes: verdict.writes };
  const stored = { ...verdict.claims, provider: provider.name };
  let sealed;
  try {
    sealed = await sessionCookies(
      {
        claims: stored,
        // As at login: a reshaped identity keeps no raw ID token, which holds every claim the hook left out.
        idToken: verdict.reshaped ? undefined : (token.refreshedIdToken ?? identity.idToken),
        serverMetadataUrl: provider.serverMetadataUrl,
        loginTime: identity.session.loginTime,
        lastActivity: Date.now(),
        sessionId: identity.session.id,
        reshaped: verdict.reshaped,
      },
      tokens === undefined ? { issuedAt: Date.now() } : tokens,
      jar,
      { secrets: config.cookieSecrets, secure: config.secure, policy: config.session },
    );
  } catch (error) {
    if (!(error instanceof IdentityTooLargeError)) throw error;
    throw new AccessTokenError("IDENTITY_TOO_LARGE", error.message, `refreshUser(): ${error.size} characters sealed`);
  }
  if (tokens !== undefined && newest.current.value !== undefined && sealed.tokensValue !== undefined) {
    recordSuccessor(newest.current.value, {
      value: sealed.tokensValue,
      tokens,
      expiresAt: identity.session.loginTime + config.session.lifetime * 1000,
    });
  }
  return { data: userData(stored), writes: sealed.writes };
}

function userData(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { is_logged_in: _ignored, ...rest } = claims;
  return { is_logged_in: true, ...rest };
}
