import type * as oauth from "oauth4webapi";
import { DEFAULT_PROVIDER } from "../config/keys.js";
import type { AuthConfig, ProviderConfig } from "../config/types.js";
import { AuthFlowError } from "../protocol/errors.js";
import { sameCallbackPath } from "./request.js";

/**
 * Mix-up defence (RFC 9700 §4.4.2). A response that arrives at a callback shared by several providers can only be
 * told apart by the `iss` parameter of RFC 9207. A provider that does not promise it
 * (`authorization_response_iss_parameter_supported`) must therefore have a callback path of its own; otherwise its
 * logins are refused with a configuration error that says how to give it one.
 */
export function requireMixUpDefence(config: AuthConfig, provider: ProviderConfig, as: oauth.AuthorizationServer): void {
  if (as.authorization_response_iss_parameter_supported === true) return;
  const path = new URL(provider.redirectUri).pathname;
  const sharing = [...config.providers.values()].filter(
    (other) => other.name !== provider.name && sameCallbackPath(new URL(other.redirectUri).pathname, path),
  );
  if (sharing.length === 0) return;
  const base = `${config.origin}${path.replace(/\/$/, "")}`;
  // The default provider's redirect_uri is [auth]'s own, so the others move away from it instead.
  const moving = provider.name === DEFAULT_PROVIDER ? sharing : [provider];
  const fix = moving.map((p) => `redirect_uri = "${base}/${p.name}" in [auth.${p.name}]`).join(", ");
  throw new AuthFlowError(
    "CONFIG",
    500,
    `The login provider "${provider.name}" shares the callback ${path} with ` +
      `${sharing.map((p) => `"${p.name}"`).join(", ")} but does not name itself in its responses (RFC 9207), so ` +
      `its responses could be confused with another provider's. Give each provider a callback of its own: set ` +
      `${fix}, and register that URL at the provider.`,
    `mix-up defence: ${provider.name} lacks authorization_response_iss_parameter_supported and shares ${path}`,
  );
}
