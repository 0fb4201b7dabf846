import { expect, test } from "@playwright/test";
import { logIn } from "./support";

/** The README's picture of the demo: written to docs/screenshot.png by every end-to-end run. */
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
