// @ts-check
/**
 * Glewlwyd (Debian's `glewlwyd` package, an OpenID Provider written in C, independent of oidc-provider) for the
 * end-to-end tests, on 127.0.0.1 only, everything in a temporary folder that is removed on exit:
 *
 *   node tests/support/glewlwyd.mjs --port 4102 --client 'id:secret:redirect_uri' --user 'name:password:Full Name:email'
 *
 * 1. a fresh SQLite database from the package's own schema (no database server; the database the package itself sets up is not used);
 * 2. the package's login pages copied next to it (Debian ships their config.json as a broken link) and served by
 *    Glewlwyd itself;
 * 3. Glewlwyd started with a generated glewlwyd.conf, then provisioned through its admin API as the default `admin`:
 *    the `email` and `profile` scopes, the user (with the client's scopes already granted, so no consent page), the
 *    confidential client (client_secret_basic and client_secret_post, redirect URI = post-logout URI), and last the
 *    OpenID Connect plugin `oidc` (issuer `http://127.0.0.1:<port>/api/oidc`, RS256 with a key made here, PKCE,
 *    session management for RP-initiated logout, name and email in the ID token).
 *
 * The discovery document answers 404 until the plugin exists, so it is the readiness URL. Needs the package:
 * `apt-get install glewlwyd` (`bash .ci/run` installs it when run as root); `--check` only checks that it is there.
 */
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const BINARY = "/usr/bin/glewlwyd";
const SHARE = "/usr/share/glewlwyd";
const SCHEMA = "/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3";
/** The administrator the package's schema creates. */
const ADMIN = { username: "admin", password: "password" };

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4102" },
    client: { type: "string" },
    user: { type: "string" },
    check: { type: "boolean", default: false },
  },
});
for (const file of [BINARY, SCHEMA, `${SHARE}/webapp/login.html`]) {
  if (!existsSync(file)) {
    console.error(
      `Glewlwyd was not found (${file} is missing). Install Debian's package:\n\n` +
        "  sudo apt-get update && sudo apt-get install -y --no-install-recommends glewlwyd dbconfig-sqlite3\n\n" +
        "(bash .ci/run installs it for you when run as root.)",
    );
    process.exit(1);
  }
}
// `--check`: only whether the package is installed (npm run test:e2e asks before building).
if (values.check) process.exit(0);
if (!values.client || !values.user) {
  console.error(
    "usage: glewlwyd.mjs --port N --client 'id:secret:redirect_uri' --user 'name:password:Full Name:email'",
  );
  process.exit(2);
}

const DIR_PREFIX = "glewlwyd-e2e-";

/** Folders of earlier runs whose owner was killed outright (no chance to clean up). */
function removeAbandoned() {
  for (const entry of readdirSync(os.tmpdir())) {
    if (!entry.startsWith(DIR_PREFIX)) continue;
    const folder = path.join(os.tmpdir(), entry);
    let owner = 0;
    try {
      owner = Number(readFileSync(path.join(folder, "owner.pid"), "utf8"));
      process.kill(owner, 0);
    } catch {
      rmSync(folder, { recursive: true, force: true });
    }
  }
}

const port = Number(values.port);
const [clientId, clientSecret, ...redirectParts] = values.client.split(":");
const redirectUri = redirectParts.join(":");
const [username, password, fullName, email] = values.user.split(":");
const origin = `http://127.0.0.1:${port}`;

removeAbandoned();
const dir = mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
writeFileSync(path.join(dir, "owner.pid"), String(process.pid));
const database = path.join(dir, "glewlwyd.db");
execFileSync("sqlite3", [database, `.read ${SCHEMA}`]);
// The client table's schema stores post_logout_redirect_uri as one string; Glewlwyd's end_session reads a list.
execFileSync("sqlite3", [
  database,
  `UPDATE g_client_module_instance SET gcmi_parameters = replace(gcmi_parameters, '"post_logout_redirect_uri":{"multiple":false', '"post_logout_redirect_uris":{"multiple":true');`,
]);
const webapp = path.join(dir, "webapp");
for (const entry of readdirSync(`${SHARE}/webapp`)) {
  if (entry !== "config.json")
    cpSync(`${SHARE}/webapp/${entry}`, path.join(webapp, entry), { recursive: true, dereference: true });
}
cpSync(`${SHARE}/templates/config.json`, path.join(webapp, "config.json"));
const mimeTypes = {
  ".html": "text/html",
  ".js": "application/javascript",
  ".json": "application/json",
  ".css": "text/css",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".svg": "image/svg+xml",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
};
writeFileSync(
  path.join(dir, "glewlwyd.conf"),
  `port=${port}
bind_address="127.0.0.1"
external_url="${origin}"
login_url="login.html"
api_prefix="api"
static_files_path="${webapp}/"
allow_origin="${origin}"
log_mode="console"
log_level="WARNING"
cookie_secure=0
cookie_same_site="lax"
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie"
profile_session_authentication="cookie"
allow_multiple_user_per_session=false
login_api_enabled=true
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="/usr/lib/glewlwyd/user"
client_module_path="/usr/lib/glewlwyd/client"
user_auth_scheme_module_path="/usr/lib/glewlwyd/scheme"
plugin_module_path="/usr/lib/glewlwyd/plugin"
hash_algorithm="SHA512"
database = { type = "sqlite3" path = "${database}" }
static_files_mime_types = (
${Object.entries(mimeTypes)
  .map(([extension, type]) => `  { extension = "${extension}" mime_type = "${type}" }`)
  .join(",\n")}
)
`,
);

