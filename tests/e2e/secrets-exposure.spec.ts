import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { CHILD_ENV_PROBE_DIR, LEAKY_FILE, LEAKY_ORIGIN, LEAKY_SECRETS, LEAKY_VALUE } from "./env";
import { serverUser, signInAtProvider } from "./support";

/**
 * The server at LEAKY_ORIGIN (`next start`, so NODE_ENV=production) reads tests/e2e/secrets.leaky.toml, named by
 * absolute path, and runs tests/e2e/child-env-probe.mjs.
 */

/** Makes the server spawn a child process and returns the environment that child saw. */
async function childEnvironment(): Promise<string> {
  mkdirSync(CHILD_ENV_PROBE_DIR, { recursive: true });
  const id = randomUUID();
  const answer = path.join(CHILD_ENV_PROBE_DIR, `${id}.env`);
  writeFileSync(path.join(CHILD_ENV_PROBE_DIR, `${id}.request`), "");
  await expect.poll(() => existsSync(answer), { timeout: 5_000 }).toBe(true);
  const environment = readFileSync(answer, "utf8");
  rmSync(answer);
  return environment;
}

test("a child process spawned by the app server sees none of the config's secrets, and the middleware has its config", async ({
  page,
}) => {
  // The gate sends the visitor to log in and routes the provider's answer to the callback: it has the config.
  await page.goto(`${LEAKY_ORIGIN}/protected`);
  await signInAtProvider(page, "uma");
  await page.waitForURL(`${LEAKY_ORIGIN}/protected`);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "uma" });

  const environment = await childEnvironment();
  expect(environment).toContain(`AUTH_SECRETS_FILE=${LEAKY_FILE}`);
  for (const secret of LEAKY_SECRETS) expect(environment).not.toContain(secret);
});

test("error pages in production name the broken provider's key but never its value or the file's path", async ({
  page,
}) => {
  const directory = path.dirname(LEAKY_FILE);
  const response = await page.goto(`${LEAKY_ORIGIN}/auth/login?provider=leaky`);
  expect(response?.status()).toBe(500);
  await expect(page.getByTestId("auth-error")).toContainText(
    'secrets.leaky.toml [auth.leaky]: "client_secret" has the wrong type',
  );
  expect(await page.content()).not.toContain(LEAKY_VALUE);
  expect(await page.content()).not.toContain(directory);

  // login() throws the provider's config error to the app's error page.
  await page.goto(`${LEAKY_ORIGIN}/`);
  await page.getByRole("button", { name: "Log in with leaky", exact: true }).click();
  await expect(page.getByTestId("app-error")).toBeVisible();
  expect(await page.content()).not.toContain(LEAKY_VALUE);
  expect(await page.content()).not.toContain(directory);
});
