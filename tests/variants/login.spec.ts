import { expect, test } from "@playwright/test";
import { shown } from "./support";
import { APP_URL, BASE_PATH, GATE, IDP_ORIGIN, NODE_BINARY } from "./variant";

/** The app's home page: `/`, or the base path itself (Next serves `/docs/` at `/docs`). */
const isHome = (url: URL) => url.href === `${APP_URL}/` || (BASE_PATH !== "" && url.href === APP_URL);

test(`log in, open a protected page, log out (${GATE}, basePath "${BASE_PATH}", ${NODE_BINARY})`, async ({ page }) => {
  const home = await page.goto(`${APP_URL}/`);
  expect(home?.status()).toBe(200);
  await expect(shown(page, "server-user")).toContainText('"is_logged_in": false');

  // The gate sends an anonymous visitor of a protected page to log in, inside the base path.
  await page.goto(`${APP_URL}/protected?tab=2`);
  await page.waitForURL((url) => url.origin === IDP_ORIGIN);
  await page.getByLabel("User name").fill("variant-user");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${APP_URL}/protected?tab=2`);
  await expect(shown(page, "server-user")).toContainText('"sub": "variant-user"');

  // The static page shows the user too: from the page before after a client-side navigation, and after a reload
  // from GET /auth/user inside the base path (or, under Cache Components, streamed with the HTML).
  await page.getByRole("link", { name: "Static page" }).click();
  await expect(shown(page, "client-user")).toContainText('"sub": "variant-user"');
  await page.reload();
  await expect(shown(page, "client-user")).toContainText('"sub": "variant-user"');
  await expect(shown(page, "user-badge")).toContainText("Logged in as");

  // Home through the app's own link, then the Log out button (a server action).
  await page.getByRole("link", { name: "Home" }).click();
  await page.waitForURL(isHome);
  await expect(shown(page, "client-user")).toContainText('"is_logged_in": true');
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(shown(page, "server-user")).toContainText('"is_logged_in": false');
  expect(isHome(new URL(page.url())), page.url()).toBe(true);
  expect((await page.context().cookies()).filter((c) => c.name.includes("auth_"))).toEqual([]);

  // The Log in button (a server action) starts a login that comes back to the page it was pressed on.
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await page.getByLabel("User name").fill("button-user");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(isHome);
  await expect(shown(page, "server-user")).toContainText('"sub": "button-user"');
});
