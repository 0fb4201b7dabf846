import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types.js";
import { isAllowedEndpoint } from "./http.js";

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2), as Streamlit ≥1.48: `client_id`,
 * `post_logout_redirect_uri` (the provider's redirect_uri, which is registered at the provider already) and
 * `id_token_hint` when the ID token was kept, then `logout_params` on top (Streamlit's proposal, for providers such as
 * Cognito that want other names): a value replaces or adds a parameter, `""` removes it, and `{field}` is filled from
 * the defaults and the user's claims (`{email}`); a parameter naming a field that does not exist is left out.
 * Parameters already in the endpoint URL are kept; ours win. Throws for a plain-http endpoint that is not a loopback
 * provider's: the caller logs out locally.
 *
 * `state` (§2, echoed by the provider on its way back) is the library's own and always wins over `logout_params`: some
 * providers return to `post_logout_redirect_uri` only when the request carries one, and the callback uses it to tell
 * the end of this browser's logout from anything else.
 */
export function endSessionUrl(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  idToken: string | undefined,
  claims: Readonly<Record<string, unknown>> = {},
  state?: string,
): URL | undefined {
  if (typeof as.end_session_endpoint !== "string") return undefined;
  let url: URL;
  try {
    url = new URL(as.end_session_endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  // The URL carries the ID token: the same https-or-loopback rule as the provider's other endpoints.
  if (!isAllowedEndpoint(url, provider.serverMetadataUrl))
    throw new Error(`end_session_endpoint ${url.origin}${url.pathname} is not https (nor a loopback provider's)`);

  const defaults: Record<string, string> = {
    client_id: provider.clientId,
    post_logout_redirect_uri: provider.redirectUri,
  };
  if (idToken !== undefined) defaults["id_token_hint"] = idToken;
  const params = new Map(Object.entries(defaults));
  const fields = { ...primitiveClaims(claims), ...defaults };
  for (const [name, template] of Object.entries(provider.logoutParams)) {
    const value = fill(template, fields);
    if (template === "" || value === undefined) params.delete(name);
    else params.set(name, value);
  }
  if (state !== undefined) params.set("state", state);
  for (const [name, value] of params) url.searchParams.set(name, value);
  return url;
}

/** A fresh, unguessable `state` for one logout. */
export function newLogoutState(): string {
  return oauth.generateRandomState();
}

function primitiveClaims(claims: Readonly<Record<string, unknown>>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(claims)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      fields[key] = String(value);
  }
  return fields;
}

/** `{field}` placeholders filled from `fields`; undefined when one names a field that is not there. */
function fill(template: string, fields: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const value = template.replace(/\{([A-Za-z0-9_.-]+)\}/g, (_, field: string) => {
    const found = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (found === undefined) missing = true;
    return found ?? "";
  });
  return missing ? undefined : value;
}
