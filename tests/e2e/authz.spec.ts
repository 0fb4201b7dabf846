import { expect, test, type Page } from "@playwright/test";
import { testIdentityCookies } from "streamlit-auth-nextjs/testing";
import { APP_ORIGIN, COOKIE_SECRET, IDP_ORIGIN } from "./env";
import { signInAtProvider } from "./support";

/**
 * Who may see what: a page that requires a group with requireUser({ allow }), a route handler that answers 401/403,
 * and step-up with requireUser({ maxAge }). Users and their groups come from the local provider's extra-claims field.
 * (A protect rule with allow in the middleware is tested on the gate fixtures' builds: tests/variants/gate-matrix.)
 */

const ADMINS = { groups: ["admins"] };
const STAFF = { groups: ["staff"] };

/** Visit a protected path anonymously, log in at the provider as `user` with `claims`, and land back on it. */
async function visitAndLogIn(page: Page, path: string, user: string, claims: Record<string, unknown>) {
  await page.goto(path);
  await signInAtProvider(page, user, claims);
  await page.waitForURL(path);
}

test.describe("a page restricted to a group with requireUser({ allow })", () => {
  test("an anonymous visitor logs in first and, in the group, comes back to the page", async ({ page }) => {
    const requested: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    await visitAndLogIn(page, "/admin", "ada", ADMINS);
    await expect(page.getByTestId("admin-page")).toBeVisible();
    const login = requested.map((u) => new URL(u)).find((u) => u.pathname === "/auth/login");
    expect(login?.searchParams.get("returnTo")).toBe("/admin");
    const again = await page.goto("/admin");
    expect(again?.status()).toBe(200);
  });

  test("a logged-in user outside the group gets the app's forbidden page with a 403", async ({ page }) => {
    await visitAndLogIn(page, "/admin", "bob", STAFF);
    await expect(page.getByTestId("forbidden")).toBeVisible();
    await expect(page.getByTestId("admin-page")).toHaveCount(0);
    const again = await page.goto("/admin");
    expect(again?.status()).toBe(403);
    await expect(page.getByTestId("forbidden")).toContainText("not allowed");
  });
});

test("a route handler with requireUser() answers 401, 403 and 200, never a redirect", async ({ page, request }) => {
  const anonymous = await request.get("/api/admin", { maxRedirects: 0 });
  expect(anonymous.status()).toBe(401);
  await visitAndLogIn(page, "/protected", "bob", STAFF);
  expect((await page.request.get("/api/admin", { maxRedirects: 0 })).status()).toBe(403);
  await page.context().clearCookies();
  await visitAndLogIn(page, "/admin", "ada", ADMINS);
  const allowed = await page.request.get("/api/admin", { maxRedirects: 0 });
  expect(allowed.status()).toBe(200);
  expect(await allowed.json()).toEqual({ sub: "ada" });
});

test("step-up: a login older than maxAge logs in again at the provider with max_age, then sees the page", async ({
  page,
  context,
}) => {
  const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
  await context.addCookies(
    await testIdentityCookies({ sub: "ada", auth_time: anHourAgo }, { cookieSecret: COOKIE_SECRET, url: APP_ORIGIN }),
  );
  const login = page.waitForRequest((r) => r.url().startsWith(`${APP_ORIGIN}/auth/login`));
  const authorization = page.waitForRequest((r) => r.url().startsWith(`${IDP_ORIGIN}/auth`));
  await page.goto("/account");
  const sent = new URL((await login).url());
  expect(Object.fromEntries(sent.searchParams)).toEqual({ provider: "default", returnTo: "/account", max_age: "300" });
  // The login route hands max_age to the provider (the login options of /auth/login), which makes the user log in.
  const asked = new URL((await authorization).url());
  expect(asked.searchParams.get("max_age")).toBe("300");
  await signInAtProvider(page, "ada");
  await page.waitForURL("/account");
  await expect(page.getByTestId("account-page")).toBeVisible();
});
