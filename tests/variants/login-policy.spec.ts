import { createHash } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { shown, signIn } from "./support";
import { APP_URL, BASE_PATH } from "./variant";

/**
 * Who may log in, in Chromium, on a build with tests/policy/fixtures: the variant's allow-list
 * (allowed_email_domains = ["example.test"]), the fixture's login hook and its own error page at /auth/error.
 */

const IDENTITY = /^(__Host-)?auth_user(\.\d+)?$/;
/** Group ids as providers send them: opaque and hardly compressible (as Entra's GUIDs), so size shows. */
const groups = Array.from(
  { length: 300 },
  (_, i) => `group-${createHash("sha256").update(String(i)).digest("hex").slice(0, 12)}`,
);

/** Logs in through /auth/login as `user`, with extra ID token claims typed into the local provider's form. */
async function logInAs(page: Page, user: string, claims?: Record<string, unknown>) {
  await page.goto(`${APP_URL}/auth/login`);
  if (claims) {
    await page.waitForURL((url) => url.pathname.includes("/interaction/"));
    await page.getByLabel("Extra ID token claims").fill(JSON.stringify(claims));
  }
  await signIn(page, user);
}

/** Back in the app after a login (not on the provider, not on an auth route). */
const inApp = (url: URL) => url.origin === new URL(APP_URL).origin && !url.pathname.includes("/auth/");

async function identityCookieSize(page: Page): Promise<number> {
  const cookies = (await page.context().cookies()).filter((cookie) => IDENTITY.test(cookie.name));
  return cookies.reduce((sum, cookie) => sum + cookie.name.length + cookie.value.length, 0);
}

/** The Cookie header Chromium sends with a page load of the app. */
async function cookieHeaderLength(page: Page): Promise<number> {
  const response = await page.goto(`${APP_URL}/`);
  return ((await response!.request().allHeaders())["cookie"] ?? "").length;
}

test("a refused email domain ends on the app's own error page with no identity cookie in the browser", async ({
  page,
}) => {
  await logInAs(page, "mallory@evil.test");
  await page.waitForURL((url) => url.pathname === `${BASE_PATH}/auth/error`);
  const url = new URL(page.url());
  expect(url.searchParams.get("code")).toBe("LOGIN_NOT_ALLOWED");
  expect(url.searchParams.get("kind")).toBe("user");
  expect(url.search).not.toContain("evil.test");
  const error = page.getByTestId("app-auth-error");
  await expect(error).toHaveAttribute("data-code", "LOGIN_NOT_ALLOWED");
  await expect(error).toContainText("Sorry, this app is only for example.test accounts.");
  await expect(error.getByRole("link", { name: "Use another account" })).toHaveAttribute(
    "href",
    `${BASE_PATH}/auth/login?provider=default&returnTo=%2F`,
  );
  expect((await page.context().cookies()).filter((cookie) => cookie.name.startsWith("auth_"))).toEqual([]);
});

test("a login hook that trims 300 groups to 3 shrinks the Cookie header", async ({ page, browser }) => {
  await logInAs(page, "wide-user", { groups });
  await page.waitForURL(inApp);
  await expect(shown(page, "server-user")).toContainText(groups[299]!);
  const untrimmed = { cookie: await identityCookieSize(page), header: await cookieHeaderLength(page) };

  const other = await browser.newPage();
  await logInAs(other, "trimmed-user", { groups: ["fixture-trim", ...groups] });
  await other.waitForURL(inApp);
  // The hook kept the first three: its marker and two groups.
  await expect(shown(other, "server-user")).toContainText(groups[1]!);
  await expect(shown(other, "server-user")).not.toContainText(groups[2]!);
  const trimmed = { cookie: await identityCookieSize(other), header: await cookieHeaderLength(other) };
  await other.close();

  expect(trimmed.cookie).toBeLessThan(untrimmed.cookie / 2);
  expect(trimmed.header).toBeLessThan(untrimmed.header - untrimmed.cookie / 2);
});

test("a login hook that throws ends on a readable page and sets no cookie", async ({ page }) => {
  await logInAs(page, "broken-user", { groups: ["fixture-hook-throws"] });
  await page.waitForURL((url) => url.pathname === `${BASE_PATH}/auth/error`);
  const error = page.getByTestId("app-auth-error");
  await expect(error).toHaveAttribute("data-code", "LOGIN_HOOK_FAILED");
  await expect(error).toHaveAttribute("data-kind", "config");
  await expect(error).toContainText("Our account service is having a moment.");
  await expect(page.locator("body")).not.toContainText("POLICY-FIXTURE");
  expect((await page.context().cookies()).filter((cookie) => cookie.name.startsWith("auth_"))).toEqual([]);
});
