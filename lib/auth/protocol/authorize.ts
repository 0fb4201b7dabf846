import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types";
import type { Transaction } from "../cookie/transaction";
import { checkSigningAlgorithms } from "./client";

/**
 * Providers (by metadata URL) that answered Streamlit's default `prompt=select_account` with an error about the prompt
 * (oidc-provider, some Keycloak setups). Logins to them leave the defaulted prompt out from then on. Per process.
 */
const refusesDefaultPrompt = new Set<string>();

/** Forgets what providers refused (for tests). */
export function clearRefusedPrompts(): void {
  refusesDefaultPrompt.clear();
}

/** Whether a failed login should be retried without the default prompt; remembers the provider if so. */
export function dropDefaultPromptAfter(provider: ProviderConfig, error: string, description: string): boolean {
  if (!provider.promptIsDefault || refusesDefaultPrompt.has(provider.serverMetadataUrl)) return false;
  if (
    !(error === "invalid_request" || error === "unsupported_prompt" || error === "invalid_prompt") ||
    !/prompt/i.test(description + error)
  )
    return false;
  refusesDefaultPrompt.add(provider.serverMetadataUrl);
  return true;
}

/**
 * The authorization request (OIDC Core §3.1.2.1): code flow with PKCE S256 (RFC 7636), `state` and `nonce`.
 * Returns the URL to send the browser to and the transaction the callback will need.
 */
export async function authorizationRequest(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  returnTo: string,
): Promise<{ url: URL; transaction: Transaction }> {
  checkSigningAlgorithms(provider, as);
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
  const skipPrompt = provider.promptIsDefault && refusesDefaultPrompt.has(provider.serverMetadataUrl);
  for (const [key, value] of Object.entries(provider.authorizationParams)) {
    if (key !== "scope" && !(key === "prompt" && skipPrompt)) params.set(key, value);
  }
  return {
    url,
    transaction: {
      state,
      nonce,
      codeVerifier,
      provider: provider.name,
      issuer: as.issuer,
      redirectUri: provider.redirectUri,
      returnTo,
    },
  };
}
