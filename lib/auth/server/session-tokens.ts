import { AuthConfigError } from "../config/errors.js";
import type { AuthConfig, ProviderConfig } from "../config/types.js";
import { readIdentity, type Identity } from "../cookie/identity.js";
import { currentSession, renewedIdentity } from "../cookie/renewal.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import { identityLengthIn, logDropped } from "../cookie/session-cookies.js";
import { sessionIsCurrent } from "../cookie/session.js";
import { newestSuccessor, recordSuccessor, type Successor } from "../cookie/token-successors.js";
import { jwtExpiry, DEFAULT_ACCESS_TOKEN_LIFETIME_MS } from "../cookie/login-tokens.js";
import { sealedTokensWrite, tokensCookieValue, type StoredTokens } from "../cookie/tokens.js";
import { openTokens, tokensCookie } from "../cookie/tokens-seal.js";
import { AccessTokenError } from "../protocol/access-token-error.js";
import { getServerMetadata } from "../protocol/discovery.js";
import { AuthFlowError } from "../protocol/errors.js";
import { providerFault } from "../protocol/http.js";
import { asAccessTokenError, refreshGrant } from "../protocol/refresh.js";
import { inflightRefreshes, refusedRefreshTokens } from "./refresh-registry.js";

/**
 * getAccessToken()'s work on a request's cookies, free of Next imports (tested and measured on its own): the stored
 * access token while it stays valid for the margin, otherwise one refresh with the `refresh_token` grant.
 *
 * - One refresh per refresh token at a time in this process: concurrent callers share it.
 * - A refresh is remembered (token-successors.ts): a later request in this process with the old cookie uses the new
 *   tokens instead of sending a used refresh token again, and persists them where it can write cookies.
 * - A refused refresh (`invalid_grant`: revoked, expired, already used) throws `REFRESH_REFUSED` and leaves the cookies
 *   alone: another replica may have refreshed the same token an instant earlier and be sending the browser a newer
 *   cookie, which a deletion here could overwrite. Getting new tokens then takes a new login.
 */

export interface AccessTokenOptions {
  /** Refresh even if the stored access token is still valid. */
  forceRefresh?: boolean | undefined;
  /** Seconds the token must stay valid. Default: 30, or half the token's lifetime when that is shorter. */
  minValidity?: number | undefined;
}

export interface SessionState {
  readonly identity: Identity;
  readonly provider: ProviderConfig;
  /** The tokens cookie value the request carries. */
  readonly requestValue: string | undefined;
  /** The newest tokens this process knows for it, and the cookie value that holds them. */
  readonly current: { readonly value: string | undefined; readonly tokens: StoredTokens | undefined };
}

export interface AccessTokenResult {
  readonly accessToken: string;
  /** ms since the epoch. */
  readonly expiresAt: number | undefined;
  /** Cookies to write where that is possible (newer tokens, recorded activity). */
  readonly writes: CookieWrite[];
  /** The validated claims of an ID token returned by this call's refresh, if any. */
  readonly refreshedClaims?: Readonly<Record<string, unknown>> | undefined;
  readonly refreshedIdToken?: string | undefined;
}

const DEFAULT_MARGIN_MS = 30_000;

export async function readSessionState(
  jar: CookieJar,
  config: AuthConfig,
  providerName: string | undefined,
  now = Date.now(),
): Promise<SessionState> {
  if (providerName !== undefined && !config.providers.has(providerName)) {
    throw new AuthConfigError("UNKNOWN_PROVIDER", `no provider "${providerName}" is configured`, {
      source: config.source,
      section: providerName === "default" ? "[auth] (default provider)" : `[auth.${providerName}]`,
      fix: `Call getAccessToken() with one of the configured providers (${[...config.providers.keys()].join(", ")}), or without one for the provider the user logged in with.`,
    });
  }
  const identity = await readIdentity(jar, { secrets: config.cookieSecrets, secure: config.secure });
  if (!identity || !sessionIsCurrent(identity.session, config, now))
    throw new AccessTokenError("NOT_LOGGED_IN", "Nobody is logged in (or the session has ended): log in first.");
  const name = identity.session.provider ?? String(identity.claims["provider"]);
  const provider = config.providers.get(name);
  if (!provider)
    throw new AccessTokenError("NOT_LOGGED_IN", "Nobody is logged in (or the session has ended): log in first.");
  if (providerName !== undefined && providerName !== name) {
    throw new AccessTokenError(
      "OTHER_PROVIDER",
      `The user logged in with "${name}", not "${providerName}": only that provider's access token is available.`,
    );
  }
  const requestValue = tokensCookieValue(jar, config.secure);
  const successor = requestValue === undefined ? undefined : newestSuccessor(requestValue, now);
  const current =
    successor !== undefined && successor.tokens.sessionId === identity.session.id
      ? { value: successor.value, tokens: successor.tokens }
      : {
          value: requestValue,
          tokens:
            requestValue === undefined
              ? undefined
              : await openTokens(requestValue, config.cookieSecrets, identity.session.id),
        };
  return { identity, provider, requestValue, current };
}

