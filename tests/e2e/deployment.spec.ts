import { expect, test } from "@playwright/test";
import { BALANCER_ORIGIN, BOUND_ORIGIN, REPLICA_PORTS } from "./env";
import { clientUser, serverUser, signInAtProvider } from "./support";

/** Served through tests/support/balancer.mjs: two instances, one config in AUTH_SECRETS, AUTH_ORIGIN set. */

interface Route {
  path: string;
  backend: number;
}

async function routes(): Promise<Route[]> {
  const response = await fetch(`${BALANCER_ORIGIN}/__routes`);
  return (await response.json()) as Route[];
}

test.describe("several replicas, no sticky sessions, config from the environment only", () => {
  test("a login begun on one instance completes on the other", async ({ page }) => {
    const before = (await routes()).length;
    await page.goto(`${BALANCER_ORIGIN}/auth/login?returnTo=%2Fprotected`);
    await signInAtProvider(page, "replica-user");
    await page.waitForURL(`${BALANCER_ORIGIN}/protected`);
    expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "replica-user", provider: "default" });

    const served = (await routes()).slice(before);
    expect(served.find((r) => r.path === "/auth/login")?.backend).toBe(REPLICA_PORTS[0]);
    expect(served.find((r) => r.path === "/oauth2callback")?.backend).toBe(REPLICA_PORTS[1]);
    // Every later page is read by whichever instance answers: reload until both have served one.
    for (let i = 0; i < 4; i++) {
      await page.reload();
      expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "replica-user" });
    }
    const pages = (await routes()).slice(before).filter((r) => r.path === "/protected");
    expect(new Set(pages.map((r) => r.backend))).toEqual(new Set(REPLICA_PORTS));
  });

  test("the Log in button (a server action) works behind the balancer too", async ({ page }) => {
    await page.goto(`${BALANCER_ORIGIN}/`);
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await signInAtProvider(page, "button-user");
    await page.waitForURL(`${BALANCER_ORIGIN}/`);
    expect(await clientUser(page)).toMatchObject({ is_logged_in: true, sub: "button-user" });
  });
});

test.describe("the callback at any path that redirect_uri names", () => {
  for (const [provider, path] of [
    ["deep", "/api/auth/callback/deep"],
    ["direct", "/auth/callback"],
  ] as const) {
    test(`${path} (provider "${provider}")`, async ({ page }) => {
      const before = (await routes()).length;
      await page.goto(`${BALANCER_ORIGIN}/auth/login?provider=${provider}`);
      await signInAtProvider(page, `${provider}-user`);
      await page.waitForURL(`${BALANCER_ORIGIN}/`);
      expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: `${provider}-user`, provider });
      expect((await routes()).slice(before).some((r) => r.path === path)).toBe(true);
    });
  }
});

test("a server started with -H 127.0.0.1 while redirect_uri names localhost logs in (Next proxies the callback rewrite)", async ({
  page,
}) => {
  await page.goto(`${BOUND_ORIGIN}/auth/login?returnTo=%2Fprotected`);
  await signInAtProvider(page, "bound-user");
  await page.waitForURL(`${BOUND_ORIGIN}/protected`);
  expect(await serverUser(page)).toMatchObject({ is_logged_in: true, sub: "bound-user" });
});
