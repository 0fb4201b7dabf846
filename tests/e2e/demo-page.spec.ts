import { expect, test } from "@playwright/test";
import { IDP_ORIGIN } from "./env";
import { logIn } from "./support";

/** The demo page as a newcomer sees it. The README's picture is written to docs/screenshot.png by every run. */
const SCREENSHOT = "docs/screenshot.png";

test("the logged-in demo page shows who is logged in, the provider, the raw claims and the buttons (docs/screenshot.png)", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1120, height: 800 });
  await logIn(page, "ada.lovelace", { claims: { groups: ["analysts", "admins"] } });

  await expect(page.getByTestId("user-name")).toHaveText("Ada Lovelace");
  await expect(page.getByText("ada.lovelace@example.test", { exact: true })).toBeVisible();
  await expect(page.getByTestId("user-provider")).toHaveText("default");
  const avatar = page.locator("img.avatar");
  await expect(avatar).toBeVisible();
  // The provider's picture really loaded (not a broken image).
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(page.getByTestId("server-user")).toContainText('"groups": [');
  for (const name of ["Log in", "Log in with second", "Log in with down", "Log in with conformant", "Log out"]) {
    await expect(page.getByRole("button", { name, exact: true })).toBeVisible();
  }

  await page.screenshot({ path: SCREENSHOT, fullPage: true, animations: "disabled" });
});

test("the login button shows that it is working while the redirect is on its way", async ({ page }) => {
  await page.goto("/");
  // Hold the login action's request for a moment, as a slow network would.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("/", async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  const button = page.getByRole("button", { name: "Log in", exact: true });
  await button.click();
  await expect(button).toHaveAttribute("aria-busy", "true");
  await expect(button).toBeDisabled();
  release();
  await page.waitForURL((url) => url.origin === IDP_ORIGIN);
});

test("an error page says what went wrong and links back to the app", async ({ page }) => {
  const response = await page.goto("/auth/login?provider=nope");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("auth-error")).toContainText("nope");
  await page.getByRole("link", { name: "Back to the app" }).click();
  await page.waitForURL("/");
  await expect(page.getByRole("button", { name: "Log in", exact: true })).toBeVisible();
});