export async function accessTokenFromCookies(
  jar: CookieJar,
  config: AuthConfig,
  options: AccessTokenOptions & { provider?: string | undefined } = {},
): Promise<AccessTokenResult> {
  const now = Date.now();
  const state = await readSessionState(jar, config, options.provider, now);
  const stored = state.current.tokens;
  if (!options.forceRefresh && stored?.accessToken !== undefined && stillValid(stored, options.minValidity, now)) {
    return {
      accessToken: stored.accessToken,
      expiresAt: stored.accessTokenExpiresAt,
      writes: await persistence(jar, config, state, state.current.value, now),
    };
  }
  const refreshed = await refreshSession(jar, config, state);
  return {
    accessToken: refreshed.successor.tokens.accessToken!,
    expiresAt: refreshed.successor.tokens.accessTokenExpiresAt,
    writes: await persistence(jar, config, state, refreshed.successor.value, now),
    refreshedClaims: refreshed.claims,
    refreshedIdToken: refreshed.idToken,
  };
}

function stillValid(tokens: StoredTokens, minValidity: number | undefined, now: number): boolean {
  const expiresAt = tokens.accessTokenExpiresAt;
  if (expiresAt === undefined) return true;
  const margin =
    minValidity !== undefined
      ? minValidity * 1000
      : Math.min(DEFAULT_MARGIN_MS, Math.max(0, (expiresAt - tokens.issuedAt) / 2));
  return expiresAt - now > margin;
}

interface Refreshed {
  readonly successor: Successor;
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  readonly idToken: string | undefined;
}

/** One refresh of the session's current refresh token, shared by every caller in this process while it runs. */
export async function refreshSession(jar: CookieJar, config: AuthConfig, state: SessionState): Promise<Refreshed> {
  const stored = state.current.tokens;
  const refreshToken = stored?.refreshToken;
  if (stored === undefined || refreshToken === undefined) throw noRefreshToken(state.provider);
  const refused = refusedRefreshTokens.get(refreshToken);
  if (refused !== undefined) throw refused;
  const running = inflightRefreshes.get(refreshToken);
  if (running !== undefined) return running as Promise<Refreshed>;
  const refresh = runRefresh(jar, config, state, stored, refreshToken).finally(() =>
    inflightRefreshes.delete(refreshToken),
  );
  inflightRefreshes.set(refreshToken, refresh);
  return refresh;
}

async function runRefresh(
  jar: CookieJar,
  config: AuthConfig,
  state: SessionState,
  stored: StoredTokens,
  refreshToken: string,
): Promise<Refreshed> {
  const { identity, provider } = state;
  let result;
  try {
    const as = await getServerMetadata(provider).catch((error: unknown) => {
      throw asAccessTokenError(error instanceof AuthFlowError ? error : providerFault(error, "loading its metadata"));
    });
    result = await refreshGrant(provider, as, refreshToken, {
      subject: String(identity.claims["sub"]),
      issuer: typeof identity.claims["iss"] === "string" ? identity.claims["iss"] : undefined,
    });
  } catch (error) {
    if (error instanceof AccessTokenError && error.code === "REFRESH_REFUSED") {
      // Another request of this process may have refreshed the same token meanwhile: its tokens are the answer.
      const newer = state.current.value === undefined ? undefined : newestSuccessor(state.current.value);
      if (newer !== undefined && newer.tokens.refreshToken !== refreshToken)
        return { successor: newer, claims: undefined, idToken: undefined };
      refusedRefreshTokens.set(refreshToken, error);
    }
    throw error;
  }
  const now = Date.now();
  const tokens: StoredTokens = {
    sessionId: stored.sessionId,
    issuedAt: now,
    accessToken: result.accessToken,
    accessTokenExpiresAt: result.expiresAt ?? jwtExpiry(result.accessToken) ?? now + DEFAULT_ACCESS_TOKEN_LIFETIME_MS,
    refreshToken: result.refreshToken ?? refreshToken,
    idToken: config.exposeTokens.includes("id") ? (result.idToken ?? stored.idToken) : undefined,
  };
  const identityLength = identityLengthIn(jar, config.secure);
  const sealed = await tokensCookie(tokens, identity.session, identityLength, {
    secrets: config.cookieSecrets,
    secure: config.secure,
    policy: config.session,
  });
  logDropped(sealed.dropped, identityLength);
  const successor: Successor = {
    value: sealed.value ?? "",
    tokens,
    expiresAt: identity.session.loginTime + config.session.lifetime * 1000,
  };
  if (state.current.value !== undefined && sealed.value !== undefined) recordSuccessor(state.current.value, successor);
  return { successor, claims: result.claims, idToken: result.idToken };
}

/**
 * What a place that can write cookies should write: the tokens cookie when the request's is older than `value`, and
 * the identity when activity is due to be recorded.
 */
async function persistence(
  jar: CookieJar,
  config: AuthConfig,
  state: SessionState,
  value: string | undefined,
  now: number,
): Promise<CookieWrite[]> {
  const writes: CookieWrite[] = [];
  if (value !== undefined && value !== "" && value !== state.requestValue) {
    const write = sealedTokensWrite(
      value,
      state.identity.session,
      { secure: config.secure, policy: config.session },
      now,
    );
    if (write) writes.push(write);
  }
  const opened = await currentSession(jar, config, now);
  if (opened) writes.push(...(await renewedIdentity(jar, config, opened, { rotate: true, now })));
  return writes;
}

function noRefreshToken(provider: ProviderConfig): AccessTokenError {
  const section = provider.name === "default" ? "[auth]" : `[auth.${provider.name}]`;
  return new AccessTokenError(
    "NO_REFRESH_TOKEN",
    `This session has no valid access token (it expired, or the login kept none) and the login with "${provider.name}" ` +
      `has no refresh token to get another. Ask the provider for one in ${section}: ` +
      'client_kwargs = { scope = "openid email profile offline_access" } (Google: access_type = "offline", ' +
      'prompt = "consent"; see docs/providers.md#refresh-tokens), then log in again.',
  );
}
