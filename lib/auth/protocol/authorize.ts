import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types";
import type { Transaction } from "../cookie/transaction";

/**
 * The authorization request (OIDC Core §3.1.2.1): code flow with PKCE S256 (RFC 7636), `state` and `nonce`.
 * Returns the URL to send the browser to and the transaction the callback will need.
 */
export async function authorizationRequest(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  returnTo: string,
): Promise<{ url: URL; transaction: Transaction }> {
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);

  const url = new URL(as.authorization_endpoint!);
  const params = url.searchParams;
  params.set("response_type", "code");
  params.set("client_id", provider.clientId);
  params.set("redirect_uri", provider.redirectUri);
  params.set("scope", provider.authorizationParams["scope"]!);
  params.set("state", state);
  params.set("nonce", nonce);
  params.set("code_challenge", codeChallenge);
  params.set("code_challenge_method", "S256");
  // client_kwargs: prompt, login_hint, hd, domain_hint, ... The protected ones were refused when the config was read.
  for (const [key, value] of Object.entries(provider.authorizationParams)) {
    if (key !== "scope") params.set(key, value);
  }
  return {
    url,
    transaction: { state, nonce, codeVerifier, provider: provider.name, issuer: as.issuer, redirectUri: provider.redirectUri, returnTo },
  };
}
