import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { openSeal, seal } from "@/lib/auth/cookie/seal";
import {
  ACCESS_TOKEN_TTL_S,
  BALANCER_ORIGIN,
  REPLICA_COOKIE_SECRET,
  REPLICA_PORTS,
  REPLICA_SESSION,
  SESSIONS_IDP_ORIGIN,
} from "./env";
import { clientUser, serverUser, signInAtProvider } from "./support";

/**
 * Sessions end to end: two replicas behind a balancer without sticky sessions, logged in with the local provider that
 * issues 4-second access tokens and rotating refresh tokens (see env.ts). Refreshes are counted at the provider.
 */

test.describe.configure({ mode: "serial" });

const REPLICA = `http://localhost:${REPLICA_PORTS[0]}`;

async function refreshes(user: string): Promise<number> {
  const grants = (await (await fetch(`${SESSIONS_IDP_ORIGIN}/__grants`)).json()) as Record<string, number>;
  return grants[`refresh_token:${user}`] ?? 0;
}

async function logInWithRefresh(page: Page, user: string): Promise<void> {
  await page.goto(`${BALANCER_ORIGIN}/auth/login?provider=refresh&returnTo=%2Fsession`);
  await signInAtProvider(page, user, undefined, SESSIONS_IDP_ORIGIN);
  await page.waitForURL(`${BALANCER_ORIGIN}/session`);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: user, provider: "refresh" });
}

async function token(request: APIRequestContext, origin = BALANCER_ORIGIN, query = ""): Promise<string> {
  const response = await request.get(`${origin}/api/session${query}`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

/** Waits until the access token issued at `since` has expired (4 s): the one real wait, for time to pass. */
async function pastExpiry(page: Page, since: number): Promise<void> {
  await page.waitForTimeout(Math.max(0, since + ACCESS_TOKEN_TTL_S * 1000 + 200 - Date.now()));
}

async function cookieValue(context: BrowserContext, name: string): Promise<string | undefined> {
  return (await context.cookies(BALANCER_ORIGIN)).find((c) => c.name === name)?.value;
}

test("an API route past the access token's expiry: one refresh at the provider, a new token, kept for the next replica", async ({
  page,
}) => {
  await logInWithRefresh(page, "rita");

  // After the login: its access token was issued before this moment, so waiting from here passes its expiry.
  const since = Date.now();
  const first = await token(page.request);
  expect(await token(page.request)).toBe(first); // the other replica: same token, no refresh
  expect(await refreshes("rita")).toBe(0);

  await pastExpiry(page, since);
  const second = await token(page.request);
  expect(second).not.toBe(first);
  expect(await refreshes("rita")).toBe(1);
  // The other replica has never seen that refresh: it reads the new token from the cookie.
  expect(await token(page.request)).toBe(second);
  expect(await token(page.request)).toBe(second);
  expect(await refreshes("rita")).toBe(1);
});

test("two tabs at once on one replica: one refresh", async ({ page, context }) => {
  await logInWithRefresh(page, "tess");

  // After the login: its access token was issued before this moment, so waiting from here passes its expiry.
  const since = Date.now();
  const other = await context.newPage();
  await pastExpiry(page, since);
  const [a, b] = await Promise.all([token(page.request, REPLICA), token(other.request, REPLICA)]);
  expect(a).toBe(b);
  expect(await refreshes("tess")).toBe(1);
});

test("two tabs at once on two replicas with one rotating refresh token: both get a token, nobody is logged out", async ({
  page,
  context,
}) => {
  await logInWithRefresh(page, "uma");

  // After the login: its access token was issued before this moment, so waiting from here passes its expiry.
  const since = Date.now();
  const other = await context.newPage();
  await pastExpiry(page, since);
  // The balancer alternates: these two go to different replicas, each refreshing the same refresh token.
  const [a, b] = await Promise.all([token(page.request), token(other.request)]);
  expect(a).not.toBe(b);
  expect(await refreshes("uma")).toBe(2); // one per process
  // Whichever cookie the browser kept, its refresh token works, and the user is still logged in.
  await pastExpiry(page, Date.now() - 100);
  await token(page.request);
  await page.goto(`${BALANCER_ORIGIN}/session`);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "uma" });
});

