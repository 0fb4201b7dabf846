import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";

/** The end-to-end run: the built app on APP_PORT against the local provider on IDP_PORT, configured by SECRETS_FILE. */
export const SECRETS_FILE = "tests/e2e/secrets.e2e.toml";
export const APP_PORT = 3100;
export const IDP_PORT = 4100;
export const APP_ORIGIN = `http://localhost:${APP_PORT}`;
export const IDP_ORIGIN = `http://127.0.0.1:${IDP_PORT}`;
export const REDIRECT_URI = `${APP_ORIGIN}/oauth2callback`;

interface Section {
  client_id: string;
  client_secret: string;
}
const auth = (
  parse(readFileSync(SECRETS_FILE, "utf8")) as unknown as {
    auth: Section & { cookie_secret: string; second: Section; conformant: Section };
  }
).auth;

export const COOKIE_SECRET = auth.cookie_secret;
export const CLIENTS = [
  { id: auth.client_id, secret: auth.client_secret },
  { id: auth.second.client_id, secret: auth.second.client_secret },
] as const;
/** The second local provider, started with --conformant. */
export const CONFORMANT_IDP_PORT = 4101;
export const CONFORMANT_CLIENT = { id: auth.conformant.client_id, secret: auth.conformant.client_secret } as const;

/** A second and third server of the same build: a broken config, and a secrets.toml without [auth]. */
export const BROKEN_ORIGIN = "http://localhost:3101";
export const BROKEN_TOML = `
[auth]
redirect_uri = "${BROKEN_ORIGIN}/oauth2callback"
client_id = "x"
client_secret = "y"
server_metadata_url = "${IDP_ORIGIN}/.well-known/openid-configuration"
`;
export const NO_AUTH_ORIGIN = "http://localhost:3102";
export const NO_AUTH_TOML = `
[database]
url = "postgres://localhost/app"
`;

/**
 * Two more servers of the same build behind a balancer without sticky sessions: config from the environment only
 * (AUTH_SECRETS, as on Vercel), its redirect URIs moved to the balancer's origin by AUTH_ORIGIN, and callbacks at three
 * kinds of path: Streamlit's /oauth2callback, the route's own /auth/callback, and an Auth.js-style nested path.
 */
export const REPLICA_PORTS = [3103, 3104] as const;
export const BALANCER_ORIGIN = "http://localhost:3105";
export const REPLICA_CLIENT = { id: "replicas", secret: "replicas-client-secret-0123456789" } as const;
export const REPLICA_CALLBACK_PATHS = ["/oauth2callback", "/api/auth/callback/deep", "/auth/callback"] as const;
const REPLICA_PROVIDER = `client_id = "${REPLICA_CLIENT.id}"
client_secret = "${REPLICA_CLIENT.secret}"
server_metadata_url = "${IDP_ORIGIN}/.well-known/openid-configuration"`;
/**
 * A third local provider for sessions: access tokens that last 4 seconds, refresh tokens that rotate on every use, and
 * a used one accepted once more within 10 seconds (as Okta's grace period and Auth0's reuse interval allow), so two
 * replicas refreshing at once both succeed. The replicas log in with it as provider "refresh".
 */
export const SESSIONS_IDP_PORT = 4103;
export const SESSIONS_IDP_ORIGIN = `http://127.0.0.1:${SESSIONS_IDP_PORT}`;
export const SESSIONS_CLIENT = { id: "sessions", secret: "sessions-client-secret-0123456789" } as const;
export const ACCESS_TOKEN_TTL_S = 4;
export const REPLICA_COOKIE_SECRET = "replica-cookie-secret-that-every-instance-shares-0123";
/** The replicas' session settings: a session lasts a day at most and ends after 10 minutes without activity. */
export const REPLICA_SESSION = { lifetimeMs: 24 * 3600_000, idleMs: 10 * 60_000 } as const;
export const REPLICA_TOML = `
[auth]
# AUTH_ORIGIN replaces this origin with the balancer's.
redirect_uri = "https://app.example.com/oauth2callback"
cookie_secret = "${REPLICA_COOKIE_SECRET}"
session_lifetime = "1d"
session_idle_timeout = "10m"
${REPLICA_PROVIDER}

[auth.refresh]
client_id = "${SESSIONS_CLIENT.id}"
client_secret = "${SESSIONS_CLIENT.secret}"
server_metadata_url = "${SESSIONS_IDP_ORIGIN}/.well-known/openid-configuration"
client_kwargs = { scope = "openid email profile offline_access" }

[auth.deep]
${REPLICA_PROVIDER}
redirect_uri = "https://app.example.com/api/auth/callback/deep"

[auth.direct]
${REPLICA_PROVIDER}
redirect_uri = "https://app.example.com/auth/callback"
`;

