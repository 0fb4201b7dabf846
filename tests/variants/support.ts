import type { Page } from "@playwright/test";
import { IDP_ORIGIN } from "./variant";

/**
 * An element of the page on screen. Under Cache Components, Next keeps the pages navigated away from in the document,
 * hidden (React's <Activity>), so a test id can match twice.
 */
export const shown = (page: Page, testId: string) => page.getByTestId(testId).filter({ visible: true });

/** On the local provider's sign-in page: any user name signs in. */
export async function signIn(page: Page, userName: string) {
  await page.waitForURL((url) => url.origin === IDP_ORIGIN);
  await page.getByLabel("User name").fill(userName);
  await page.getByRole("button", { name: "Sign in" }).click();
}
