import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types.js";
import type { Transaction } from "../cookie/transaction.js";
import { checkSigningAlgorithms } from "./client.js";
import { loginRequestParams, type LoginRequest } from "./login-options.js";

export interface AuthorizationOptions {
  /**
   * Leave Streamlit's defaulted `prompt` out of this one login: the provider refused it for the login this one
   * retries. Recorded in the transaction, so a login is retried this way at most once. Never remembered elsewhere:
   * an error response is not authenticated, so one visitor's refusal must not change anyone else's login.
   */
  readonly dropDefaultPrompt?: boolean;
  /** The caller's own parameters for this one login (validated): they replace `client_kwargs`' values. */
  readonly request?: LoginRequest;
}

/** The same login again without the default prompt, keeping the caller's own parameters. */
export function withoutDefaultPrompt(transaction: Transaction): AuthorizationOptions {
  return { dropDefaultPrompt: true, ...(transaction.request ? { request: transaction.request } : {}) };
}

/**
 * Whether a failed login should be retried once without the default prompt: the prompt was Streamlit's default (not
 * configured, not the caller's own), this login still sent it, and the provider answered with an error about the
 * prompt (oidc-provider, some Keycloak setups).
 */
export function retriesWithoutDefaultPrompt(
  provider: ProviderConfig,
  transaction: Transaction,
  error: string,
  description: string,
): boolean {
  if (!provider.promptIsDefault || transaction.defaultPromptDropped === true) return false;
  if (transaction.request?.prompt !== undefined) return false;
  return (
    (error === "invalid_request" || error === "unsupported_prompt" || error === "invalid_prompt") &&
    /prompt/i.test(description + error)
  );
}

/** Streamlit's default prompt goes out unless this login dropped it or the provider says it does not support it. */
function sendsDefaultPrompt(as: oauth.AuthorizationServer, prompt: string, dropped: boolean): boolean {
  if (dropped) return false;
  const supported = as["prompt_values_supported"];
  return !Array.isArray(supported) || supported.includes(prompt);
}

/**
 * The authorization request (OIDC Core §3.1.2.1): code flow with PKCE S256 (RFC 7636), `state` and `nonce`.
 * Returns the URL to send the browser to and the transaction the callback will need.
 */
export async function authorizationRequest(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  returnTo: string,
  options: AuthorizationOptions = {},
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
  const dropped = options.dropDefaultPrompt === true;
  const skipPrompt =
    provider.promptIsDefault && !sendsDefaultPrompt(as, provider.authorizationParams["prompt"] ?? "", dropped);
  for (const [key, value] of Object.entries(provider.authorizationParams)) {
    if (key !== "scope" && !(key === "prompt" && skipPrompt)) params.set(key, value);
  }
  // The caller's own values win over client_kwargs for this one login; the protected parameters are not among them.
  const request = options.request ?? {};
  for (const [key, value] of loginRequestParams(request)) params.set(key, value);
  const maxAge = sentMaxAge(params.get("max_age"));
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
      ...(dropped ? { defaultPromptDropped: true } : {}),
      ...(Object.keys(request).length ? { request } : {}),
      ...(maxAge !== undefined ? { maxAge } : {}),
    },
  };
}

/**
 * The `max_age` the request carries, when it is one the callback can check (OIDC Core §3.1.2.1: the ID token must then
 * have `auth_time`). A malformed `client_kwargs.max_age` is left to the provider to refuse.
 */
function sentMaxAge(value: string | null): number | undefined {
  if (value === null || !/^\d{1,10}$/.test(value)) return undefined;
  const seconds = Number(value);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}
