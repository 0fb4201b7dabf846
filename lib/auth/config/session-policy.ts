import { AuthConfigError } from "./errors.js";
import type { SessionPolicy } from "./types.js";
import { describe, type Table, type Where } from "./values.js";

/**
 * `session_lifetime` and `session_idle_timeout` in `[auth]`: how long a login lasts at most, and how long it may go
 * unused. Each is a whole number of seconds or a string such as `"30d"`, `"12h"`, `"15m"`, `"90s"` (units may be
 * combined: `"1h30m"`).
 */

/** 30 days, as Streamlit. */
export const DEFAULT_SESSION_LIFETIME = 30 * 24 * 60 * 60;
export const MIN_SESSION_SECONDS = 60;
/** Browsers cap a cookie's lifetime at 400 days (RFC 6265bis). */
export const MAX_SESSION_SECONDS = 400 * 24 * 60 * 60;

const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };
const DURATION = /^(?:\d+[dhms])+$/;

export function readSessionPolicy(auth: Table, where: Where, errors: AuthConfigError[]): SessionPolicy {
  const lifetime = readDuration(auth, "session_lifetime", where, errors) ?? DEFAULT_SESSION_LIFETIME;
  const idleTimeout = readDuration(auth, "session_idle_timeout", where, errors);
  if (idleTimeout !== undefined && idleTimeout > lifetime) {
    errors.push(
      new AuthConfigError(
        "INVALID_VALUE",
        `"session_idle_timeout" (${idleTimeout} s) is longer than the session lifetime (${lifetime} s), so it would never apply`,
        {
          ...where,
          key: "session_idle_timeout",
          fix: "Make session_idle_timeout shorter than session_lifetime (default 30 days), or remove it.",
        },
      ),
    );
    return { lifetime };
  }
  return idleTimeout === undefined ? { lifetime } : { lifetime, idleTimeout };
}

function readDuration(auth: Table, key: string, where: Where, errors: AuthConfigError[]): number | undefined {
  const value = auth[key];
  if (value === undefined) return undefined;
  const example = key === "session_lifetime" ? '"7d"' : '"30m"';
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") {
    errors.push(
      new AuthConfigError(
        "WRONG_TYPE",
        `"${key}" must be a number of seconds or a duration string, not ${describe(value)}`,
        {
          ...where,
          key,
          fix: `Write ${key} = ${example} (units d, h, m, s) or a whole number of seconds.`,
        },
      ),
    );
    return undefined;
  }
  const seconds = typeof value === "string" ? parseDuration(value) : Number(value);
  const valid = seconds !== undefined && Number.isSafeInteger(seconds);
  if (!valid || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
    errors.push(
      new AuthConfigError(
        "INVALID_VALUE",
        valid
          ? `"${key}" must be between ${MIN_SESSION_SECONDS} seconds and 400 days (got ${describe(value)})`
          : `"${key}" is not a duration (got ${describe(value)})`,
        {
          ...where,
          key,
          fix: `Write ${key} = ${example}: a whole number followed by d, h, m or s (combined as in "1h30m"), at least 60 seconds and at most 400 days.`,
        },
      ),
    );
    return undefined;
  }
  return seconds;
}

/** `"1h30m"` -> 5400; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  if (!DURATION.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)([dhms])/g)) total += Number(amount) * UNIT_SECONDS[unit!]!;
  return total;
}
