import { defineConfig } from "@playwright/test";
import main from "../../playwright.config";
import {
  ADOPTION_APP_ORIGIN,
  ADOPTION_APP_PORT,
  ADOPTION_CLIENT,
  ADOPTION_IDP_ORIGIN,
  ADOPTION_IDP_PORT,
} from "./env.mjs";

/** Run through `npm run test:adoption` (tests/adoption/run.mjs), which builds the app in ADOPTION_APP_DIR first. */
const appDir = process.env["ADOPTION_APP_DIR"];
if (!appDir) throw new Error("ADOPTION_APP_DIR is not set: run `npm run test:adoption`, which prepares the app.");
/** The Node.js the app was built with, and runs on. */
const node = process.env["ADOPTION_NODE"] || process.execPath;

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: { baseURL: ADOPTION_APP_ORIGIN, trace: "retain-on-failure" },
  outputDir: "../../test-results/adoption",
  // The same Chromium and flags as the main end-to-end run.
  projects: main.projects,
  webServer: [
    {
      command: `node scripts/local-idp.mjs --port ${ADOPTION_IDP_PORT} --client '${ADOPTION_CLIENT.id}:${ADOPTION_CLIENT.secret}:${ADOPTION_APP_ORIGIN}/oauth2callback'`,
      cwd: "../..",
      url: `${ADOPTION_IDP_ORIGIN}/__health`,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // The app reads its own secrets.toml, as a real app would.
      command: `"${node}" node_modules/next/dist/bin/next start -p ${ADOPTION_APP_PORT}`,
      cwd: appDir,
      url: `${ADOPTION_APP_ORIGIN}/`,
      reuseExistingServer: false,
      env: { NEXT_TELEMETRY_DISABLED: "1" },
      stdout: "pipe",
    },
  ],
});
