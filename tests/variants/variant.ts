/** One end-to-end login in another build of the app: see scripts/e2e-variants.mjs, which sets these. */
export const APP_PORT = 3110;
export const IDP_PORT = 4110;
export const IDP_ORIGIN = `http://127.0.0.1:${IDP_PORT}`;
/** The copy of the app that was built for this variant. */
export const APP_DIR = process.env["VARIANT_APP_DIR"] ?? ".";
/** The Node.js binary that serves it. */
export const NODE_BINARY = process.env["VARIANT_NODE"] ?? process.execPath;
/** next.config basePath of this build ("" for none). */
export const BASE_PATH = process.env["VARIANT_BASE_PATH"] ?? "";
/** The request gate of this build: "middleware" (edge runtime) or "proxy" (Node.js runtime). */
export const GATE = process.env["VARIANT_GATE"] ?? "middleware";
/** Whether this build has `cacheComponents: true` (Next 16's partial prerendering). */
export const CACHE_COMPONENTS = process.env["VARIANT_CACHE_COMPONENTS"] === "1";
/** True when the build carries tests/gate/fixtures (pages and route handlers relying on the gate alone). */
export const FIXTURES = process.env["VARIANT_FIXTURES"] === "1";
/** True when the build carries tests/policy/fixtures (a login hook and the app's own error page). */
export const POLICY_FIXTURES = process.env["VARIANT_POLICY_FIXTURES"] === "1";
export const APP_URL = `http://localhost:${APP_PORT}${BASE_PATH}`;
export const REDIRECT_URI = `${APP_URL}/oauth2callback`;
export const CLIENT = { id: "variant-app", secret: "variant-app-secret-0123456789" } as const;
export const COOKIE_SECRET = "variant-cookie-secret-0123456789-0123456789";
export const SECRETS_TOML = `
[auth]
redirect_uri = "${REDIRECT_URI}"
cookie_secret = "${COOKIE_SECRET}"
client_id = "${CLIENT.id}"
client_secret = "${CLIENT.secret}"
server_metadata_url = "${IDP_ORIGIN}/.well-known/openid-configuration"
# The local provider's users are <name>@example.test (verified) unless the name is an address itself.
allowed_email_domains = ["example.test"]

# A provider that is down (nothing listens on port 9): login() hands it to the login route, which explains.
[auth.down]
client_id = "down"
client_secret = "down-secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
`;
