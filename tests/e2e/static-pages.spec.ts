import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { testIdentityCookies } from "streamlit-auth-nextjs/testing";
import { APP_ORIGIN, COOKIE_SECRET, IDP_ORIGIN } from "./env";
import { clientUser, logIn } from "./support";

/**
 * `<AuthProvider>` in the root layout keeps pages static, and `useUser()` stays cheap: no request on a page rendered
 * per request, at most one (shared) on a static page, and it follows logins and logouts without a reload.
 */

/** Every request the page makes to GET /auth/user, from now on. */
function userRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/auth/user") seen.push(request.url());
  });
  return seen;
}

/** A mark on the window that a full page load would wipe out. */
async function markWindow(page: Page) {
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
}
const sameDocument = (page: Page) => page.evaluate(() => "sameDocument" in window);

/**
 * A minted identity of the "down" provider (configured, but its metadata cannot be loaded): logging out is then local,
 * a redirect to / inside the app, with no round trip through a provider's end_session_endpoint.
 */
const mintedUser = (sub: string) =>
  testIdentityCookies(
    { sub, name: sub.toUpperCase() },
    { cookieSecret: COOKIE_SECRET, url: APP_ORIGIN, provider: "down" },
  );

test("next build keeps the pages that do not read the user static (○), /_not-found included", () => {
  const manifest = JSON.parse(readFileSync(".next/prerender-manifest.json", "utf8")) as {
    routes: Record<string, unknown>;
  };
  const prerendered = Object.keys(manifest.routes);
  expect(prerendered).toEqual(expect.arrayContaining(["/static", "/_not-found"]));
  // Pages that call getUser() are rendered per request.
  expect(prerendered).not.toContain("/");
  expect(prerendered).not.toContain("/protected");
});

test("a static page's HTML is the same for everyone: it holds the <Suspense> fallbacks, never a user", async ({
  page,
  context,
  request,
}) => {
  await context.addCookies(await mintedUser("static-html"));
  const response = await page.goto("/static");
  const html = await response!.text();
  expect(html).toContain('data-testid="client-user-pending"');
  expect(html).not.toContain("static-html");
  expect(html).not.toContain("is_logged_in");
  // The browser fills the user in.
  await expect(page.getByTestId("user-badge")).toHaveText("Logged in as STATIC-HTML");
  expect(await clientUser(page)).toMatchObject({ is_logged_in: true, sub: "static-html" });
  // Served from the build: an anonymous request gets the very same document.
  expect(await (await request.get("/static")).text()).toBe(html);
});

test("useUser() costs no request on a page rendered per request, nor after a client-side navigation from it", async ({
  page,
  context,
}) => {
  await context.addCookies(await mintedUser("dynamic"));
  const requests = userRequests(page);
  await page.goto("/");
  expect(await clientUser(page)).toMatchObject({ is_logged_in: true, sub: "dynamic" });
  await page.getByRole("link", { name: "Static page" }).click();
  await page.waitForURL("/static");
  await expect(page.getByTestId("user-badge")).toHaveText("Logged in as DYNAMIC");
  expect(await clientUser(page)).toMatchObject({ is_logged_in: true, sub: "dynamic" });
  expect(requests).toEqual([]);
});

test("on a static page, several useUser() components share one request to /auth/user", async ({ page, context }) => {
  const requests = userRequests(page);
  await page.goto("/static");
  await expect(page.getByTestId("user-badge")).toHaveText("Logged out");
  expect(await clientUser(page)).toEqual({ is_logged_in: false });
  await expect(page.getByRole("button", { name: "Log in", exact: true })).toBeVisible();
  expect(requests).toHaveLength(1);

  // Logged in: again one request for the badge, the claims and the buttons; client-side navigation adds none.
  await context.addCookies(await mintedUser("shared"));
  await page.reload();
  await expect(page.getByTestId("user-badge")).toHaveText("Logged in as SHARED");
  await expect(page.getByRole("button", { name: "Log out", exact: true })).toBeVisible();
  expect(await clientUser(page)).toMatchObject({ is_logged_in: true, sub: "shared" });
  await page.getByRole("link", { name: "Home" }).click();
  await expect(page.getByTestId("server-user")).toContainText('"sub": "shared"');
  await page.getByRole("link", { name: "Static page" }).click();
  await expect(page.getByTestId("user-badge")).toHaveText("Logged in as SHARED");
  expect(requests).toHaveLength(2);
});

