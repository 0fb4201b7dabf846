/**
 * The vocabulary of secrets.toml: which keys exist, Streamlit's defaults, and what `client_kwargs` may not change.
 */

export interface ParseOptions {
  /** Shown in every message: `secrets.toml`, `.streamlit/secrets.toml`, `AUTH_SECRETS`... */
  source: string;
  /** Replaces a literal `{port}` in redirect URIs (Streamlit does the same with `server.port`). */
  port?: string | undefined;
  /**
   * `AUTH_ORIGIN`: when set, every `redirect_uri` keeps its path but takes this origin, so one config serves
   * deployments at other addresses (preview deployments, a staging host).
   */
  origin?: string | undefined;
  /** The app's `basePath`: every `redirect_uri` must point inside it, or the callback would never reach the app. */
  basePath?: string | undefined;
  /**
   * The middleware's copy, whose client secrets were withheld (config/handoff.ts): checks of a client secret's value
   * are left to the server, so both sides accept the same providers.
   */
  clientSecretsWithheld?: boolean | undefined;
}

export const DEFAULT_PROVIDER = "default";
export const DEFAULT_SCOPE = "openid email profile";
export const DEFAULT_PROMPT = "select_account";
export const MIN_SECRET_LENGTH = 32;

/** Who may log in (config/allow-lists.ts): in `[auth]` for every provider, or in a provider's own section. */
export const ALLOW_LIST_KEYS = [
  "allowed_emails",
  "allowed_email_domains",
  "allowed_hosted_domains",
  "allowed_tenants",
] as const;
export type AllowListKey = (typeof ALLOW_LIST_KEYS)[number];

export const SHARED_KEYS = [
  "redirect_uri",
  "cookie_secret",
  "expose_tokens",
  "logout_params",
  "session_lifetime",
  "session_idle_timeout",
  ...ALLOW_LIST_KEYS,
] as const;
export const PROVIDER_KEYS = [
  "client_id",
  "client_secret",
  "server_metadata_url",
  "client_kwargs",
  "redirect_uri",
  "logout_params",
  "id_token_signed_response_alg",
  ...ALLOW_LIST_KEYS,
] as const;
export const REQUIRED_PROVIDER_KEYS = ["client_id", "client_secret", "server_metadata_url"] as const;
/** Keys of `[auth]` that hold tables but are not providers. */
export const AUTH_TABLE_KEYS = new Set(["client_kwargs", "logout_params"]);
/** Set by the library on every authorization request; `client_kwargs` may not change them. */
export const PROTECTED_PARAMETERS = [
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "redirect_uri",
  "response_type",
  "client_id",
] as const;
/** `client_kwargs` entries that configure the client instead of being sent to the provider (as in Authlib). */
export const CLIENT_BEHAVIOUR_KWARGS = new Set(["token_endpoint_auth_method", "code_challenge_method"]);
export const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
