import { defineConfig, devices } from "@playwright/test";
import {
  APP_ORIGIN,
  APP_PORT,
  BALANCER_ORIGIN,
  BOUND_CLIENT,
  BOUND_ORIGIN,
  BOUND_PORT,
  BOUND_TOML,
  BROKEN_ORIGIN,
  BROKEN_TOML,
  CHILD_ENV_PROBE,
  CHILD_ENV_PROBE_DIR,
  CLIENTS,
  CONFORMANT_CLIENT,
  CONFORMANT_IDP_PORT,
  GLEWLWYD_APP_ORIGIN,
  GLEWLWYD_CLIENT,
  GLEWLWYD_ORIGIN,
  GLEWLWYD_PORT,
  GLEWLWYD_TOML,
  GLEWLWYD_USER,
  IDP_ORIGIN,
  IDP_PORT,
  LEAKY_CLIENT,
  LEAKY_FILE,
  LEAKY_ORIGIN,
  NO_AUTH_ORIGIN,
  NO_AUTH_TOML,
  REDIRECT_URI,
  REPLICA_CALLBACK_PATHS,
  REPLICA_CLIENT,
  REPLICA_PORTS,
  REPLICA_TOML,
  SECRETS_FILE,
  ACCESS_TOKEN_TTL_S,
  SESSIONS_CLIENT,
  SESSIONS_IDP_ORIGIN,
  SESSIONS_IDP_PORT,
} from "./tests/e2e/env";

/** The same build served again with another config (config is read at run time, never built in). */
const variant = (origin: string, toml: string, env: Record<string, string> = {}) => ({
  command: `node node_modules/next/dist/bin/next start -p ${new URL(origin).port}`,
  url: `${origin}/`,
  reuseExistingServer: false,
  env: { AUTH_SECRETS: toml, NEXT_TELEMETRY_DISABLED: "1", ...env },
  stdout: "pipe" as const,
});

const balancerClient = `${REPLICA_CLIENT.id}:${REPLICA_CLIENT.secret}:${REPLICA_CALLBACK_PATHS.map((p) => BALANCER_ORIGIN + p).join(",")}`;

const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env["CI"]),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: APP_ORIGIN,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: { executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium", args: chromiumFlags },
      },
    },
  ],
  webServer: [
    {
      command: `node scripts/local-idp.mjs --port ${IDP_PORT} ${CLIENTS.map((c) => `--client '${c.id}:${c.secret}:${REDIRECT_URI}'`).join(" ")} --client '${balancerClient}' --client '${BOUND_CLIENT.id}:${BOUND_CLIENT.secret}:${BOUND_ORIGIN}/oauth2callback' --client '${LEAKY_CLIENT.id}:${LEAKY_CLIENT.secret}:${LEAKY_ORIGIN}/oauth2callback'`,
      url: `${IDP_ORIGIN}/__health`,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: `node scripts/local-idp.mjs --conformant --port ${CONFORMANT_IDP_PORT} --client '${CONFORMANT_CLIENT.id}:${CONFORMANT_CLIENT.secret}:${REDIRECT_URI}'`,
      url: `http://127.0.0.1:${CONFORMANT_IDP_PORT}/__health`,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // Short access tokens and rotating refresh tokens, for tests/e2e/sessions.spec.ts (behind the balancer).
      command: `node scripts/local-idp.mjs --port ${SESSIONS_IDP_PORT} --access-token-ttl ${ACCESS_TOKEN_TTL_S} --refresh-tokens rotate --reuse-grace 10 --client '${SESSIONS_CLIENT.id}:${SESSIONS_CLIENT.secret}:${BALANCER_ORIGIN}/oauth2callback'`,
      url: `${SESSIONS_IDP_ORIGIN}/__health`,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // The app is built once by `npm run test:e2e`; the server reads the config file at start.
      command: `node node_modules/next/dist/bin/next start -p ${APP_PORT}`,
      url: `${APP_ORIGIN}/`,
      reuseExistingServer: false,
      env: { AUTH_SECRETS_FILE: SECRETS_FILE, NEXT_TELEMETRY_DISABLED: "1" },
      stdout: "pipe",
    },
    {
      // Debian's Glewlwyd, a second OpenID Provider independent of oidc-provider (see tests/support/glewlwyd.mjs).
      command: `node tests/support/glewlwyd.mjs --port ${GLEWLWYD_PORT} --client '${GLEWLWYD_CLIENT.id}:${GLEWLWYD_CLIENT.secret}:${GLEWLWYD_APP_ORIGIN}/oauth2callback' --user '${GLEWLWYD_USER.name}:${GLEWLWYD_USER.password}:${GLEWLWYD_USER.fullName}:${GLEWLWYD_USER.email}'`,
      url: `${GLEWLWYD_ORIGIN}/api/oidc/.well-known/openid-configuration`,
      reuseExistingServer: false,
      // A chance to stop Glewlwyd and remove its temporary folder.
      gracefulShutdown: { signal: "SIGTERM", timeout: 3000 },
      stdout: "pipe",
    },
    variant(GLEWLWYD_APP_ORIGIN, GLEWLWYD_TOML),
    variant(BROKEN_ORIGIN, BROKEN_TOML),
    variant(NO_AUTH_ORIGIN, NO_AUTH_TOML),
    {
      ...variant(BOUND_ORIGIN, BOUND_TOML),
      command: `node node_modules/next/dist/bin/next start -H 127.0.0.1 -p ${BOUND_PORT}`,
      url: `http://127.0.0.1:${BOUND_PORT}/`,
    },
    {
      command: `node node_modules/next/dist/bin/next start -p ${new URL(LEAKY_ORIGIN).port}`,
      url: `${LEAKY_ORIGIN}/`,
      reuseExistingServer: false,
      env: {
        AUTH_SECRETS_FILE: LEAKY_FILE,
        NODE_OPTIONS: `--import ${CHILD_ENV_PROBE}`,
        CHILD_ENV_PROBE_DIR,
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdout: "pipe" as const,
    },
    ...REPLICA_PORTS.map((port) => variant(`http://localhost:${port}`, REPLICA_TOML, { AUTH_ORIGIN: BALANCER_ORIGIN })),
    {
      command: `node tests/support/balancer.mjs --port ${new URL(BALANCER_ORIGIN).port} ${REPLICA_PORTS.map((p) => `--backend ${p}`).join(" ")} ${REPLICA_CALLBACK_PATHS.map((p) => `--callback ${p}`).join(" ")}`,
      url: `${BALANCER_ORIGIN}/__routes`,
      reuseExistingServer: false,
      stdout: "pipe",
    },
  ],
});
