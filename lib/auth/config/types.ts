import type { AllowLists } from "./allow-lists.js";
import type { AuthConfigError } from "./errors.js";

export type TokenKind = "id" | "access";

export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post";

/** One OpenID Connect provider: `[auth]` top-level keys (the default provider) or `[auth.<name>]`. */
export interface ProviderConfig {
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly serverMetadataUrl: string;
  /** The provider's own `redirect_uri`, or the shared one from `[auth]`. */
  readonly redirectUri: string;
  /** Extra authorization request parameters from `client_kwargs`, with Streamlit's defaults filled in. */
  readonly authorizationParams: Readonly<Record<string, string>>;
  /**
   * Logout parameters from `logout_params` (`[auth]`, overridden per provider): merged over `client_id`,
   * `post_logout_redirect_uri` and `id_token_hint`; `""` removes one; values may use `{field}` templates.
   */
  readonly logoutParams: Readonly<Record<string, string>>;
  /** True when `prompt` is Streamlit's default rather than configured (it may then be dropped for a provider that refuses it). */
  readonly promptIsDefault: boolean;
  /** Chosen from `client_kwargs.token_endpoint_auth_method`, else from the provider's metadata. */
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod | undefined;
  /**
   * `id_token_signed_response_alg`: the one algorithm ID tokens must use. Unset, any asymmetric algorithm the provider
   * advertises is accepted; an HMAC one (`HS256`...) is accepted only when named here, verified with the client secret.
   */
  readonly idTokenSignedResponseAlg: IdTokenSigningAlg | undefined;
  /** Who may log in with this provider: its own `allowed_*` lists, else `[auth]`'s; undefined: everyone. */
  readonly allowLists: AllowLists | undefined;
}

/** How long a login lasts: `session_lifetime` and `session_idle_timeout` of `[auth]`, in seconds. */
export interface SessionPolicy {
  /** At most this long after login, whatever happens. */
  readonly lifetime: number;
  /** Over once no activity was recorded for this long; undefined: no idle timeout. */
  readonly idleTimeout?: number;
}

/** Algorithms a provider section may pin for ID tokens. Never `none`. */
export const HMAC_ALGORITHMS = ["HS256", "HS384", "HS512"] as const;
export const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;
export type IdTokenSigningAlg = (typeof HMAC_ALGORITHMS)[number] | (typeof ASYMMETRIC_ALGORITHMS)[number];

export interface AuthConfig {
  /** Where the TOML came from (`secrets.toml`, `.streamlit/secrets.toml`, a path, or `AUTH_SECRETS`). */
  readonly source: string;
  /** `[auth].redirect_uri` with `{port}` resolved. Its origin is the app's public origin. */
  readonly redirectUri: string;
  readonly origin: string;
  /** True when the app is served over https: cookies get `Secure` and the `__Host-` prefix. */
  readonly secure: boolean;
  /** Newest first. The first seals; all unseal. */
  readonly cookieSecrets: readonly string[];
  readonly exposeTokens: readonly TokenKind[];
  readonly session: SessionPolicy;
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  /** Providers whose section is present but broken: logging in with them explains why. */
  readonly providerErrors: ReadonlyMap<string, readonly AuthConfigError[]>;
  /** Every distinct callback path (from the shared and per-provider redirect URIs). */
  readonly callbackPaths: readonly string[];
  readonly warnings: readonly string[];
}

export type ConfigState =
  /** No config at all, or a config without `[auth]`: auth is off and `getUser()` is `{}`, as in Streamlit. */
  | { readonly status: "absent"; readonly reason: AuthConfigError }
  /** `[auth]` exists but its shared part is broken: nobody can be logged in, routes explain the errors. */
  | {
      readonly status: "invalid";
      readonly source: string;
      readonly errors: readonly AuthConfigError[];
      readonly warnings: readonly string[];
    }
  | { readonly status: "ok"; readonly config: AuthConfig };
