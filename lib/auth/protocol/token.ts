import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types.js";
import { decodeBase64Url } from "../cookie/base64url.js";
import type { Transaction } from "../cookie/transaction.js";
import { clientAuthMethod, clientAuthentication, oauthClient } from "./client.js";
import { replaceServerMetadata } from "./discovery.js";
import { authTimeProblem } from "./auth-time.js";
import { AuthFlowError } from "./errors.js";
import { refusedLoginMessage } from "./login-refusals.js";
import { describeError, providerFault, requestOptions } from "./http.js";
import {
  invalidIdToken,
  isIdTokenProblem,
  refusedHmacIdToken,
  tokenAlg,
  verifySignature,
} from "./id-token-signature.js";
import { oneLine, tokenEndpointRefusal } from "./token-endpoint-errors.js";

/**
 * The callback's protocol steps: the authorization response (RFC 6749 §4.1.2, RFC 9207 `iss`), the token request
 * (§4.1.3) and ID token validation (OIDC Core §3.1.3.7), signature included.
 */

export interface VerifiedLogin {
  claims: Record<string, unknown>;
  idToken: string;
  accessToken: string;
  /** ms since the epoch; undefined when the provider gave no `expires_in`. */
  accessTokenExpiresAt: number | undefined;
  /** When the provider issued one (asked for with `offline_access` or the provider's own parameter). */
  refreshToken: string | undefined;
}

/** Max age of `iat` and how far in the future it may be (clock skew between this server and the provider). */
export const MAX_ID_TOKEN_AGE_S = 10 * 60;
export const MAX_CLOCK_SKEW_S = 2 * 60;

/**
 * Checks `iss` (RFC 9207), `state`, `error` and `code` of the authorization response; throws a 4xx
 * {@link AuthFlowError} for anything the browser brought that does not fit this login.
 */
export function validateAuthorizationResponse(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  transaction: Transaction,
  params: URLSearchParams,
): URLSearchParams {
  const client = oauthClient(provider);
  try {
    const validated = oauth.validateAuthResponse(as, client, params, transaction.state);
    const codes = validated.getAll("code");
    if (codes.length !== 1 || codes[0] === "")
      throw new Error(`expected exactly one non-empty "code" parameter, got ${codes.length}`);
    return validated;
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      const code = error.error;
      const providerFault = code === "server_error" || code === "temporarily_unavailable";
      const known = /^[a-z_]{1,64}$/.test(code) ? code : "unknown_error";
      throw new AuthFlowError(
        "PROVIDER_ERROR_RESPONSE",
        providerFault ? 502 : 400,
        code === "access_denied"
          ? "The identity provider did not log you in (access denied). You can try again."
          : (refusedLoginMessage(known, transaction) ?? `The identity provider did not log you in (${known}).`),
        `error=${known} error_description=${oneLine(error.error_description ?? "")}`,
        { providerError: { error: known, description: oneLine(error.error_description ?? "") }, cause: error },
      );
    }
    throw new AuthFlowError(
      "INVALID_AUTHORIZATION_RESPONSE",
      400,
      "The response from the identity provider does not belong to this login. Start the login again.",
      describeError(error),
      { cause: error },
    );
  }
}

export async function exchangeCode(
  provider: ProviderConfig,
  discovered: oauth.AuthorizationServer,
  transaction: Transaction,
  callbackParams: URLSearchParams,
): Promise<VerifiedLogin> {
  let as = discovered;
  const client = oauthClient(provider);
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuthentication(provider, as),
      callbackParams,
      transaction.redirectUri,
      transaction.codeVerifier,
      requestOptions(as.token_endpoint!),
    );
  } catch (error) {
    throw providerFault(error, "exchanging the code");
  }

  as = await tenantServer(as, response);
  const sentAlg = tokenAlg(await peekIdToken(response));
  let result: oauth.TokenEndpointResponse;
  try {
    result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: transaction.nonce,
      requireIdToken: true,
      ...(transaction.maxAge !== undefined ? { maxAge: transaction.maxAge } : {}),
    });
  } catch (error) {
    const refusal = tokenEndpointRefusal(error, provider, clientAuthMethod(provider, as));
    if (refusal) throw refusal;
    const authTime = authTimeProblem(error, transaction.maxAge);
    if (authTime) throw authTime;
    if (sentAlg?.startsWith("HS") && provider.idTokenSignedResponseAlg === undefined)
      throw refusedHmacIdToken(sentAlg, provider, error);
    throw isIdTokenProblem(error) ? invalidIdToken(error) : providerFault(error, "exchanging the code");
  }
  if (typeof result.id_token !== "string") throw invalidIdToken(new Error("no ID token"));

  await verifySignature(
    provider,
    as,
    response,
    result.id_token,
    as === discovered ? (fresh) => replaceServerMetadata(provider.serverMetadataUrl, fresh) : undefined,
  );
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!claims) throw invalidIdToken(new Error("no ID token"));
  checkExtraClaims(claims, client.client_id);
  const extra = needsUserInfo(claims, provider.authorizationParams["scope"] ?? "")
    ? await userInfoClaims(as, client, result.access_token, claims.sub)
    : {};
  // The ID token's claims win over userinfo's; userinfo only fills in what the ID token left out.
  return {
    claims: { ...extra, ...claims },
    idToken: result.id_token,
    accessToken: result.access_token,
    accessTokenExpiresAt: typeof result.expires_in === "number" ? Date.now() + result.expires_in * 1000 : undefined,
    refreshToken: result.refresh_token,
  };
}

