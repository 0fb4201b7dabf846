import "server-only";
import { cache } from "react";
import { loadConfig } from "../config/load.js";
import type { StandardClaims, User } from "../user/user.js";
import { requestJar } from "./request-cookies.js";
import { userFromCookies } from "../user/from-cookies.js";

/**
 * The user of the current request, for server components, route handlers and server actions. It unseals the
 * identity cookie itself: it does not trust anything the middleware could have been bypassed for.
 *
 * - no auth config: `{}` (no `is_logged_in`, as Streamlit)
 * - configured, not logged in (or the cookie is invalid, expired, tampered): `{ is_logged_in: false }`
 * - logged in: `{ is_logged_in: true, ...ID token claims, provider }`
 */
export async function getUser<Claims extends object = StandardClaims>(): Promise<User<Claims>> {
  return (await currentUser()) as User<Claims>;
}

const currentUser = cache(async (): Promise<User> => {
  // Read the cookies first: it makes every page that shows the user dynamic, so nothing is prerendered at build
  // time with the build machine's config (or none).
  const jar = await requestJar();
  return userFromCookies(jar, loadConfig());
});