test("/auth/user answers the plain claims, private and never stored, and never the tokens", async ({
  page,
  context,
}) => {
  await context.addCookies(
    await testIdentityCookies(
      { sub: "claims", email: "claims@example.test" },
      { cookieSecret: COOKIE_SECRET, url: APP_ORIGIN, tokens: { id: "raw.id.token", access: "raw-access-token" } },
    ),
  );
  await page.goto("/static");
  const answer = await page.evaluate(async () => {
    const response = await fetch("/auth/user", { headers: { "x-auth-user": "1" } });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body)).toEqual({
    is_logged_in: true,
    sub: "claims",
    email: "claims@example.test",
    provider: "default",
  });
  expect(answer.body).not.toContain("raw");
  expect(answer.headers["cache-control"]).toBe("private, no-store");
  expect(answer.headers["content-type"]).toContain("application/json");
  expect(Object.keys(answer.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
});

test("a cross-site page cannot read /auth/user", async ({ page, context }) => {
  await context.addCookies(await mintedUser("victim"));
  const evil = `${IDP_ORIGIN}/evil-reader`;
  await page.route(evil, (route) => route.fulfill({ contentType: "text/html", body: "<p>evil</p>" }));
  await page.goto(evil);
  const attempts = await page.evaluate(async (url) => {
    const attempt = async (init: RequestInit) => {
      try {
        const response = await fetch(url, { credentials: "include", ...init });
        return `${response.type} ${response.status} ${await response.text()}`;
      } catch (error) {
        return `blocked: ${(error as Error).name}`;
      }
    };
    return [await attempt({}), await attempt({ headers: { "x-auth-user": "1" } }), await attempt({ mode: "no-cors" })];
  }, `${APP_ORIGIN}/auth/user`);
  // Plain and preflighted reads fail (no CORS header); a no-cors read, which would be opaque, is refused outright
  // (Cross-Origin-Resource-Policy: same-origin).
  expect(attempts).toEqual(["blocked: TypeError", "blocked: TypeError", "blocked: TypeError"]);
  // What the server answered to the plain request: the same 403 for everyone, not the user.
  const direct = await page.request.get(`${APP_ORIGIN}/auth/user`, {
    headers: { "sec-fetch-site": "cross-site", "x-auth-user": "1" },
  });
  expect(direct.status()).toBe(403);
  expect(await direct.text()).not.toContain("victim");
});

test("logging out in another tab updates useUser() on a static page without a reload", async ({ context }) => {
  await context.addCookies(await mintedUser("two-tabs"));
  const staticTab = await context.newPage();
  await staticTab.goto("/static");
  await expect(staticTab.getByTestId("user-badge")).toHaveText("Logged in as TWO-TABS");
  await markWindow(staticTab);
  const dynamicTab = await context.newPage();
  await dynamicTab.goto("/");
  await markWindow(dynamicTab);

  const otherTab = await context.newPage();
  await otherTab.goto("/");
  await otherTab.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(otherTab.getByTestId("server-user")).toContainText('"is_logged_in": false');

  await expect(staticTab.getByTestId("user-badge")).toHaveText("Logged out");
  expect(await clientUser(staticTab)).toEqual({ is_logged_in: false });
  expect(await sameDocument(staticTab)).toBe(true);
  // A page rendered per request is rendered again: its server components follow too.
  await expect(dynamicTab.getByTestId("server-user")).toContainText('"is_logged_in": false');
  expect(await clientUser(dynamicTab)).toEqual({ is_logged_in: false });
  expect(await sameDocument(dynamicTab)).toBe(true);
});

test("logging in in another tab updates useUser() on a static page without a reload", async ({ context }) => {
  const staticTab = await context.newPage();
  await staticTab.goto("/static");
  await expect(staticTab.getByTestId("user-badge")).toHaveText("Logged out");
  await markWindow(staticTab);
  await logIn(await context.newPage(), "grace");
  await expect(staticTab.getByTestId("user-badge")).toHaveText("Logged in as Grace");
  expect(await sameDocument(staticTab)).toBe(true);
});

test("the Log out server action on a static page updates useUser() without a full page load", async ({
  page,
  context,
}) => {
  await context.addCookies(await mintedUser("action"));
  await page.goto("/static");
  await expect(page.getByTestId("user-badge")).toHaveText("Logged in as ACTION");
  await markWindow(page);
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  // logout() comes back to the page it was called from.
  await expect(page.getByTestId("user-badge")).toHaveText("Logged out");
  expect(new URL(page.url()).pathname).toBe("/static");
  expect(await clientUser(page)).toEqual({ is_logged_in: false });
  await expect(page.getByRole("button", { name: "Log in", exact: true })).toBeVisible();
  expect(await sameDocument(page)).toBe(true);
  await page.getByRole("link", { name: "Home" }).click();
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": false');
  expect(await clientUser(page)).toEqual({ is_logged_in: false });
  expect(await sameDocument(page)).toBe(true);
});
