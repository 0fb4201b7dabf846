import { expect, test } from "@playwright/test";
import { shown, signIn } from "./support";
import { APP_URL, BASE_PATH } from "./variant";

/**
 * `cacheComponents: true`: every page's static shell is prerendered at build time (scripts/e2e-variants.mjs checks
 * the route table and the shell's HTML), and `<AuthProvider>` streams the user into it in the same response.
 */
test("Cache Components: the user streams into the prerendered shell in the same response; log in and out", async ({
  page,
}) => {
  const userRequests: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === `${BASE_PATH}/auth/user`) userRequests.push(request.url());
  });

  const anonymous = await (await page.goto(`${APP_URL}/static`))!.text();
  // The shell (with the <Suspense> fallbacks) comes first; the user follows in the same document.
  const shell = anonymous.indexOf('data-testid="client-user-pending"');
  const streamed = anonymous.indexOf('data-testid="client-user"');
  expect(shell).toBeGreaterThan(0);
  expect(streamed).toBeGreaterThan(shell);
  await expect(shown(page, "user-badge")).toHaveText("Logged out");

  // The Log in button of the static page (a server action) comes back to it, logged in.
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await signIn(page, "streamed-user");
  await page.waitForURL(`${APP_URL}/static`);
  await expect(shown(page, "client-user")).toContainText('"sub": "streamed-user"');
  await expect(shown(page, "user-badge")).toContainText("Logged in as");
  const loggedIn = await (await page.reload())!.text();
  expect(loggedIn.indexOf("streamed-user")).toBeGreaterThan(loggedIn.indexOf('data-testid="client-user-pending"'));
  await expect(shown(page, "client-user")).toContainText('"sub": "streamed-user"');

  // Log out with the static page's button: through the provider and back to the static page.
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(shown(page, "user-badge")).toHaveText("Logged out");
  expect(await shown(page, "client-user").textContent()).toContain('"is_logged_in": false');
  expect(page.url()).toBe(`${APP_URL}/static`);

  // Never asked: the user always came with the page.
  expect(userRequests).toEqual([]);
});
