import { expect, test } from "@playwright/test";
import { APP_URL, BASE_PATH } from "./variant";

/**
 * Forms without JavaScript. Not run on the Cache Components build: there, what a page reads per request streams in
 * after the prerendered shell and a script reveals it, so a browser without JavaScript only sees the shell's fallback.
 */

/** The app's home page: `/`, or the base path itself (Next serves `/docs/` at `/docs`). */
const isHome = (url: URL) => url.href === `${APP_URL}/` || (BASE_PATH !== "" && url.href === APP_URL);

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
