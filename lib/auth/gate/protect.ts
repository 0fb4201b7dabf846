import { pathToRegexp } from "next/dist/compiled/path-to-regexp/index.js";
import { AuthError } from "../errors/auth-error.js";

/**
 * Which paths the gate protects: the path entries of the middleware's own `config.matcher` (one edit protects a
 * path), optionally narrowed by `protect` rules. Entries with `has` / `missing` conditions route requests to the gate
 * (the login callback) without protecting them.
 */

/** `"/admin"` protects `/admin` and everything below it; a RegExp or a function tests the whole path. */
export type PathMatcher = ReadonlyArray<string | RegExp> | ((pathname: string) => boolean);

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
export function compileMatcher(matcher: PathMatcher): (pathname: string) => boolean {
  if (typeof matcher === "function") return matcher;
  const tests = matcher.map((m): ((path: string) => boolean) => {
    if (typeof m !== "string") {
      // Without g/y a RegExp keeps no lastIndex between calls, so the same path always gives the same answer.
      const pattern = new RegExp(m.source, m.flags.replace(/[gy]/g, ""));
      return (path) => pattern.test(path);
    }
    const base = m.length > 1 ? m.replace(/\/+$/, "") : m;
    return base === "/" ? () => true : (path) => path === base || path.startsWith(`${base}/`);
  });
  return (path) => tests.some((test) => test(path));
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
 * The protection rule of a gate: `protect` when given (every string prefix in it must be covered by the matcher's
 * path entries, or this throws), else the matcher's path entries themselves.
 */
export function protectionRule(
  protect: PathMatcher | undefined,
  matcher: GateMatcher | undefined,
): (path: string) => boolean {
  if (matcher === undefined) return compileMatcher(protect ?? []);
  const pathTests = matcherPathTests(matcher);
  const routed = (path: string) => pathTests.some((test) => test(path));
  if (protect === undefined) return routed;
  if (typeof protect !== "function") {
    for (const rule of protect) {
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