test("a server component refreshes (it cannot write cookies): the token is still returned, and the next route handler stores it", async ({
  page,
  context,
}) => {
  await logInWithRefresh(page, "vera");

  // After the login: its access token was issued before this moment, so waiting from here passes its expiry.
  const since = Date.now();
  const before = await cookieValue(context, "auth_tokens");
  await pastExpiry(page, since);
  await page.goto(`${REPLICA}/session`);
  const fromPage = (await page.getByTestId("access-token").textContent())!;
  expect(fromPage).toMatch(/^[0-9a-f]{16}$/);
  expect(await refreshes("vera")).toBe(1);
  expect(await cookieValue(context, "auth_tokens")).toBe(before); // nothing written by the page
  // The same process answers the route with the refreshed token (no second refresh) and writes it.
  expect(await token(page.request, REPLICA)).toBe(fromPage);
  expect(await refreshes("vera")).toBe(1);
  expect(await cookieValue(context, "auth_tokens")).not.toBe(before);
  // Now every replica has it.
  expect(await token(page.request)).toBe(fromPage);
  expect(await token(page.request)).toBe(fromPage);
  expect(await refreshes("vera")).toBe(1);
});

test("a server component's refresh is stored by the gate (the edge middleware, same server) on the next protected page", async ({
  page,
  context,
}) => {
  await logInWithRefresh(page, "vick");

  // After the login: its access token was issued before this moment, so waiting from here passes its expiry.
  const since = Date.now();
  const before = await cookieValue(context, "auth_tokens");
  await pastExpiry(page, since);
  await page.goto(`${REPLICA}/session`);
  const fromPage = (await page.getByTestId("access-token").textContent())!;
  expect(await cookieValue(context, "auth_tokens")).toBe(before);
  const gated = await page.request.get(`${REPLICA}/protected`);
  expect(gated.status()).toBe(200);
  expect(gated.headers()["set-cookie"]).toContain("auth_tokens=");
  expect(await cookieValue(context, "auth_tokens")).not.toBe(before);
  // The other replica never saw that refresh: it answers from the cookie the gate wrote.
  const other = `http://localhost:${REPLICA_PORTS[1]}`;
  expect(await token(page.request, other)).toBe(fromPage);
  expect(await refreshes("vick")).toBe(1);
});

test("a refresh token revoked at the provider: the API route gets REFRESH_REFUSED, the user stays logged in", async ({
  page,
}) => {
  await logInWithRefresh(page, "wade");
  await fetch(`${SESSIONS_IDP_ORIGIN}/__revoke?account=wade`, { method: "POST" });
  const response = await page.request.get(`${BALANCER_ORIGIN}/api/session?force`);
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ error: "REFRESH_REFUSED" });
  await page.goto(`${BALANCER_ORIGIN}/session`);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "wade" });
});

test("refreshUser() re-reads the claims and useUser() shows them without a reload", async ({ page }) => {
  await logInWithRefresh(page, "xena");
  expect(await clientUser(page)).not.toHaveProperty("groups");
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same document"));
  await fetch(`${SESSIONS_IDP_ORIGIN}/__claims`, {
    method: "POST",
    body: JSON.stringify({ account: "xena", claims: { groups: ["promoted"] } }),
  });
  await page.getByRole("button", { name: "Refresh claims" }).click();
  await expect(page.getByTestId("refresh-status")).toHaveText("Claims refreshed.");
  await expect.poll(async () => (await clientUser(page))["groups"]).toEqual(["promoted"]);
  expect(await serverUser(page)).toMatchObject({ groups: ["promoted"] });
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same document");
  await page.reload();
  expect(await serverUser(page)).toMatchObject({ sub: "xena", groups: ["promoted"] });
});

