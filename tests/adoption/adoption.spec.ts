import { expect, test, type Page } from "@playwright/test";
import { ADOPTION_APP_ORIGIN, ADOPTION_IDP_ORIGIN } from "./env.mjs";

/** The local provider's sign-in page: any user name signs in. */
async function signIn(page: Page, userName: string) {
  await page.waitForURL((url) => url.origin === ADOPTION_IDP_ORIGIN);
  await page.getByLabel("User name").fill(userName);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a blank Next.js app that installed the packed package and ran init logs in and out through the local provider", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByTestId("greeting")).toHaveText("Guest");
  await page.getByRole("button", { name: "Log in" }).click();
  await signIn(page, "grace.hopper");

  await page.waitForURL(`${ADOPTION_APP_ORIGIN}/`);
  await expect(page.getByTestId("hello")).toHaveText("Hello, Grace Hopper!");
  // useUser() in a client component, seeded by the <AuthProvider> the layout now has.
  await expect(page.getByTestId("greeting")).toHaveText("Signed in as grace.hopper@example.test");

  // A static page (prerendered, the same HTML for everyone) shows the user too: useUser() asks /auth/user once.
  const userRequests: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/auth/user") userRequests.push(request.url());
  });
  await page.goto("/about");
  await expect(page.getByTestId("greeting")).toHaveText("Signed in as grace.hopper@example.test");
  expect(userRequests).toHaveLength(1);

  // The path given to init's --protect is reachable once logged in.
  await page.goto("/private");
  await expect(page.getByTestId("private")).toHaveText("Private page for grace.hopper");

  await page.goto("/");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
  await expect(page.getByTestId("greeting")).toHaveText("Guest");
  expect(page.url()).toBe(`${ADOPTION_APP_ORIGIN}/`);

  // Logged out, the protected path sends the visitor to log in, and back to it afterwards.
  await page.goto("/private");
  await signIn(page, "alan.turing");
  await page.waitForURL(`${ADOPTION_APP_ORIGIN}/private`);
  await expect(page.getByTestId("private")).toHaveText("Private page for alan.turing");
});
