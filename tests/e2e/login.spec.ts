import { expect, test } from "@playwright/test";
import { APP_ORIGIN, CLIENTS, IDP_ORIGIN } from "./env";
import { clientUser, identityCookies, logIn, serverUser, signInAtProvider, transactionCookies } from "./support";

test("an anonymous visitor sees is_logged_in false on server and client, and the login buttons", async ({ page }) => {
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto("/");
  expect(await serverUser(page)).toEqual({ is_logged_in: false });
  expect(await clientUser(page)).toEqual({ is_logged_in: false });
  await expect(page.getByRole("button", { name: "Log in", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Log in with second", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Log out", exact: true })).toBeVisible();
  // useUser() is seeded by the layout: no request for the user after the document itself.
  expect(requests.filter((u) => u.includes("/auth/"))).toEqual([]);
});

test("log in with the default provider: the claims reach getUser() and useUser()", async ({ page, context }) => {
  await logIn(page, "alice");
  const server = await serverUser(page);
  expect(server).toMatchObject({
    is_logged_in: true,
    sub: "alice",
    email: "alice@example.test",
    name: "Alice",
    provider: "default",
    iss: IDP_ORIGIN,
    aud: CLIENTS[0].id,
  });
  expect(server).not.toHaveProperty("tokens");
  expect(await clientUser(page)).toEqual(server);
  await expect(page.getByTestId("user-name")).toHaveText("Alice");
  // The transaction cookie of this login is gone once it completed.
  expect(await transactionCookies(context)).toEqual([]);
});

test("the identity cookie is HttpOnly, SameSite=Lax, Path=/, not Secure on http, and lasts 30 days", async ({
  page,
  context,
}) => {
  const before = Date.now() / 1000;
  await logIn(page, "carol");
  const cookies = await identityCookies(context);
  expect(cookies).toHaveLength(1);
  const [cookie] = cookies;
  expect(cookie).toMatchObject({
    name: "auth_user",
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: false,
    domain: "localhost",
  });
  const thirtyDays = 30 * 24 * 3600;
  expect(cookie!.expires).toBeGreaterThan(before + thirtyDays - 120);
  expect(cookie!.expires).toBeLessThan(Date.now() / 1000 + thirtyDays + 120);
  // Encrypted: no claim is readable in the value.
  expect(cookie!.value).toMatch(/^Fe26\.2\*/);
  expect(cookie!.value).not.toContain("carol");
});

test("reloading and opening a new tab keep the user logged in", async ({ page, context }) => {
  await logIn(page, "dave");
  await page.reload();
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "dave" });
  const second = await context.newPage();
  await second.goto("/");
  expect(await serverUser(second)).toMatchObject({ is_logged_in: true, sub: "dave" });
  expect(await clientUser(second)).toMatchObject({ is_logged_in: true, sub: "dave" });
});

test("log out goes through the provider's end_session_endpoint and removes every identity cookie", async ({
  page,
  context,
  request,
}) => {
  await logIn(page, "erin");
  const visited: string[] = [];
  page.on("request", (r) => {
    if (r.isNavigationRequest()) visited.push(new URL(r.url()).origin + new URL(r.url()).pathname);
  });
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": false');
  expect(page.url()).toBe(`${APP_ORIGIN}/`);
  expect(visited).toContain(`${IDP_ORIGIN}/session/end`);
  expect(await identityCookies(context)).toEqual([]);
  expect(await clientUser(page)).toEqual({ is_logged_in: false });

  const logouts = (await (await request.get(`${IDP_ORIGIN}/__logouts`)).json()) as Array<Record<string, string>>;
  const last = logouts.at(-1)!;
  expect(last["client_id"]).toBe(CLIENTS[0].id);
  expect(last["post_logout_redirect_uri"]).toBe(`${APP_ORIGIN}/oauth2callback`);
  expect(last["id_token_hint"]).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
  // Our own state, which brought the browser back to the page it logged out from.
  expect(last["state"]).toMatch(/^[\w-]{43}$/);

  await page.reload();
  expect(await serverUser(page)).toEqual({ is_logged_in: false });
});

test("a named provider logs in with its own client and is recorded as the provider", async ({ page }) => {
  await logIn(page, "frank", { provider: "second" });
  expect(await serverUser(page)).toMatchObject({
    is_logged_in: true,
    sub: "frank",
    provider: "second",
    aud: CLIENTS[1].id,
  });
});

test("/protected sends an anonymous visitor to log in and brings them back", async ({ page }) => {
  await page.goto("/protected?tab=2");
  await signInAtProvider(page, "grace");
  await page.waitForURL("/protected?tab=2");
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "grace" });
  // Logged in now: no detour any more.
  await page.goto("/protected");
  expect(new URL(page.url()).pathname).toBe("/protected");
});

test("a user with 300 group claims logs in and the whole Cookie header stays under 8 KB", async ({ page, context }) => {
  const groups = Array.from({ length: 300 }, (_, i) => `engineering-platform-group-${String(i).padStart(3, "0")}`);
  expect(JSON.stringify(groups).length).toBeGreaterThan(4096);
  await logIn(page, "heidi", { claims: { groups } });
  expect((await serverUser(page))["groups"]).toEqual(groups);
  expect((await clientUser(page))["groups"]).toEqual(groups);
  const header = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  expect(header.length).toBeLessThan(8192);
});

