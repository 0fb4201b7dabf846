import { pathToRegexp } from "next/dist/compiled/path-to-regexp/index.js";
import { AuthError } from "../errors/auth-error.js";
import type { StandardClaims, User } from "../user/user.js";

/**
 * Which paths the gate protects: the path entries of the middleware's own `config.matcher` (one edit protects a
 * path), optionally narrowed by `protect` rules. Entries with `has` / `missing` conditions route requests to the gate
 * (the login callback) without protecting them.
 */

/**
 * A condition on the logged-in user's claims (groups, roles, email domain...), as in `requireUser({ allow })`. It must
 * return `true` for the user to pass; it sees the same read-only user object as `getUser()`.
 */
export type Allow<Claims extends object = StandardClaims> = (user: User<Claims>) => boolean;

/** A `protect` rule with a condition: `{ path: "/admin", allow: (user) => user.groups?.includes("admins") }`. */
export interface ProtectRule<Claims extends object = StandardClaims> {
  /** As a plain entry of `protect`: `"/admin"` is `/admin` and everything below it; a RegExp tests the whole path. */
  readonly path: string | RegExp;
  /** Who may pass once logged in; a logged-in user it refuses gets 403. Without it, any logged-in user passes. */
  readonly allow?: Allow<Claims>;
}

/**
 * `"/admin"` protects `/admin` and everything below it; a RegExp or a function tests the whole path; a
 * {@link ProtectRule} adds a condition on the user's claims.
 */
export type PathMatcher<Claims extends object = StandardClaims> =
  ReadonlyArray<string | RegExp | ProtectRule<Claims>> | ((pathname: string) => boolean);

/** A `has` / `missing` condition of a matcher entry (as Next's `RouteHas`, with `type` as written in a plain object). */
export interface MatcherCondition {
  readonly type: string;
  readonly key: string;
  readonly value?: string;
}

/** The `matcher` of `export const config` in middleware.ts / proxy.ts, as Next accepts it. */
export type GateMatcher =
  | string
  | ReadonlyArray<
      | string
      | {
          readonly source: string;
          readonly locale?: false;
          readonly has?: readonly MatcherCondition[];
          readonly missing?: readonly MatcherCondition[];
        }
    >;

/** The code of {@link GateConfigError}. */
export const GateConfigErrorCode = { MATCHER_MISSES_PROTECTED_PATH: "MATCHER_MISSES_PROTECTED_PATH" } as const;

/**
 * Thrown by `authMiddleware()` when the server starts: a path given to `protect` that the middleware's
 * `config.matcher` does not send to it, so it would be served to anyone.
 */
export class GateConfigError extends AuthError<typeof GateConfigErrorCode.MATCHER_MISSES_PROTECTED_PATH> {
  override readonly name = "GateConfigError";
  constructor(message: string) {
    super(GateConfigErrorCode.MATCHER_MISSES_PROTECTED_PATH, message);
  }
}

/** A path test from `protect` rules: `"/admin"` matches `/admin` and everything below it. */
export function compileMatcher<Claims extends object>(matcher: PathMatcher<Claims>): (pathname: string) => boolean {
  if (typeof matcher === "function") return matcher;
  const tests = matcher.map(compileRulePath);
  return (path) => tests.some((test) => test(path));
}

function rulePath<Claims extends object>(rule: string | RegExp | ProtectRule<Claims>): string | RegExp {
  return typeof rule === "string" || rule instanceof RegExp ? rule : rule.path;
}

function compileRulePath<Claims extends object>(
  rule: string | RegExp | ProtectRule<Claims>,
): (path: string) => boolean {
  const m = rulePath(rule);
  if (typeof m !== "string") {
    // Without g/y a RegExp keeps no lastIndex between calls, so the same path always gives the same answer.
    const pattern = new RegExp(m.source, m.flags.replace(/[gy]/g, ""));
    return (path) => pattern.test(path);
  }
  const base = m.length > 1 ? m.replace(/\/+$/, "") : m;
  return base === "/" ? () => true : (path) => path === base || path.startsWith(`${base}/`);
}