const server = spawn(BINARY, ["--config-file", path.join(dir, "glewlwyd.conf")], { stdio: "inherit" });
const exited = new Promise((resolve) => server.once("exit", resolve));
let stopping = false;
/** Stops Glewlwyd, waits for it to exit (at most 2 s), removes the folder and exits. */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
void exited.then((code) => {
  if (!stopping) {
    console.error(`glewlwyd exited with ${code}`);
    void stop(1);
  }
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) process.on(signal, () => void stop(0));

/** A JSON API session of Glewlwyd (its session cookie kept between calls). */
async function session(user, secret) {
  let cookie = "";
  async function call(method, route, body) {
    const response = await fetch(`${origin}/api${route}`, {
      method,
      headers: { "content-type": "application/json", cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = response.headers.get("set-cookie");
    if (set) cookie = set.split(";")[0];
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  }
  await call("POST", "/auth/", { username: user, password: secret });
  return call;
}

async function waitUntilUp() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${origin}/config`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("glewlwyd did not start");
}

try {
  await waitUntilUp();
  const admin = await session(ADMIN.username, ADMIN.password);
  for (const scope of ["email", "profile"])
    await admin("POST", "/scope/", {
      name: scope,
      display_name: scope,
      description: scope,
      password_required: false,
      scheme: {},
    });
  await admin("POST", "/user/", {
    username,
    password,
    name: fullName,
    email,
    enabled: true,
    scope: ["openid", "email", "profile"],
  });
  await admin("POST", "/client/", {
    client_id: clientId,
    name: clientId,
    enabled: true,
    confidential: true,
    client_secret: clientSecret,
    redirect_uri: [redirectUri],
    post_logout_redirect_uris: [redirectUri],
    authorization_type: ["code"],
    token_endpoint_auth_method: ["client_secret_basic", "client_secret_post"],
    scope: [],
  });
  const user = await session(username, password);
  await user("PUT", `/auth/grant/${encodeURIComponent(clientId)}`, { scope: "openid email profile" });
  await user("DELETE", "/auth/");
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  await admin("POST", "/mod/plugin/", {
    module: "oidc",
    name: "oidc",
    display_name: "OpenID Connect",
    enabled: true,
    parameters: {
      iss: `${origin}/api/oidc`,
      "jwt-type": "rsa",
      "jwt-key-size": "256",
      key: privateKey.export({ type: "pkcs8", format: "pem" }),
      cert: publicKey.export({ type: "spki", format: "pem" }),
      "access-token-duration": 3600,
      "refresh-token-duration": 1209600,
      "code-duration": 600,
      "refresh-token-rolling": false,
      "allow-non-oidc": false,
      "auth-type-code-enabled": true,
      "auth-type-token-enabled": false,
      "auth-type-id-token-enabled": false,
      "auth-type-none-enabled": false,
      "auth-type-password-enabled": false,
      "auth-type-client-enabled": false,
      "auth-type-refresh-enabled": false,
      "pkce-allowed": true,
      "session-management-allowed": true,
      "session-cookie-name": "GLEWLWYD2_OIDC_SID",
      "session-cookie-expiration": 3600,
      "front-channel-logout-allowed": true,
      "back-channel-logout-allowed": false,
      "name-claim": "mandatory",
      "email-claim": "mandatory",
      "subject-type": "public",
      "jwks-show": true,
      "request-parameter-allow": false,
    },
  });
  console.log(`glewlwyd ready: issuer ${origin}/api/oidc, client ${clientId}, user ${username}`);
} catch (error) {
  console.error(`glewlwyd setup failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
