/** Types for scripts/local-idp.mjs (the bundled local OpenID Provider), for TypeScript tests and tools. */
export interface LocalClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
}

export interface LocalIdpOptions {
  /** 0 picks a free port. Default 9400. */
  port?: number;
  host?: string;
  clients: LocalClient[];
  /** Do not print the ready line or errors. */
  quiet?: boolean;
  /**
   * Behave like a stock, spec-conformant provider: profile and email claims only from userinfo, and
   * `prompt=select_account` refused as unsupported (oidc-provider's default).
   */
  conformant?: boolean;
  /** Lifetime of access tokens, in seconds. Default 3600. */
  accessTokenTtl?: number;
  /**
   * Refresh tokens (issued for `offline_access`): "rotate" issues a new one on every refresh and refuses a used one
   * (revoking the grant); "keep" keeps the same one valid. Default: oidc-provider's (rotate once 70% of its life passed).
   */
  refreshTokens?: "rotate" | "keep";
  /** Seconds a used refresh token is still accepted once more (Okta's grace period, Auth0's reuse interval). Default 0. */
  reuseGrace?: number;
}

export interface LocalIdp {
  /** `http://<host>:<port>`, no trailing slash. */
  issuer: string;
  port: number;
  close(): Promise<void>;
}

export function startLocalIdp(options: LocalIdpOptions): Promise<LocalIdp>;
