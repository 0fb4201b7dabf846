import { readFileSync } from "node:fs";
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
