import * as oauth from "oauth4webapi";
import { isHmacAlgorithm } from "../config/signing-alg.js";
import type { ProviderConfig } from "../config/types.js";
import { decodeBase64Url } from "../cookie/base64url.js";
import { AuthFlowError } from "./errors.js";
import { describeError, providerFault, requestOptions } from "./http.js";

/**
 * ID token signatures. oauth4webapi checks the `alg` (against the pinned or advertised algorithms) but does not verify
 * signatures of tokens from the token endpoint; we do: with the provider's published keys, or, for a provider section
 * that opted in with `id_token_signed_response_alg = "HS…"`, with the client secret (OIDC Core §10.1).
 */

/**
 * oauth4webapi's JWKS cache refetches an unknown `kid` only when the cache is a minute old, so on a key-selection
 * failure we retry once with a fresh metadata object (which has an empty cache) and keep that one if it works.
 */
export async function verifySignature(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  response: Response,
  idToken: string,
  keep: ((fresh: oauth.AuthorizationServer) => void) | undefined,
): Promise<void> {
  const pinned = provider.idTokenSignedResponseAlg;
  if (pinned !== undefined && isHmacAlgorithm(pinned)) return verifyHmac(idToken, pinned, provider.clientSecret);
  try {
    await oauth.validateApplicationLevelSignature(as, response, requestOptions(as.jwks_uri!));
    return;
  } catch (error) {
    if (!(error instanceof oauth.OperationProcessingError && error.code === oauth.KEY_SELECTION))
      throw signatureError(error);
  }
  const fresh: oauth.AuthorizationServer = { ...as };
  try {
    await oauth.validateApplicationLevelSignature(fresh, response, requestOptions(as.jwks_uri!));
  } catch (error) {
    throw signatureError(error);
  }
  keep?.(fresh);
}

/** HMAC with the UTF-8 octets of the client secret as the key; the algorithm is the pinned one, never the header's. */
async function verifyHmac(idToken: string, alg: string, clientSecret: string): Promise<void> {
  const [header, payload, signature] = idToken.split(".");
  const mac = signature === undefined ? undefined : decodeBase64Url(signature);
  if (tokenAlg(idToken) !== alg || payload === undefined || !mac)
    throw invalidIdToken(new Error(`expected an ${alg} signature`));
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(clientSecret),
    { name: "HMAC", hash: `SHA-${alg.slice(2)}` },
    false,
    ["verify"],
  );
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(`${header}.${payload}`));
  if (!valid) throw invalidIdToken(new Error(`${alg} signature verification failed`));
}

/** The `alg` an ID token's header claims (for messages and the HMAC check), or undefined when it has none. */
export function tokenAlg(idToken: unknown): string | undefined {
  if (typeof idToken !== "string") return undefined;
  try {
    const bytes = decodeBase64Url(idToken.split(".")[0] ?? "");
    const header: unknown = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
    const alg = typeof header === "object" && header !== null ? (header as Record<string, unknown>)["alg"] : undefined;
    return typeof alg === "string" ? alg : undefined;
  } catch {
    return undefined;
  }
}

/** The JWKS could not be loaded (the provider's fault) or the signature does not verify (the token's). */
function signatureError(error: unknown): AuthFlowError {
  const jwksProblem =
    error instanceof oauth.OperationProcessingError &&
    (error.code === oauth.RESPONSE_IS_NOT_CONFORM || error.code === oauth.RESPONSE_IS_NOT_JSON);
  return jwksProblem || !isIdTokenProblem(error)
    ? providerFault(error, "loading its signing keys")
    : invalidIdToken(error);
}

/** Errors about the ID token itself, as opposed to the token response around it or the transport. */
export function isIdTokenProblem(error: unknown): boolean {
  if (error instanceof oauth.UnsupportedOperationError) return /JWS|JWT|alg/i.test(error.message);
  if (!(error instanceof oauth.OperationProcessingError)) return false;
  if (
    error.code === oauth.JWT_CLAIM_COMPARISON ||
    error.code === oauth.JWT_TIMESTAMP_CHECK ||
    error.code === oauth.KEY_SELECTION
  )
    return true;
  return /JWT|JWS|ID Token|id_token|nonce|signature/i.test(error.message);
}

export function invalidIdToken(error: unknown): AuthFlowError {
  return new AuthFlowError(
    "INVALID_ID_TOKEN",
    502,
    "The identity provider returned an ID token that failed validation, so you were not logged in.",
    describeError(error),
    { cause: error },
  );
}

/**
 * An HMAC-signed ID token from a provider section that did not opt in: refused like any other invalid token, with a
 * page that says how to accept it.
 */
export function refusedHmacIdToken(alg: string, provider: ProviderConfig, error: unknown): AuthFlowError {
  return new AuthFlowError(
    "INVALID_ID_TOKEN",
    502,
    `The identity provider signed the ID token with ${alg} (an HMAC keyed with the client secret), which this app accepts only when the provider's section says so, so you were not logged in. ` +
      `Configure the provider to sign ID tokens with RS256, or add id_token_signed_response_alg = "${alg}" to the provider's section.`,
    `${provider.name}: ${alg} ID token without id_token_signed_response_alg = "${alg}": ${describeError(error)}`,
    { cause: error },
  );
}