/** What the gate asks of a request path. */
export interface Protection<Claims extends object = StandardClaims> {
  /** Whether the path needs a logged-in user. */
  readonly requiresLogin: (path: string) => boolean;
  /** The `allow` conditions of every rule that matches the path: the user must pass all of them. */
  readonly conditionsFor: (path: string) => readonly Allow<Claims>[];
  /** Every `allow` condition of every rule (for a path that cannot be read one way: it must pass them all). */
  readonly allConditions: readonly Allow<Claims>[];
}

function conditionsOf<Claims extends object>(
  protect: PathMatcher<Claims> | undefined,
): Pick<Protection<Claims>, "conditionsFor" | "allConditions"> {
  const rules: Array<{ test: (path: string) => boolean; allow: Allow<Claims> }> = [];
  if (protect !== undefined && typeof protect !== "function") {
    for (const rule of protect) {
      if (typeof rule === "string" || rule instanceof RegExp || rule.allow === undefined) continue;
      rules.push({ test: compileRulePath(rule), allow: rule.allow });
    }
  }
  return {
    conditionsFor: (path) => rules.filter((rule) => rule.test(path)).map((rule) => rule.allow),
    allConditions: rules.map((rule) => rule.allow),
  };
}

/** The matcher's entries without `has` / `missing`, compiled as Next compiles them (case-sensitive, like Next's). */
export function matcherPathTests(matcher: GateMatcher): Array<(path: string) => boolean> {
  const entries = typeof matcher === "string" ? [matcher] : matcher;
  const tests: Array<(path: string) => boolean> = [];
  for (const entry of entries) {
    if (typeof entry !== "string" && (entry.has?.length || entry.missing?.length)) continue;
    const pattern = new RegExp(pathToRegexp(typeof entry === "string" ? entry : entry.source).source);
    tests.push((path) => pattern.test(path));
  }
  return tests;
}

/** Sample paths under a prefix that a matcher must all send to the gate for the prefix to be protected. */
function samplesUnder(prefix: string): string[] {
  const base = prefix.length > 1 ? prefix.replace(/\/+$/, "") : "";
  return [base || "/", `${base}/`, `${base}/x`, `${base}/x/y`, `${base}/report.txt`, `${base}/x/avatar.png`];
}

/**
 * The protection of a gate: `protect` when given (every string prefix in it, plain or a rule's `path`, must be
 * covered by the matcher's path entries, or this throws), else the matcher's path entries themselves; plus the `allow`
 * conditions of its rules.
 */
export function protection<Claims extends object>(
  protect: PathMatcher<Claims> | undefined,
  matcher: GateMatcher | undefined,
): Protection<Claims> {
  return { requiresLogin: protectionRule(protect, matcher), ...conditionsOf(protect) };
}

/**
 * The protection rule of a gate: `protect` when given (every string prefix in it must be covered by the matcher's
 * path entries, or this throws), else the matcher's path entries themselves.
 */
export function protectionRule<Claims extends object>(
  protect: PathMatcher<Claims> | undefined,
  matcher: GateMatcher | undefined,
): (path: string) => boolean {
  if (matcher === undefined) return compileMatcher(protect ?? []);
  const pathTests = matcherPathTests(matcher);
  const routed = (path: string) => pathTests.some((test) => test(path));
  if (protect === undefined) return routed;
  if (typeof protect !== "function") {
    for (const entry of protect) {
      const rule = rulePath(entry);
      if (typeof rule !== "string") continue;
      const missed = samplesUnder(rule).find((path) => !routed(path));
      if (missed !== undefined) {
        const base = rule.length > 1 ? rule.replace(/\/+$/, "") : "";
        throw new GateConfigError(
          `authMiddleware: "${rule}" is protected, but the middleware's config.matcher does not send ${missed} to it, ` +
            `so that path would be served to anyone. Add "${base}/:path*" to config.matcher in middleware.ts ` +
            `(or proxy.ts), or protect the path by listing it in the matcher alone.`,
        );
      }
    }
  }
  return compileMatcher(protect);
}
