import { expect, test } from "@playwright/test";
import { testIdentityCookies } from "streamlit-auth-nextjs/testing";
import { APP_ORIGIN, COOKIE_SECRET } from "./env";
import { clientUser, serverUser } from "./support";

test("an app author's Playwright test logs in with a minted cookie, no identity provider involved", async ({
  page,
  context,
}) => {
  await context.addCookies(
    await testIdentityCookies(
      { sub: "ada", email: "ada@example.test", name: "Ada", roles: ["admin"] },
      { cookieSecret: COOKIE_SECRET, url: APP_ORIGIN },
    ),
  );
  await page.goto("/protected");
  expect(new URL(page.url()).pathname).toBe("/protected");
  expect(await serverUser(page)).toEqual({
    is_logged_in: true,
    sub: "ada",
    email: "ada@example.test",
    name: "Ada",
    roles: ["admin"],
    provider: "default",
  });
  await page.goto("/");
  expect(await clientUser(page)).toMatchObject({ is_logged_in: true, sub: "ada" });
});

test("a cookie minted with another secret is not accepted", async ({ page, context }) => {
  await context.addCookies(
    await testIdentityCookies(
      { sub: "eve" },
      { cookieSecret: "some-other-secret-0123456789-0123456789", url: APP_ORIGIN },
    ),
  );
  await page.goto("/");
  expect(await serverUser(page)).toEqual({ is_logged_in: false });
});
