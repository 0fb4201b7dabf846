/** Ports and the config the end-to-end run uses: the built app on APP_PORT against the local provider on IDP_PORT. */
export const APP_PORT = Number(process.env["E2E_APP_PORT"] ?? 3100);
export const IDP_PORT = Number(process.env["E2E_IDP_PORT"] ?? 4100);
export const APP_ORIGIN = `http://localhost:${APP_PORT}`;
export const IDP_ORIGIN = `http://127.0.0.1:${IDP_PORT}`;
export const REDIRECT_URI = `${APP_ORIGIN}/oauth2callback`;

export const CLIENTS = [
  { id: "e2e-default", secret: "e2e-default-client-secret-0123456789" },
  { id: "e2e-second", secret: "e2e-second-client-secret-0123456789" },
] as const;

export const COOKIE_SECRET = "e2e-cookie-secret-0123456789-abcdefghijklmnop";

export const SECRETS_TOML = `
[auth]
redirect_uri = "${REDIRECT_URI}"
cookie_secret = "${COOKIE_SECRET}"
client_id = "${CLIENTS[0].id}"
client_secret = "${CLIENTS[0].secret}"
server_metadata_url = "${IDP_ORIGIN}/.well-known/openid-configuration"

[auth.second]
client_id = "${CLIENTS[1].id}"
client_secret = "${CLIENTS[1].secret}"
server_metadata_url = "${IDP_ORIGIN}/.well-known/openid-configuration"
`;
