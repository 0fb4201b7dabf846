import type * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types";

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2), as Streamlit ≥1.48: `client_id`,
 * `post_logout_redirect_uri` (the provider's redirect_uri, which is registered at the provider already) and
 * `id_token_hint` when the ID token was kept. Parameters already in the endpoint URL are kept; ours win.
 */
export function endSessionUrl(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  idToken: string | undefined,
): URL | undefined {
  if (typeof as.end_session_endpoint !== "string") return undefined;
  let url: URL;
  try {
    url = new URL(as.end_session_endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  url.searchParams.set("client_id", provider.clientId);
  url.searchParams.set("post_logout_redirect_uri", provider.redirectUri);
  if (idToken !== undefined) url.searchParams.set("id_token_hint", idToken);
  return url;
}
