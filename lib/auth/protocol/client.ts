import * as oauth from "oauth4webapi";
import { ASYMMETRIC_ALGORITHMS, type ProviderConfig } from "../config/types.js";
import { AuthFlowError } from "./errors.js";

/** The oauth4webapi client for a provider: client authentication and the ID token algorithms it accepts. */

const ASYMMETRIC = new Set<string>(ASYMMETRIC_ALGORITHMS);

/**
 * The advertised ID token algorithms this app can verify with the provider's published keys: the asymmetric ones
 * (RS256 when nothing is advertised, OIDC Discovery §3). A hostile or careless metadata document can therefore never
 * make `none` or an HMAC algorithm acceptable; the list may come out empty (see {@link checkSigningAlgorithms}).
 */
export function acceptedSigningAlgorithms(advertised: unknown): string[] {
  if (!Array.isArray(advertised) || advertised.length === 0) return ["RS256"];
  return advertised.filter((alg): alg is string => typeof alg === "string" && ASYMMETRIC.has(alg));
}

/**
 * Refuses, before anyone is sent to the provider, a login whose ID token could never be accepted: the provider
 * advertises no asymmetric algorithm and the provider section pins none (`id_token_signed_response_alg`).
 */
export function checkSigningAlgorithms(provider: ProviderConfig, as: oauth.AuthorizationServer): void {
  if (provider.idTokenSignedResponseAlg !== undefined) return;
  // Discovery narrowed the list; absent means RS256 (OIDC Discovery §3).
  const accepted = as.id_token_signing_alg_values_supported;
  if (accepted === undefined || accepted.length > 0) return;
  throw new AuthFlowError(
    "PROVIDER_INVALID_RESPONSE",
    502,
    "The identity provider signs ID tokens only with algorithms this app does not accept by default. Configure the " +
      'provider to sign ID tokens with RS256, or, if it uses HS256, HS384 or HS512, set id_token_signed_response_alg = "HS256" (the one it uses) in this provider\'s section.',
    `${provider.serverMetadataUrl}: id_token_signing_alg_values_supported lists no asymmetric algorithm`,
  );
}

/**
 * The client as oauth4webapi sees it. With `id_token_signed_response_alg` set, the ID token's `alg` must be exactly that
 * one (the token's own header never chooses); otherwise one of the advertised asymmetric algorithms.
 */
export function oauthClient(provider: ProviderConfig): oauth.Client {
  return {
    client_id: provider.clientId,
    ...(provider.idTokenSignedResponseAlg ? { id_token_signed_response_alg: provider.idTokenSignedResponseAlg } : {}),
    [oauth.clockTolerance]: 60,
  };
}

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post";

export function clientAuthMethod(provider: ProviderConfig, as: oauth.AuthorizationServer): ClientAuthMethod {
  return provider.tokenEndpointAuthMethod ?? chooseAuthMethod(as);
}

export function clientAuthentication(provider: ProviderConfig, as: oauth.AuthorizationServer): oauth.ClientAuth {
  return clientAuthMethod(provider, as) === "client_secret_post"
    ? oauth.ClientSecretPost(provider.clientSecret)
    : clientSecretBasic(provider.clientSecret);
}

/**
 * `client_secret_basic` as Authlib (and so Streamlit) sends it. RFC 6749 §2.3.1 asks for the id and secret to be
 * form-urlencoded before Base64; oauth4webapi does that strictly, so `my-app` goes out as `my%2Dapp`, and providers
 * that compare the raw values (Glewlwyd, LemonLDAP::NG) refuse every login. Leaving the unreserved characters
 * `A-Z a-z 0-9 - . _ ~` (and `/`) as they are is still valid form-urlencoding, so providers that decode accept it too.
 */
export function clientSecretBasic(clientSecret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    const credentials = `${basicCredential(client.client_id)}:${basicCredential(clientSecret)}`;
    headers.set("authorization", `Basic ${btoa(credentials)}`);
  };
}

/** Percent-encodes all but `A-Z a-z 0-9 - . _ ~ /` (Python's `urllib.parse.quote`, which Authlib uses). */
export function basicCredential(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, "/");
}

function chooseAuthMethod(as: oauth.AuthorizationServer): ClientAuthMethod {
  const supported = as.token_endpoint_auth_methods_supported;
  // client_secret_basic is the default when the provider does not say (OIDC Discovery §3).
  if (!Array.isArray(supported) || supported.includes("client_secret_basic")) return "client_secret_basic";
  return supported.includes("client_secret_post") ? "client_secret_post" : "client_secret_basic";
}
