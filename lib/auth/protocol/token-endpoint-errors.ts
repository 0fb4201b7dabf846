import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types.js";
import type { ClientAuthMethod } from "./client.js";
import { AuthFlowError } from "./errors.js";

/**
 * What the token endpoint's refusals mean. A refused client (RFC 6749 §5.2: `invalid_client`, often as a 401 with a
 * `WWW-Authenticate` challenge, or `unauthorized_client`) is a configuration problem that no retry can fix: the page
 * and the log line say what to check. Anything else is the provider refusing this one code.
 */
export function tokenEndpointRefusal(
  error: unknown,
  provider: ProviderConfig,
  method: ClientAuthMethod,
): AuthFlowError | undefined {
  if (error instanceof oauth.WWWAuthenticateChallengeError && error.status === 401) {
    const schemes = error.cause.map((challenge) => challenge.scheme).join(", ");
    return clientRejected(provider, method, `401 with a WWW-Authenticate challenge (${schemes})`);
  }
  if (!(error instanceof oauth.ResponseBodyError)) return undefined;
  const code = /^[a-z_]{1,64}$/.test(error.error) ? error.error : "error";
  const description = oneLine(error.error_description ?? "");
  if (code === "invalid_client" || code === "unauthorized_client")
    return clientRejected(provider, method, `${error.status} ${code}${description ? ` (${description})` : ""}`);
  return new AuthFlowError(
    "PROVIDER_INVALID_RESPONSE",
    502,
    `The identity provider refused to complete the login (${code}). Start the login again.`,
    `token endpoint ${error.status}: ${code} ${description}`,
    { cause: error },
  );
}

function clientRejected(provider: ProviderConfig, method: ClientAuthMethod, answer: string): AuthFlowError {
  const other = method === "client_secret_basic" ? "client_secret_post" : "client_secret_basic";
  const fix = `check client_id and client_secret, or set client_kwargs.token_endpoint_auth_method = "${other}"`;
  return new AuthFlowError(
    "CLIENT_REJECTED",
    500,
    `The identity provider refused this app's client credentials, so nobody can log in with it until the configuration is fixed. Trying again will not help: ${fix} for this provider (and check at the provider that the client may use the authorization code flow).`,
    `provider "${provider.name}": the token endpoint answered ${answer} to ${method}; ${fix}`,
  );
}

export function oneLine(text: string): string {
  return text.replace(/[\r\n\u0000-\u001f]+/g, " ").slice(0, 300);
}
