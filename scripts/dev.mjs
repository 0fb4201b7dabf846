// @ts-check
/**
 * `npm run dev`: Next's dev server, plus, when there is no auth config anywhere, the bundled local OpenID Provider
 * and a generated config that points at it. With a secrets.toml (or AUTH_SECRETS / AUTH_SECRETS_FILE) it only
 * starts `next dev`, which then uses that config. The demo imports the package by name (lib/auth/dist, built by
 * `npm run build:package` before this starts); `tsc --watch` rebuilds it while you edit lib/auth.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { startLocalIdp } from "./local-idp.mjs";

const port = Number(process.env.PORT ?? 3000);
const idpPort = Number(process.env.LOCAL_IDP_PORT ?? 9400);
const hasConfig =
  Boolean(process.env.AUTH_SECRETS || process.env.AUTH_SECRETS_FILE) ||
  existsSync("secrets.toml") ||
  existsSync(path.join(".streamlit", "secrets.toml"));

/** @type {import("./local-idp.mjs").LocalIdp | undefined} */
let idp;
const env = { NEXT_TELEMETRY_DISABLED: "1", ...process.env, PORT: String(port) };

if (!hasConfig) {
  const redirectUri = `http://localhost:${port}/oauth2callback`;
  const clientSecret = "local-dev-client-secret-not-for-production";
  idp = await startLocalIdp({
    port: idpPort,
    quiet: true,
    clients: [{ client_id: "local-dev", client_secret: clientSecret, redirect_uris: [redirectUri] }],
  });
  env.AUTH_SECRETS = [
    "[auth]",
    `redirect_uri = "${redirectUri}"`,
    // Development only: a fixed secret so a restart keeps you logged in. Never use it in production.
    'cookie_secret = "local-development-cookie-secret-0123456789"',
    'client_id = "local-dev"',
    `client_secret = "${clientSecret}"`,
    `server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"`,
  ].join("\n");
  console.log(
    [
      "",
      "  No secrets.toml found: using the bundled local OpenID Provider.",
      `  Provider: ${idp.issuer}  (any user name signs in, no password)`,
      `  App:      http://localhost:${port}`,
      "  To use a real provider, copy secrets.example.toml to secrets.toml and fill it in.",
      "",
    ].join("\n"),
  );
}

const next = spawn(
  process.execPath,
  [path.join("node_modules", "next", "dist", "bin", "next"), "dev", "-p", String(port)],
  {
    stdio: "inherit",
    env,
  },
);

// The package's build, kept current while the dev server runs: the demo sees lib/auth edits like a user's app sees a
// new version of the package.
const watch = spawn(
  process.execPath,
  [
    path.join("node_modules", "typescript", "bin", "tsc"),
    "-p",
    path.join("lib", "auth"),
    "--watch",
    "--preserveWatchOutput",
  ],
  { stdio: "inherit" },
);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  watch.kill("SIGTERM");
  await idp?.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
next.on("exit", (code) => void stop(code ?? 0));
