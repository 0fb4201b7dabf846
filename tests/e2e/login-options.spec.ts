import { expect, test, type Page } from "@playwright/test";
import { IDP_ORIGIN } from "./env";
import { identityCookies, logIn, serverUser, signInAtProvider } from "./support";

/** Per-call login options in Chromium, against the local provider (oidc-provider honours max_age and login_hint). */

async function authTime(page: Page): Promise<number> {
  const value = (await serverUser(page))["auth_time"];
  expect(value).toEqual(expect.any(Number));
  return value as number;
}

/** auth_time has whole seconds: let the clock pass the last one, so that a new sign-in is visibly newer. */
async function nextSecondAfter(seconds: number): Promise<void> {
  await expect.poll(() => Math.floor(Date.now() / 1000), { intervals: [100] }).toBeGreaterThan(seconds);
}

test("step-up: max_age=0 makes the provider ask to sign in again, with login_hint filled in; auth_time is fresher", async ({
  page,
}) => {
  await logIn(page, "erin");
  await page.goto("/protected");
  const first = await authTime(page);
  await nextSecondAfter(first);

  const signInPages: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && frame.url().startsWith(`${IDP_ORIGIN}/interaction/`))
      signInPages.push(frame.url());
  });

  // Without max_age the provider's session is enough (prompt=consent: no sign-in page).
  await page.goto("/auth/login?prompt=consent&returnTo=/protected");
  await page.waitForURL("/protected");
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "erin" });
  expect(signInPages).toEqual([]);

  // With max_age=0 it asks again.
  await page.goto("/auth/login?prompt=consent&max_age=0&login_hint=erin&returnTo=/protected");
  await page.waitForURL((url) => url.origin === IDP_ORIGIN);
  await expect(page.getByLabel("User name")).toHaveValue("erin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("/protected");
  expect(signInPages).toHaveLength(1);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "erin" });
  expect(await authTime(page)).toBeGreaterThan(first);
});

test("step-up from a form: the protected page's login form with max_age=0 signs the user in again", async ({
  page,
}) => {
  await logIn(page, "frank");
  await page.goto("/protected");
  const first = await authTime(page);
  await nextSecondAfter(first);
  const authorization = page.waitForRequest((request) => request.url().startsWith(`${IDP_ORIGIN}/auth?`));
  await page.getByRole("button", { name: "Confirm it's you" }).click();
  expect(new URL((await authorization).url()).searchParams.get("max_age")).toBe("0");
  await signInAtProvider(page, "frank");
  await page.waitForURL("/protected");
  expect(await authTime(page)).toBeGreaterThan(first);
});

test("login_hint is filled in on the provider's sign-in page; another account can be chosen there", async ({
  page,
}) => {
  await page.goto("/auth/login?login_hint=gina%40example.test&returnTo=/protected");
  await page.waitForURL((url) => url.origin === IDP_ORIGIN);
  await expect(page.getByLabel("User name")).toHaveValue("gina@example.test");
  await signInAtProvider(page, "hank");
  await page.waitForURL("/protected");
  expect(await serverUser(page)).toMatchObject({ sub: "hank" });
});

test("a loginUrl() link with prompt=select_account: another account signs in and lands back", async ({ page }) => {
  await logIn(page, "ivan");
  await page.goto("/protected");
  const authorization = page.waitForRequest((request) => request.url().startsWith(`${IDP_ORIGIN}/auth?`));
  await page.getByRole("link", { name: "Log in with another account" }).click();
  expect(new URL((await authorization).url()).searchParams.get("prompt")).toBe("select_account");
  await signInAtProvider(page, "judy");
  await page.waitForURL("/protected");
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "judy" });
});

test("prompt=none without a session at the provider: back on returnTo, logged out, with auth_error", async ({
  page,
  context,
}) => {
  await page.goto("/auth/login?prompt=none&returnTo=/static");
  await page.waitForURL("/static?auth_error=login_required");
  expect(await identityCookies(context)).toEqual([]);
});

test("a bad login option in the URL: a readable 400 page naming it", async ({ page }) => {
  const response = await page.goto("/auth/login?max_age=soon");
  expect(response?.status()).toBe(400);
  await expect(page.getByTestId("auth-error")).toContainText(
    "This login link has an invalid max_age. It must be a whole number of seconds from 0 to 2147483647.",
  );
});
