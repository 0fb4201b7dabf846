import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types";
import { AuthFlowError } from "./errors";

/** The oauth4webapi client for a provider: client authentication and the pinned ID token algorithm. */

/** Asymmetric algorithms oauth4webapi can verify. `none` and the HMAC algorithms (HS*) are never accepted. */
const ASYMMETRIC_ALGORITHMS = new Set([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
]);

/**
 * The ID token algorithms to accept: those the provider advertises that are asymmetric and verifiable, whichever the
 * app's client registration chose (RS256 when nothing is advertised, OIDC Discovery §3). A hostile or careless
 * metadata document can therefore never make `none` or an HMAC algorithm acceptable.
 */
export function acceptedSigningAlgorithms(advertised: unknown): string[] {
  if (!Array.isArray(advertised) || advertised.length === 0) return ["RS256"];
  const accepted = advertised.filter((alg): alg is string => typeof alg === "string" && ASYMMETRIC_ALGORITHMS.has(alg));
  if (accepted.length === 0) {
    throw new AuthFlowError(
      "PROVIDER_INVALID_RESPONSE",
      502,
      "The identity provider signs ID tokens only with algorithms this app does not accept.",
      `id_token_signing_alg_values_supported = ${JSON.stringify(advertised)}`,
    );
  }
  return accepted;
}

/** The algorithms the ID token may use are those in `as.id_token_signing_alg_values_supported`, narrowed by discovery. */
export function oauthClient(provider: ProviderConfig): oauth.Client {
  return {
    client_id: provider.clientId,
    [oauth.clockTolerance]: 60,
  };
}

export function clientAuthentication(provider: ProviderConfig, as: oauth.AuthorizationServer): oauth.ClientAuth {
  const method = provider.tokenEndpointAuthMethod ?? chooseAuthMethod(as);
  return method === "client_secret_post"
    ? oauth.ClientSecretPost(provider.clientSecret)
    : oauth.ClientSecretBasic(provider.clientSecret);
}

function chooseAuthMethod(as: oauth.AuthorizationServer): "client_secret_basic" | "client_secret_post" {
  const supported = as.token_endpoint_auth_methods_supported;
  // client_secret_basic is the default when the provider does not say (OIDC Discovery §3).
  if (!Array.isArray(supported) || supported.includes("client_secret_basic")) return "client_secret_basic";
  return supported.includes("client_secret_post") ? "client_secret_post" : "client_secret_basic";
}
