import { writeFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import main from "../../playwright.config";
import {
  APP_DIR,
  APP_PORT,
  APP_URL,
  CACHE_COMPONENTS,
  CLIENT,
  FIXTURES,
  GATE,
  IDP_ORIGIN,
  IDP_PORT,
  NODE_BINARY,
  POLICY_FIXTURES,
  REDIRECT_URI,
  SECRETS_TOML,
} from "./variant";

/**
 * With proxy.ts the config comes from a file, which registerAuth() hands to the gate inside the server process; the
 * other variant reads AUTH_SECRETS, as on Vercel.
 */
function configEnv(): Record<string, string> {
  if (GATE !== "proxy") return { AUTH_SECRETS: SECRETS_TOML };
  const file = path.resolve(APP_DIR, "secrets.variant.toml");
  writeFileSync(file, SECRETS_TOML);
  return { AUTH_SECRETS_FILE: file };
}

/** Run by scripts/e2e-variants.mjs against a copy of the app built another way (runtime, gate, basePath). */
export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  // The gate matrix needs the gate fixtures in the build; what only a Cache Components build does (the user streamed
  // into the prerendered shell) is tested on that build, and forms without JavaScript on the others.
  testIgnore: [
    ...(FIXTURES ? [] : ["gate-matrix.spec.ts"]),
    ...(POLICY_FIXTURES ? [] : ["login-policy.spec.ts"]),
    ...(CACHE_COMPONENTS ? ["no-javascript.spec.ts"] : ["cache-components.spec.ts"]),
  ],
  workers: 1,
  forbidOnly: Boolean(process.env["CI"]),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  // The same Chromium and flags as the main end-to-end run.
  projects: main.projects,
  webServer: [
    {
      command: `node scripts/local-idp.mjs --port ${IDP_PORT} --client '${CLIENT.id}:${CLIENT.secret}:${REDIRECT_URI}'`,
      cwd: "../..",
      url: `${IDP_ORIGIN}/__health`,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: `'${NODE_BINARY}' node_modules/next/dist/bin/next start -p ${APP_PORT}`,
      cwd: APP_DIR,
      url: `${APP_URL}/`,
      reuseExistingServer: false,
      env: { ...configEnv(), NEXT_TELEMETRY_DISABLED: "1" },
      stdout: "pipe",
    },
  ],
});