test("on a static page too (useUser() asks GET /auth/user), refreshUser() shows the new claims without a reload", async ({
  page,
}) => {
  await logInWithRefresh(page, "yves");
  await page.goto(`${BALANCER_ORIGIN}/static`);
  await expect(page.getByTestId("client-user")).toContainText('"sub": "yves"');
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same document"));
  await fetch(`${SESSIONS_IDP_ORIGIN}/__claims`, {
    method: "POST",
    body: JSON.stringify({ account: "yves", claims: { roles: ["reviewer"] } }),
  });
  await page.getByRole("button", { name: "Refresh claims" }).click();
  await expect(page.getByTestId("refresh-status")).toHaveText("Claims refreshed.");
  await expect.poll(async () => (await clientUser(page))["roles"]).toEqual(["reviewer"]);
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same document");
});

/** Re-seals the identity cookie with other session times, as if the clock had moved (the test knows the secret). */
async function shiftSession(context: BrowserContext, times: { loginTime?: number; lastActivity?: number }) {
  const cookie = (await context.cookies(BALANCER_ORIGIN)).find((c) => c.name === "auth_user")!;
  const opened = await openSeal(cookie.value, [REPLICA_COOKIE_SECRET], Date.now());
  const data = {
    ...opened!.data,
    lt: times.loginTime ?? opened!.data["lt"],
    la: times.lastActivity ?? opened!.data["la"],
  };
  // Replace it (host-only, as the server sets it), so that exactly one identity cookie is sent.
  await context.clearCookies({ name: "auth_user" });
  const value = await seal(data, [REPLICA_COOKIE_SECRET], 3600);
  await context.addCookies([{ name: "auth_user", value, url: BALANCER_ORIGIN, httpOnly: true, sameSite: "Lax" }]);
}

test("the idle timeout ends a session; a visit to a protected page records activity", async ({ page, context }) => {
  await logInWithRefresh(page, "yuri");
  // Idle for 2 minutes (over a tenth of the 10-minute timeout): a protected page records the visit.
  await shiftSession(context, { loginTime: Date.now() - 30 * 60_000, lastActivity: Date.now() - 2 * 60_000 });
  const response = await page.goto(`${BALANCER_ORIGIN}/protected`);
  expect(response?.url()).toBe(`${BALANCER_ORIGIN}/protected`);
  const identity = (await context.cookies(BALANCER_ORIGIN)).filter((c) => c.name === "auth_user");
  expect(identity).toHaveLength(1);
  const renewed = await openSeal(identity[0]!.value, [REPLICA_COOKIE_SECRET], Date.now());
  expect(renewed?.data["la"]).toBeGreaterThan(Date.now() - 60_000);

  // Idle for longer than the timeout: logged out everywhere.
  await shiftSession(context, {
    loginTime: Date.now() - 60 * 60_000,
    lastActivity: Date.now() - REPLICA_SESSION.idleMs - 1000,
  });
  const gated = await page.request.get(`${BALANCER_ORIGIN}/protected`, { maxRedirects: 0 });
  expect(gated.status()).toBe(307);
  expect(gated.headers()["location"]).toContain("/auth/login");
  await page.goto(`${BALANCER_ORIGIN}/session`);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: false });
  expect((await page.request.get(`${BALANCER_ORIGIN}/api/session`)).status()).toBe(401);
});

test("the absolute lifetime ends a session, however active", async ({ page, context }) => {
  await logInWithRefresh(page, "zoe");
  await shiftSession(context, { loginTime: Date.now() - REPLICA_SESSION.lifetimeMs - 1000, lastActivity: Date.now() });
  await page.goto(`${BALANCER_ORIGIN}/session`);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: false });
  const response = await page.request.get(`${BALANCER_ORIGIN}/protected`, { maxRedirects: 0 });
  expect(response.status()).toBe(307);
  expect(response.headers()["location"]).toContain("/auth/login");
});
