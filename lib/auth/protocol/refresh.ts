import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types.js";
import { AccessTokenError } from "./access-token-error.js";
import { clientAuthentication, oauthClient } from "./client.js";
import { AuthFlowError } from "./errors.js";
import { describeError, providerFault, requestOptions } from "./http.js";
import { isIdTokenProblem, verifySignature } from "./id-token-signature.js";
import { checkExtraClaims } from "./token.js";

/**
 * The `refresh_token` grant (RFC 6749 §6) through oauth4webapi. A returned ID token is validated like the login's
 * (signature, `iss`, `aud`, `azp`, `exp`, `iat`, `sub`) and must name the same user and issuer as the login's (OIDC
 * Core §12.2): a refresh can renew tokens and claims, never change who is logged in.
 */

export interface RefreshedTokens {
  readonly accessToken: string;
  /** ms since the epoch; undefined when the provider gave no `expires_in`. */
  readonly expiresAt: number | undefined;
  /** A new refresh token when the provider rotates them; undefined when the old one stays valid. */
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  /** The new ID token's validated claims, when there is one. */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
}

export interface LoginSubject {
  /** The login's `sub`. */
  readonly subject: string;
  /** The login's `iss` claim (for a multi-tenant issuer template, the tenant's issuer). */
  readonly issuer: string | undefined;
}

export async function refreshGrant(
  provider: ProviderConfig,
  discovered: oauth.AuthorizationServer,
  refreshToken: string,
  login: LoginSubject,
): Promise<RefreshedTokens> {
  const as = tenantIssuer(discovered, login.issuer);
  const client = oauthClient(provider);
  let response: Response;
  try {
    response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuthentication(provider, as),
      refreshToken,
      requestOptions(as.token_endpoint!),
    );
  } catch (error) {
    throw asAccessTokenError(providerFault(error, "refreshing the access token"));
  }
  let result: oauth.TokenEndpointResponse;
  try {
    result = await oauth.processRefreshTokenResponse(as, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      const code = /^[a-z_]{1,64}$/.test(error.error) ? error.error : "error";
      throw new AccessTokenError(
        "REFRESH_REFUSED",
        `The identity provider refused to refresh the access token (${code}). Log in again to get new tokens.`,
        `token endpoint ${error.status}: ${error.error} ${oneLine(error.error_description ?? "")}`,
        code,
        { cause: error },
      );
    }
    throw isIdTokenProblem(error)
      ? invalidIdToken(describeError(error), error)
      : asAccessTokenError(providerFault(error, "refreshing the access token"));
  }
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (claims !== undefined) {
    try {
      // As at login: the provider's published keys, or the client secret for an opted-in HMAC algorithm.
      await verifySignature(provider, as, response, result.id_token!, undefined);
      checkExtraClaims(claims, client.client_id);
    } catch (error) {
      if (error instanceof AuthFlowError && error.code !== "INVALID_ID_TOKEN") throw asAccessTokenError(error);
      throw invalidIdToken(
        error instanceof AuthFlowError ? (error.detail ?? error.message) : describeError(error),
        error,
      );
    }
    if (claims.sub !== login.subject)
      throw invalidIdToken(`refreshed ID token names sub "${oneLine(claims.sub)}", the login "${login.subject}"`);
    if (login.issuer !== undefined && claims.iss !== login.issuer)
      throw invalidIdToken(`refreshed ID token names iss "${oneLine(claims.iss)}", the login "${login.issuer}"`);
  }
  return {
    accessToken: result.access_token,
    expiresAt: typeof result.expires_in === "number" ? Date.now() + result.expires_in * 1000 : undefined,
    refreshToken: result.refresh_token,
    idToken: result.id_token,
    claims: claims === undefined ? undefined : { ...claims },
  };
}

/** For Microsoft's multi-tenant metadata (issuer `.../{tenantid}/v2.0`), the login's tenant issuer, if it fits. */
function tenantIssuer(as: oauth.AuthorizationServer, loginIssuer: string | undefined): oauth.AuthorizationServer {
  if (!as.issuer.includes("{tenantid}") || loginIssuer === undefined) return as;
  const [before, after] = as.issuer.split("{tenantid}") as [string, string];
  const tenant = loginIssuer.slice(before.length, loginIssuer.length - after.length);
  const fits =
    loginIssuer.startsWith(before) &&
    loginIssuer.endsWith(after) &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tenant);
  return fits ? { ...as, issuer: loginIssuer } : as;
}

function invalidIdToken(detail: string, cause?: unknown): AccessTokenError {
  return new AccessTokenError(
    "INVALID_ID_TOKEN",
    "The identity provider answered the refresh with an ID token that failed validation, so nothing was changed.",
    detail,
    undefined,
    cause === undefined ? undefined : { cause },
  );
}

/** A provider fault (timeout, unreachable, invalid or too large answer) under the same code. */
export function asAccessTokenError(error: AuthFlowError): AccessTokenError {
  const code =
    error.code === "PROVIDER_TIMEOUT" || error.code === "PROVIDER_UNREACHABLE"
      ? error.code
      : "PROVIDER_INVALID_RESPONSE";
  return new AccessTokenError(code, error.message, error.detail, undefined, { cause: error });
}

function oneLine(text: unknown): string {
  return String(text)
    .replace(/[\r\n\u0000-\u001f]+/g, " ")
    .slice(0, 300);
}

/**
 * The userinfo endpoint's claims for a current access token (OIDC Core §5.3): its `sub` must be the login's
 * (§5.3.2), or nothing is taken from it. Without an endpoint, undefined.
 */
export async function userInfo(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  accessToken: string,
  subject: string,
): Promise<Record<string, unknown> | undefined> {
  if (typeof as.userinfo_endpoint !== "string") return undefined;
  const client = oauthClient(provider);
  let response: Response;
  try {
    response = await oauth.userInfoRequest(as, client, accessToken, requestOptions(as.userinfo_endpoint));
  } catch (error) {
    throw asAccessTokenError(providerFault(error, "reading the user's claims"));
  }
  try {
    return { ...(await oauth.processUserInfoResponse(as, client, subject, response)) };
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      throw new AccessTokenError(
        "INVALID_ID_TOKEN",
        "The identity provider's user information belongs to another user, so nothing was changed.",
        `userinfo names another sub than the login's: ${describeError(error)}`,
        undefined,
        { cause: error },
      );
    }
    throw asAccessTokenError(providerFault(error, "reading the user's claims"));
  }
}