test("an identity that cannot be compressed into one cookie is split into chunks and still logs in", async ({
  page,
  context,
}) => {
  // Random strings do not compress: the sealed identity needs two cookies.
  const groups = Array.from({ length: 55 }, () =>
    Array.from(crypto.getRandomValues(new Uint8Array(48)), (b) => b.toString(36)).join(""),
  );
  await logIn(page, "ivan", { claims: { groups } });
  expect((await serverUser(page))["groups"]).toEqual(groups);
  const cookies = await identityCookies(context);
  expect(cookies.map((c) => c.name).sort()).toEqual(["auth_user", "auth_user.1"]);
  await page.reload();
  expect((await serverUser(page))["groups"]).toEqual(groups);

  // Logging out removes every chunk.
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": false');
  expect(await identityCookies(context)).toEqual([]);
});

test("no configuration value is compiled into .next/, although the build saw the config", async () => {
  const { readdir, readFile } = await import("node:fs/promises");
  const path = await import("node:path");
  const { COOKIE_SECRET } = await import("./env");
  const needles = [COOKIE_SECRET, ...CLIENTS.map((c) => c.secret)];
  const found: string[] = [];
  async function scan(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await scan(full);
      else if (entry.isFile()) {
        const text = await readFile(full, "latin1");
        for (const needle of needles) if (text.includes(needle)) found.push(`${full}: ${needle.slice(0, 8)}…`);
      }
    }
  }
  await scan(".next");
  expect(found).toEqual([]);
});

test("a provider that is down ends on a readable 502 page; the other providers keep working", async ({
  page,
  context,
}) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Log in with down", exact: true }).click();
  const error = page.getByTestId("auth-error");
  await expect(error).toHaveAttribute("data-status", "502");
  await expect(error).toContainText("could not be reached");
  await expect(page.locator("body")).not.toContainText(/at \w+ \(|node_modules/);
  expect(await identityCookies(context)).toEqual([]);
  await logIn(page, "judy", { provider: "second" });
  expect(await serverUser(page)).toMatchObject({ sub: "judy", provider: "second" });
});

test("two logins begun in two tabs both complete, in either order", async ({ context }) => {
  const [first, second] = [await context.newPage(), await context.newPage()];
  for (const page of [first, second]) {
    await page.goto("/");
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.waitForURL((url) => url.origin === IDP_ORIGIN);
  }
  expect(await transactionCookies(context)).toHaveLength(2);
  // The tab opened last finishes first.
  await signInAtProvider(second, "kim");
  await second.waitForURL("/");
  expect(await serverUser(second)).toMatchObject({ is_logged_in: true, sub: "kim" });
  await signInAtProvider(first, "lee");
  await first.waitForURL("/");
  expect(await serverUser(first)).toMatchObject({ is_logged_in: true, sub: "lee" });
  expect(await transactionCookies(context)).toEqual([]);
});

test("a cross-site page cannot log the user out, by image, navigation or form", async ({ page, context }) => {
  await logIn(page, "mia");
  // A page on another site (127.0.0.1 is a different site from localhost), served by the browser's router.
  const evil = `${IDP_ORIGIN}/evil-page`;
  await page.route(evil, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<img src="${APP_ORIGIN}/auth/logout"><form id="f" method="post" action="${APP_ORIGIN}/auth/logout"></form>`,
    }),
  );
  // The image request is really sent (Chromium then blocks the HTML answer for an <img>; its cookies would apply first).
  const imageLogout = page.waitForRequest(
    (r) => r.url() === `${APP_ORIGIN}/auth/logout` && r.resourceType() === "image",
  );
  await page.goto(evil);
  await (await imageLogout).response(); // settles when the request has finished or failed
  expect(await identityCookies(context)).toHaveLength(1);

  await page.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit());
  await expect(page.getByTestId("auth-error")).toContainText("did not come from this app");
  expect(await identityCookies(context)).toHaveLength(1);

  await page.goto(evil);
  await page.evaluate((url) => (window.location.href = url), `${APP_ORIGIN}/auth/logout`);
  await expect(page.getByTestId("auth-error")).toContainText("did not come from this app");
  expect(await identityCookies(context)).toHaveLength(1);
  await page.goto("/");
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "mia" });

  // The confirmation page's own button does log out.
  await page.goto(evil);
  await page.evaluate((url) => (window.location.href = url), `${APP_ORIGIN}/auth/logout`);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": false');
  expect(await identityCookies(context)).toEqual([]);
});

test("a stock, spec-conformant provider works: the refused default prompt is dropped, email and name come from userinfo", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Log in with conformant", exact: true }).click();
  await page.waitForURL((url) => url.port === "4101" && url.pathname.startsWith("/interaction/"));
  await page.getByLabel("User name").fill("nina");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("/");
  expect(await serverUser(page)).toMatchObject({
    is_logged_in: true,
    sub: "nina",
    email: "nina@example.test",
    name: "Nina",
    provider: "conformant",
  });
});

test("opening the app on 127.0.0.1 while redirect_uri says localhost still logs in (cookies are per host)", async ({
  page,
}) => {
  await page.goto(`http://127.0.0.1:${new URL(APP_ORIGIN).port}/`);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await signInAtProvider(page, "oscar");
  await page.waitForURL(`${APP_ORIGIN}/`);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "oscar" });
});
