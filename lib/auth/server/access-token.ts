import "server-only";
import { loadConfig } from "../config/load.js";
import { configOrThrow } from "./config-or-throw.js";
import { requestJar, tryWriteCookies } from "./request-cookies.js";
import { accessTokenFromCookies, type AccessTokenOptions } from "./session-tokens.js";

export type { AccessTokenOptions } from "./session-tokens.js";

/**
 * An access token of the logged-in user for calling APIs, in server components, route handlers and server actions.
 * It is valid for at least the margin (30 s, or half the token's lifetime when shorter; `minValidity` to choose): the
 * stored one, or a new one from the provider through the `refresh_token` grant.
 *
 * `provider`: the provider whose token is wanted; an error if the user logged in with another. Errors are
 * `AccessTokenError` (code, message) and, for a configuration problem, `AuthConfigError`. A refreshed token is written
 * to the cookies where Next allows it; in a server component it is still returned, and remembered by this process for
 * the next route handler, server action or gate that can write it (docs/api.md#getaccesstoken).
 */
export async function getAccessToken(provider?: string, options: AccessTokenOptions = {}): Promise<string> {
  const config = configOrThrow(loadConfig());
  const result = await accessTokenFromCookies(await requestJar(), config, { ...options, provider });
  await tryWriteCookies(result.writes);
  return result.accessToken;
}
