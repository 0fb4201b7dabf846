import { expect, test } from "@playwright/test";
import { BROKEN_ORIGIN, NO_AUTH_ORIGIN } from "./env";
import { clientUser, serverUser } from "./support";

test.describe("a broken config", () => {
  test("the app keeps rendering, logged out, and offers no login", async ({ page }) => {
    await page.goto(`${BROKEN_ORIGIN}/`);
    expect(await serverUser(page)).toEqual({ is_logged_in: false });
    expect(await clientUser(page)).toEqual({ is_logged_in: false });
    await expect(page.getByRole("button", { name: /^Log in/ })).toHaveCount(0);
  });

  test("the login route explains the problem with file, section, key and fix, without a stack trace", async ({
    page,
  }) => {
    const response = await page.goto(`${BROKEN_ORIGIN}/auth/login`);
    expect(response?.status()).toBe(500);
    const error = page.getByTestId("auth-error");
    await expect(error).toContainText('AUTH_SECRETS [auth]: "cookie_secret" is missing');
    await expect(error).toContainText("openssl rand -base64 32");
    await expect(page.locator("body")).not.toContainText(/at \w+ \(|node_modules/);
  });
});

test.describe("a secrets.toml without [auth] (auth not configured, as in Streamlit)", () => {
  test("getUser() and useUser() are {} and there is no login button", async ({ page }) => {
    await page.goto(`${NO_AUTH_ORIGIN}/`);
    expect(await serverUser(page)).toEqual({});
    expect(await clientUser(page)).toEqual({});
    await expect(page.getByRole("button", { name: /^Log in/ })).toHaveCount(0);
  });

  test("a protected page leads to a page that says what to write", async ({ page }) => {
    await page.goto(`${NO_AUTH_ORIGIN}/protected`);
    expect(new URL(page.url()).pathname).toBe("/auth/login");
    await expect(page.getByTestId("auth-error")).toContainText("has no [auth] section");
  });
});
