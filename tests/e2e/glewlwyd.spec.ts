import { expect, test, type Page } from "@playwright/test";
import { GLEWLWYD_APP_ORIGIN, GLEWLWYD_CLIENT, GLEWLWYD_ORIGIN, GLEWLWYD_USER } from "./env";
import { clientUser, identityCookies, serverUser } from "./support";

/**
 * The whole round trip against Glewlwyd, an OpenID Provider written independently of oidc-provider (Debian's
 * package, started and provisioned by tests/support/glewlwyd.mjs; see docs/providers.md, "Tested with"). What it does
 * differently from the local provider: Basic credentials compared raw (the client id and secret contain - _ . ~),
 * a path issuer, a `session_state` on the callback, grant types in response_types_supported, an ID token that lives as
 * long as the access token, and a logout it asks the user to confirm before coming back with our `state`.
 */

test.use({ baseURL: GLEWLWYD_APP_ORIGIN });

async function signInAtGlewlwyd(page: Page): Promise<void> {
  await page.waitForURL((url) => url.origin === GLEWLWYD_ORIGIN && url.pathname === "/login.html");
  await page.locator("#username").fill(GLEWLWYD_USER.name);
  await page.locator("#password").fill(GLEWLWYD_USER.password);
  await page.locator("#loginbut").click();
  // Glewlwyd honours Streamlit's default prompt=select_account with a "What do you wish for?" page.
  await page.getByRole("button", { name: "Continue" }).click();
}

async function logInWithGlewlwyd(page: Page): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await signInAtGlewlwyd(page);
  await page.waitForURL(`${GLEWLWYD_APP_ORIGIN}/`);
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": true');
}

test("Glewlwyd: log in, reload, open a protected page, log out at Glewlwyd (confirmed there), log in again", async ({
  page,
  context,
}) => {
  await logInWithGlewlwyd(page);
  const user = await serverUser(page);
  expect(user).toMatchObject({
    is_logged_in: true,
    name: GLEWLWYD_USER.fullName,
    email: GLEWLWYD_USER.email,
    iss: `${GLEWLWYD_ORIGIN}/api/oidc`,
    aud: GLEWLWYD_CLIENT.id,
    provider: "default",
  });
  expect(await clientUser(page)).toEqual(user);

  await page.reload();
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: user["sub"] });

  await page.goto("/protected");
  expect(new URL(page.url()).pathname).toBe("/protected");
  await expect(page.getByTestId("user-name")).toHaveText(GLEWLWYD_USER.fullName);

  // Logging out goes on to Glewlwyd, which asks to confirm, then comes back with our state to the page we left.
  await page.goto("/");
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await page.waitForURL((url) => url.origin === GLEWLWYD_ORIGIN && url.searchParams.get("prompt") === "end_session");
  expect(await identityCookies(context)).toEqual([]);
  const back = page.waitForRequest((r) => r.url().startsWith(`${GLEWLWYD_APP_ORIGIN}/oauth2callback?state=`));
  await page.locator("button", { hasText: "Logout" }).first().click();
  await back;
  await page.waitForURL(`${GLEWLWYD_APP_ORIGIN}/`);
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": false');
  await expect(page.getByTestId("auth-error")).toHaveCount(0);

  // Glewlwyd's session ended too: logging in again asks for the password again.
  await logInWithGlewlwyd(page);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: user["sub"] });
});
