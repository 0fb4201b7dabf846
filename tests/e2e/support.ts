import { expect, type BrowserContext, type Page } from "@playwright/test";
import { IDP_ORIGIN } from "./env";

/** On the local provider's sign-in page: any user name signs in; extra ID token claims are optional. */
export async function signInAtProvider(
  page: Page,
  userName: string,
  extraClaims?: Record<string, unknown>,
  idpOrigin = IDP_ORIGIN,
) {
  await page.waitForURL((url) => url.origin === idpOrigin);
  await page.getByLabel("User name").fill(userName);
  if (extraClaims) await page.getByLabel(/Extra ID token claims/).fill(JSON.stringify(extraClaims));
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function serverUser(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse((await page.getByTestId("server-user").textContent()) ?? "null") as Record<string, unknown>;
}

export async function clientUser(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse((await page.getByTestId("client-user").textContent()) ?? "null") as Record<string, unknown>;
}

/** Log in from the home page with the default provider (or `Log in with <provider>`) and wait to be back. */
export async function logIn(
  page: Page,
  userName: string,
  options: { provider?: string; claims?: Record<string, unknown> } = {},
) {
  await page.goto("/");
  const label = options.provider ? `Log in with ${options.provider}` : "Log in";
  await page.getByRole("button", { name: label, exact: true }).click();
  await signInAtProvider(page, userName, options.claims);
  await page.waitForURL("/");
  await expect(page.getByTestId("server-user")).toContainText('"is_logged_in": true');
}

export async function identityCookies(context: BrowserContext) {
  return (await context.cookies()).filter((c) => /(^|-)auth_user(\.\d+)?$/.test(c.name));
}

export async function transactionCookies(context: BrowserContext) {
  return (await context.cookies()).filter((c) => c.name.includes("auth_txn."));
}
