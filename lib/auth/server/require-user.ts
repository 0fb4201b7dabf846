import "server-only";
import { headers } from "next/headers.js";
import { redirect } from "next/dist/client/components/redirect.js";
import { withBasePath } from "../config/base-path.js";
import { loadConfig } from "../config/load.js";
import type { AuthConfig } from "../config/types.js";
import { refererPath, safeReturnTo } from "../routes/return-to.js";
import type { StandardClaims, User } from "../user/user.js";
import { AuthorizationError, AuthorizationErrorCode } from "./authorization-error.js";
import { callContext, renderedPath, type CallContext } from "./call-context.js";
import { configOrThrow } from "./config-or-throw.js";
import { getUser } from "./get-user.js";
import { interruptIfEnabled, routeHandlerInterrupt } from "./interrupts.js";
import { loginPath } from "../routes/login-url.js";
import { loginRequestFromOptions } from "../protocol/login-options.js";

/** The conditions of {@link requireUser}. `Claims` types the claims `allow` reads. */
export interface RequireUserOptions<Claims extends object = StandardClaims> {
  /** Who may pass once logged in (groups, roles, email domain...). A logged-in user it refuses gets 403. */
  allow?: (user: User<Claims>) => boolean;
  /**
   * The most seconds since the user last logged in at the provider (`auth_time`). An older login, or one without
   * `auth_time`, must log in again: a page sends the user to `/auth/login?max_age=N`, which asks the provider for it.
   */
  maxAge?: number;
  /** The provider to log in with (`[auth.<name>]`); by default the default provider, or for a step-up the user's own. */
  provider?: string;
  /** Where to come back after logging in; by default the page being rendered (in an action: the calling page). */
  returnTo?: string;
}

/** A user `requireUser()` let through: logged in, with the app's claims. */
export type LoggedInUser<Claims extends object = StandardClaims> = User<Claims> & { readonly is_logged_in: true };

/**
 * The logged-in user, or an answer that fits where it is called:
 *
 * | | page, layout | server action | route handler |
 * |---|---|---|---|
 * | not logged in | redirect to log in and back | 401 | 401 |
 * | login older than `maxAge` | redirect to log in again (`max_age`) | 401 | 401 |
 * | logged in, `allow` refuses | 403 | 403 | 403 |
 *
 * The 401 and 403 of pages and actions are Next's `unauthorized()` / `forbidden()` (the app's `unauthorized.tsx` /
 * `forbidden.tsx`), which need `experimental: { authInterrupts: true }` in next.config. Without it an action sends an
 * anonymous user to log in instead, and a refused user gets an {@link AuthorizationError} (code `FORBIDDEN`) for
 * `error.tsx`. Route handlers answer a bare 401 / 403 either way.
 */
export async function requireUser<Claims extends object = StandardClaims>(
  options: RequireUserOptions<Claims> = {},
): Promise<LoggedInUser<Claims>> {
  checkMaxAge(options.maxAge);
  // The user first: reading the cookies makes the page dynamic, so `next build` never renders it with the build
  // machine's config (or none) and never fails on a missing one.
  const user = await getUser<Claims>();
  const config = configOrThrow(loadConfig());
  const context = callContext();
  if (user.is_logged_in !== true)
    return await toLogin(context, config, { provider: options.provider, returnTo: options.returnTo });
  const provider = options.provider ?? (typeof user.provider === "string" ? user.provider : undefined);
  if (options.maxAge !== undefined && !loggedInWithin(user, options.maxAge))
    return await toLogin(context, config, { provider, returnTo: options.returnTo, maxAge: options.maxAge });
  if (options.allow !== undefined && options.allow(user) !== true) return refuse(context);
  return user as LoggedInUser<Claims>;
}

/** Checked as `login({ maxAge })` checks it: `AuthFlowError` `INVALID_LOGIN_OPTION` for anything but whole seconds. */
function checkMaxAge(maxAge: number | undefined): void {
  if (maxAge !== undefined) loginRequestFromOptions({ maxAge }, "requireUser()");
}

/** `auth_time` (seconds since the epoch) at most `maxAge` seconds ago; a login without it counts as too old. */
function loggedInWithin(user: User<object>, maxAge: number): boolean {
  const authTime = user["auth_time"];
  if (typeof authTime !== "number" || !Number.isFinite(authTime)) return false;
  return Math.floor(Date.now() / 1000) - authTime <= maxAge;
}

async function toLogin(
  context: CallContext,
  config: AuthConfig,
  {
    provider,
    returnTo: requested,
    maxAge,
  }: { provider?: string | undefined; returnTo?: string | undefined; maxAge?: number | undefined },
): Promise<never> {
  if (context === "route") throw routeHandlerInterrupt(401);
  if (context === "action") interruptIfEnabled(401);
  const current = context === "page" ? renderedPath() : refererPath((await headers()).get("referer"), config.origin);
  const returnTo = safeReturnTo(requested ?? current, config.origin);
  // A full URL inside the basePath: Next adds the basePath to a bare path for some callers only (not a form posted
  // without JavaScript to an action).
  redirect(
    new URL(withBasePath(loginPath(provider, maxAge === undefined ? {} : { maxAge }, returnTo)), config.origin).href,
  );
}

function refuse(context: CallContext): never {
  if (context === "route") throw routeHandlerInterrupt(403);
  interruptIfEnabled(403);
  throw new AuthorizationError(
    AuthorizationErrorCode.FORBIDDEN,
    "You are logged in, but your account is not allowed to see this. (For a 403 with the app's forbidden.tsx, set " +
      "experimental.authInterrupts in next.config.)",
  );
}
