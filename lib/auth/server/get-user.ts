import { cache } from "react";
import { loadConfig } from "../config/load";
import type { TokenKind } from "../config/types";
import { readIdentity } from "../cookie/identity";
import { createUser, type StandardClaims, type User } from "../user/user";
import { requestJar } from "./request-cookies";

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
  const state = loadConfig();
  if (state.status === "absent") return createUser({});
  if (state.status !== "ok") return createUser({ is_logged_in: false });
  const { config } = state;
  const identity = await readIdentity(jar, { secrets: config.cookieSecrets, secure: config.secure });
  if (!identity) return createUser({ is_logged_in: false });
  // Only the kinds expose_tokens names now: removing one hides it even in cookies written before.
  const tokens = Object.fromEntries(
    Object.entries(identity.tokens).filter(([kind]) => config.exposeTokens.includes(kind as TokenKind)),
  );
  return createUser({ is_logged_in: true, ...withoutKey(identity.claims, "is_logged_in") }, tokens);
});

function withoutKey(claims: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = claims;
  return rest;
}