/**
 * The same build started with `next start -H 127.0.0.1` while redirect_uri names localhost: Next then treats the
 * middleware's callback rewrite as external and proxies it, dropping any header the middleware added.
 */
export const BOUND_PORT = 3106;
export const BOUND_ORIGIN = `http://localhost:${BOUND_PORT}`;
export const BOUND_CLIENT = { id: "bound", secret: "bound-client-secret-0123456789" } as const;
export const BOUND_TOML = `
[auth]
redirect_uri = "${BOUND_ORIGIN}/oauth2callback"
cookie_secret = "bound-cookie-secret-0123456789-0123456789"
client_id = "${BOUND_CLIENT.id}"
client_secret = "${BOUND_CLIENT.secret}"
server_metadata_url = "${IDP_ORIGIN}/.well-known/openid-configuration"
`;

/**
 * A second, independently written OpenID Provider: Glewlwyd (Debian's package; tests/support/glewlwyd.mjs starts and
 * provisions it), in front of the same build served with a config naming it. Its client id and secret contain
 * `-`, `_`, `.` and `~`, which Glewlwyd compares raw in Basic credentials; its issuer is a path (`/api/oidc`); it asks
 * to confirm a logout and comes back with the `state` it was given.
 */
export const GLEWLWYD_PORT = 4102;
export const GLEWLWYD_ORIGIN = `http://127.0.0.1:${GLEWLWYD_PORT}`;
export const GLEWLWYD_APP_ORIGIN = "http://localhost:3107";
export const GLEWLWYD_CLIENT = { id: "next-app", secret: "glewlwyd-client_secret.with~unreserved-0123" } as const;
export const GLEWLWYD_USER = {
  name: "ada",
  password: "ada-password-0123",
  fullName: "Ada Lovelace",
  email: "ada@example.test",
};
export const GLEWLWYD_TOML = `
[auth]
redirect_uri = "${GLEWLWYD_APP_ORIGIN}/oauth2callback"
cookie_secret = "glewlwyd-e2e-cookie-secret-0123456789-abcdef"
client_id = "${GLEWLWYD_CLIENT.id}"
client_secret = "${GLEWLWYD_CLIENT.secret}"
server_metadata_url = "${GLEWLWYD_ORIGIN}/api/oidc/.well-known/openid-configuration"
`;

/**
 * One more server of the same build, configured by a file given by absolute path (tests/e2e/secrets.leaky.toml): a
 * provider with a number for client_secret (its error pages must not show the value or the path), and the app's other
 * secrets next to [auth]. It runs with tests/e2e/child-env-probe.mjs preloaded, so the test can make it spawn a child
 * process and see that child's environment.
 */
export const LEAKY_PORT = 3108;
export const LEAKY_ORIGIN = `http://localhost:${LEAKY_PORT}`;
export const LEAKY_FILE = path.resolve("tests/e2e/secrets.leaky.toml");
export const LEAKY_VALUE = "918273645546";
export const CHILD_ENV_PROBE = path.resolve("tests/e2e/child-env-probe.mjs");
export const CHILD_ENV_PROBE_DIR = path.resolve(".e2e-child-env");
const leaky = (parse(readFileSync(LEAKY_FILE, "utf8")) as unknown as { auth: Section & { cookie_secret: string } })
  .auth;
export const LEAKY_CLIENT = { id: leaky.client_id, secret: leaky.client_secret } as const;
/** Every secret in that file: none may reach a child process of the server. */
export const LEAKY_SECRETS = [
  leaky.cookie_secret,
  leaky.client_secret,
  LEAKY_VALUE,
  "e2e-leaky-database-password-0123456789",
];
