import { expect, test } from "@playwright/test";
import { APP_URL, BASE_PATH, GATE, IDP_ORIGIN, NODE_BINARY } from "./variant";

/** The app's home page: `/`, or the base path itself (Next serves `/docs/` at `/docs`). */
const isHome = (url: URL) => url.href === `${APP_URL}/` || (BASE_PATH !== "" && url.href === APP_URL);

test(`log in, open a protected page, log out (${GATE}, basePath "${BASE_PATH}", ${NODE_BINARY})`, async ({ page }) => {
  const home = await page.goto(`${APP_URL}/`);
  expect(home?.status()).toBe(200);
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": false');

  // The gate sends an anonymous visitor of a protected page to log in, inside the base path.
  await page.goto(`${APP_URL}/protected?tab=2`);
  await page.waitForURL((url) => url.origin === IDP_ORIGIN);
  await page.getByLabel("User name").fill("variant-user");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${APP_URL}/protected?tab=2`);
  await expect(page.getByTestId("server-user")).toContainText('"sub": "variant-user"');

  // Home through the app's own link, then the Log out button (a server action).
  await page.getByRole("link", { name: "Home" }).click();
  await page.waitForURL(isHome);
  await expect(page.getByTestId("client-user")).toContainText('"is_logged_in": true');
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": false');
  expect(isHome(new URL(page.url())), page.url()).toBe(true);
  expect((await page.context().cookies()).filter((c) => c.name.includes("auth_"))).toEqual([]);

  // The Log in button (a server action) starts a login that comes back to the page it was pressed on.
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await page.getByLabel("User name").fill("button-user");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(isHome);
  await expect(page.getByTestId("server-user")).toContainText('"sub": "button-user"');
});

test(`without JavaScript, logout() and login()'s fallback stay inside the base path (basePath "${BASE_PATH}")`, async ({
  browser,
}) => {
  // A form posted without JavaScript gets the action's redirect as a plain 303 Location.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${APP_URL}/`);
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL(isHome);
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": false');

  await page.getByRole("button", { name: "Log in with down", exact: true }).click();
  await expect(page.getByTestId("auth-error")).toContainText("could not be reached");
  expect(new URL(page.url()).pathname).toBe(`${BASE_PATH}/auth/login`);
  await context.close();
});