const TENANT_TEMPLATE = "{tenantid}";
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Per-tenant copies of a multi-tenant provider's metadata (each keeps its own JWKS cache). Bounded. */
const tenantServers = new Map<string, oauth.AuthorizationServer>();
const MAX_TENANT_SERVERS = 256;

/**
 * Microsoft Entra's multi-tenant metadata (`common`, `organizations`) names the issuer as a template,
 * `https://login.microsoftonline.com/{tenantid}/v2.0`. The tenant comes from the ID token's `tid` claim; the token's
 * `iss` must then equal the template filled with it (Microsoft's guidance for multi-tenant apps), and its signature is
 * still checked against the provider's keys. For any other provider this returns the metadata unchanged.
 */
async function tenantServer(as: oauth.AuthorizationServer, response: Response): Promise<oauth.AuthorizationServer> {
  // An error response is reported as such by processAuthorizationCodeResponse, not as a missing tenant.
  if (!as.issuer.includes(TENANT_TEMPLATE) || !response.ok) return as;
  let tid: unknown;
  try {
    const body = (await response.clone().json()) as { id_token?: unknown };
    const payload = typeof body.id_token === "string" ? body.id_token.split(".")[1] : undefined;
    const bytes = payload === undefined ? undefined : decodeBase64Url(payload);
    tid = bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>)["tid"] : undefined;
  } catch {
    tid = undefined;
  }
  // Never compare against the unfilled template: a token whose iss is the literal template would match it.
  if (typeof tid !== "string" || !TENANT_ID.test(tid))
    throw invalidIdToken(new Error(`multi-tenant issuer but no usable "tid" claim`));
  const key = `${as.issuer}\u0000${tid.toLowerCase()}`;
  let server = tenantServers.get(key);
  if (!server) {
    if (tenantServers.size >= MAX_TENANT_SERVERS) tenantServers.delete(tenantServers.keys().next().value!);
    server = { ...as, issuer: as.issuer.replace(TENANT_TEMPLATE, tid.toLowerCase()) };
    tenantServers.set(key, server);
  }
  return server;
}

/**
 * Whether the ID token lacks the claims its scopes asked for. Providers such as Google and Entra put profile and email
 * claims in the ID token (one request per login); spec-conformant ones (OIDC Core §5.4) return them only from the
 * userinfo endpoint, which is then asked once.
 */
export function needsUserInfo(claims: oauth.IDToken, scope: string): boolean {
  const scopes = scope.split(/\s+/);
  const profile = ["name", "given_name", "family_name", "preferred_username", "nickname"].some((c) => c in claims);
  return (scopes.includes("email") && !("email" in claims)) || (scopes.includes("profile") && !profile);
}

/**
 * Userinfo claims (OIDC Core §5.3). A `sub` other than the ID token's refuses the login (§5.3.2); an endpoint that is
 * missing, down or malformed only means the ID token's claims are all there is.
 */
async function userInfoClaims(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  accessToken: string,
  subject: string,
): Promise<Record<string, unknown>> {
  if (typeof as.userinfo_endpoint !== "string") return {};
  try {
    const response = await oauth.userInfoRequest(as, client, accessToken, requestOptions(as.userinfo_endpoint));
    const { sub: _sub, ...info } = await oauth.processUserInfoResponse(as, client, subject, response);
    return info;
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      throw new AuthFlowError(
        "INVALID_ID_TOKEN",
        502,
        "The identity provider's user information belongs to another user, so you were not logged in.",
        describeError(error),
        { cause: error },
      );
    }
    console.warn(`[auth] callback: userinfo unavailable, using the ID token's claims only: ${describeError(error)}`);
    return {};
  }
}

/** Checks oauth4webapi leaves to the caller: `iat` window, `sub` shape, `azp` with a single audience. */
export function checkExtraClaims(claims: oauth.IDToken, clientId: string, now = Math.floor(Date.now() / 1000)): void {
  const { sub, iat, azp } = claims;
  if (typeof sub !== "string" || sub.length === 0 || sub.length > 255 || /[\u0000-\u001f\u007f]/.test(sub)) {
    throw invalidIdToken(new Error(`invalid "sub" claim`));
  }
  if (
    typeof iat !== "number" ||
    !Number.isFinite(iat) ||
    iat > now + MAX_CLOCK_SKEW_S ||
    iat < now - MAX_ID_TOKEN_AGE_S - MAX_CLOCK_SKEW_S
  ) {
    throw invalidIdToken(new Error(`"iat" ${String(iat)} is outside the accepted window around ${now}`));
  }
  if (azp !== undefined && azp !== clientId) throw invalidIdToken(new Error(`"azp" ${String(azp)} is not this client`));
}

/** The raw `id_token` of a token response, read from a copy (for the page about an HMAC-signed token). */
async function peekIdToken(response: Response): Promise<unknown> {
  if (!response.ok) return undefined;
  try {
    return ((await response.clone().json()) as { id_token?: unknown }).id_token;
  } catch {
    return undefined;
  }
}
