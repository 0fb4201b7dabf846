import { cookieNames, LOGOUT_MAX_AGE } from "./names.js";
import { seal, unseal } from "./seal.js";
import { deletion, type CookieJar, type CookieWrite } from "./serialize.js";

/**
 * The logout in progress at the provider (RP-Initiated Logout 1.0): the `state` sent with it and the page the user
 * logged out from. Sealed and bound to this browser, so a return to the callback path with that `state` can be told
 * apart from anything else, and a `state` made up by someone else leads nowhere but `/`.
 */

interface Options {
  secrets: readonly string[];
  secure: boolean;
}

export async function logoutCookie(
  state: string,
  returnTo: string,
  { secrets, secure }: Options,
): Promise<CookieWrite> {
  const value = await seal({ v: 1, kind: "logout", state, returnTo }, secrets, LOGOUT_MAX_AGE);
  return { name: cookieNames(secure).logout, value, secure, maxAge: LOGOUT_MAX_AGE };
}

/** The page to return to when `state` is the one this browser's logout was sent with, else undefined. */
export async function logoutReturnTo(
  state: string | null,
  jar: CookieJar,
  { secrets, secure }: Options,
): Promise<string | undefined> {
  const value = jar.get(cookieNames(secure).logout);
  if (!state || value === undefined) return undefined;
  const data = (await unseal(value, secrets))?.data;
  if (!data || data["v"] !== 1 || data["kind"] !== "logout" || typeof data["returnTo"] !== "string") return undefined;
  return data["state"] === state ? data["returnTo"] : undefined;
}

export function logoutDeletion(jar: CookieJar, secure: boolean): CookieWrite[] {
  const name = cookieNames(secure).logout;
  return jar.has(name) ? [deletion(name, secure)] : [];
}
