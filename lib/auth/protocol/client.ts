import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types";
import { AuthFlowError } from "./errors";

/** The oauth4webapi client for a provider: client authentication and the pinned ID token algorithm. */

/** Asymmetric algorithms oauth4webapi can verify, in order of preference. `none` and HS* are never accepted. */
const SIGNING_ALGORITHMS = ["RS256", "ES256", "PS256", "RS384", "ES384", "PS384", "RS512", "ES512", "PS512", "EdDSA", "Ed25519"];

/**
 * One algorithm, chosen from what the provider advertises (RS256 when it advertises nothing, OIDC Discovery §3).
 * Pinning it means a hostile metadata document cannot make `none` or an HMAC algorithm acceptable.
 */
export function pinnedSigningAlgorithm(as: oauth.AuthorizationServer): string {
  const advertised = as.id_token_signing_alg_values_supported;
  if (!Array.isArray(advertised) || advertised.length === 0) return "RS256";
  const chosen = SIGNING_ALGORITHMS.find((alg) => advertised.includes(alg));
  if (!chosen) {
    throw new AuthFlowError(
      "PROVIDER_INVALID_RESPONSE",
      502,
      "The identity provider signs ID tokens only with algorithms this app does not accept.",
      `id_token_signing_alg_values_supported = ${JSON.stringify(advertised)}`,
    );
  }
  return chosen;
}

export function oauthClient(provider: ProviderConfig, as: oauth.AuthorizationServer): oauth.Client {
  return {
    client_id: provider.clientId,
    id_token_signed_response_alg: pinnedSigningAlgorithm(as),
    [oauth.clockTolerance]: 60,
  };
}

export function clientAuthentication(provider: ProviderConfig, as: oauth.AuthorizationServer): oauth.ClientAuth {
  const method = provider.tokenEndpointAuthMethod ?? chooseAuthMethod(as);
  return method === "client_secret_post" ? oauth.ClientSecretPost(provider.clientSecret) : oauth.ClientSecretBasic(provider.clientSecret);
}

function chooseAuthMethod(as: oauth.AuthorizationServer): "client_secret_basic" | "client_secret_post" {
  const supported = as.token_endpoint_auth_methods_supported;
  // client_secret_basic is the default when the provider does not say (OIDC Discovery §3).
  if (!Array.isArray(supported) || supported.includes("client_secret_basic")) return "client_secret_basic";
  return supported.includes("client_secret_post") ? "client_secret_post" : "client_secret_basic";
}
