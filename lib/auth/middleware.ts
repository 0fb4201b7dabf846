import { NextResponse, type NextRequest } from "next/server.js";
import { CALLBACK_ROUTE, isAuthRoute } from "./config/base-path.js";
import { edgeConfigState } from "./config/edge.js";
import { parseCookieHeader } from "./cookie/serialize.js";
import { passesConditions } from "./gate/conditions.js";
import { checkIdentity, NO_IDENTITY } from "./gate/identity.js";
import { pathReadings } from "./gate/path-readings.js";
import { protection, type Allow, type GateMatcher, type PathMatcher, type Protection } from "./gate/protect.js";
import { passThrough, refuseAnonymous, refuseForbidden } from "./gate/responses.js";
import { ARRIVAL_PARAM, signArrival } from "./routes/arrival.js";
import { sameCallbackPath } from "./routes/request.js";
import type { StandardClaims } from "./user/user.js";

export {
  compileMatcher,
  GateConfigError,
  GateConfigErrorCode,
  type Allow,
  type GateMatcher,
  type MatcherCondition,
  type PathMatcher,
  type ProtectRule,
} from "./gate/protect.js";
export { AuthError } from "./errors/auth-error.js";

/** What {@link authMiddleware} protects. `Claims` types the claims that `allow` conditions read. */
export interface AuthMiddlewareOptions<Claims extends object = StandardClaims> {
  /**
   * `config.matcher` of the same file. Its entries without `has` / `missing` are the protected paths, so protecting
   * a path is one edit; entries with conditions (the callback's `has: [{ type: "query", key: "state" }]`) only route.
   */
  matcher?: GateMatcher;
  /**
   * Narrower rules within the matcher: `"/admin"` protects `/admin` and everything below it; RegExps and functions test
   * the decoded path. With `matcher` also given, a string prefix the matcher does not cover is an error at start-up.
   * A rule `{ path, allow }` also needs a logged-in user for whom `allow(user)` is true (else 403); where several
   * rules with `allow` match a path, the user must pass every one of them.
   */
  protect?: PathMatcher<Claims>;
}

/**
 * The request gate, on Web APIs only: it runs as edge `middleware.ts` and, unchanged, as Next 16's Node `proxy.ts`.
 *
 * - routes the callback path of `redirect_uri` (any path, chosen at run time) to the callback route handler;
 * - sends anonymous visitors of protected paths to `/auth/login?returnTo=...` (GET, HEAD) or answers 401, and answers
 *   403 to a logged-in user whom a rule's `allow` condition refuses;
 * - re-seals an identity cookie sealed with an older `cookie_secret` with the newest one (rotation).
 *
 * Only what the middleware's `config.matcher` sends reaches it: the protected paths and requests that carry an
 * authorization response. A protected path is judged in every form the router may read it (percent-decoded,
 * normalised, as an RSC request), so no encoding, suffix or header lets an anonymous request through; `getUser()`
 * still checks the cookie again wherever data is served.
 */
export function authMiddleware<Claims extends object = StandardClaims>(
  options: AuthMiddlewareOptions<Claims> = {},
): (request: NextRequest) => Promise<NextResponse> {
  const rules = protection(options.protect, options.matcher);
  let warned = options.matcher !== undefined;
  return async function middleware(request) {
    if (!warned) {
      warned = true;
      console.warn(UNCHECKED_MATCHER);
    }
    const state = edgeConfigState();
    const url = request.nextUrl;
    const fullPath = url.basePath + url.pathname;

    if (state.status === "ok" && isCallback(request, fullPath, state.config.callbackPaths)) {
      const target = url.clone();
      target.pathname = CALLBACK_ROUTE;
      const responseState = url.searchParams.get("state") ?? "";
      target.searchParams.set(
        ARRIVAL_PARAM,
        await signArrival(fullPath, responseState, state.config.cookieSecrets[0]!),
      );
      return NextResponse.rewrite(target);
    }
    const { readings, ambiguous } = pathReadings(url.pathname);
    // The auth routes are never gated and manage the cookies themselves (a re-seal must never undo a logout's
    // deletions); only a path that is an auth route in every reading counts as one.
    if (!ambiguous && readings.every((path) => isAuthRoute(path))) return NextResponse.next();
    const gated = ambiguous || readings.some(rules.requiresLogin);
    const reseal = state.status === "ok" && state.config.cookieSecrets.length > 1;
    if (!gated && !reseal) return NextResponse.next();
    const identity =
      state.status === "ok"
        ? await checkIdentity(parseCookieHeader(request.headers.get("cookie")), state.config, { gated, reseal })
        : NO_IDENTITY;
    if (!gated) return passThrough(identity.rewrite);
    if (!identity.valid) return refuseAnonymous(request);
    if (!passesConditions(conditionsFor(rules, readings, ambiguous), identity.readClaims))
      return refuseForbidden(request);
    return passThrough(identity.rewrite);
  };
}

/** The conditions of every rule matching any reading of the path; all of them for a path with no single reading. */
function conditionsFor<Claims extends object>(
  rules: Protection<Claims>,
  readings: readonly string[],
  ambiguous: boolean,
): readonly Allow<Claims>[] {
  if (ambiguous) return rules.allConditions;
  return [...new Set(readings.flatMap((path) => rules.conditionsFor(path)))];
}

const UNCHECKED_MATCHER =
  "[auth] authMiddleware({ protect }) was given no matcher, so nothing checks that config.matcher sends every " +
  "protected path to it: a matcher that skips file suffixes (.txt, .png, ...) leaves such paths under a protected " +
  "prefix ungated. List the protected paths in config.matcher and call authMiddleware({ matcher: config.matcher }) " +
  "(see docs/api.md#authmiddleware).";

/**
 * A request for a configured callback path. A callback at the app's root (`redirect_uri = "https://app/"`) is the
 * callback only when it carries an authorization response; a bare visit there is the home page.
 */
function isCallback(request: NextRequest, fullPath: string, callbackPaths: readonly string[]): boolean {
  const url = request.nextUrl;
  if (sameCallbackPath(fullPath, url.basePath + CALLBACK_ROUTE)) return false;
  if (!callbackPaths.some((path) => sameCallbackPath(path, fullPath))) return false;
  if (url.pathname !== "/") return true;
  const params = url.searchParams;
  return params.has("state") || params.has("code") || params.has("error");
}
