import { createUser } from "../user/user.js";
import type { Allow } from "./protect.js";

/**
 * Whether a logged-in identity passes every `allow` condition of the rules that match a path. The claims are only
 * read (a large identity inflated) when a condition applies. It fails closed: claims it cannot read and a condition
 * that throws both refuse, with a log line that says why, never a 500.
 */
export function passesConditions<Claims extends object>(
  conditions: readonly Allow<Claims>[],
  readClaims: () => Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (conditions.length === 0) return true;
  const claims = readClaims();
  if (claims === undefined) {
    warnOnce(UNREADABLE_CLAIMS);
    return false;
  }
  const user = createUser<Claims>({ is_logged_in: true, ...claims });
  for (const allow of conditions) {
    try {
      if (allow(user) !== true) return false;
    } catch (error) {
      console.error(
        `[auth] an allow condition of authMiddleware({ protect }) threw, so the request was refused:`,
        error,
      );
      return false;
    }
  }
  return true;
}

const UNREADABLE_CLAIMS =
  "[auth] a logged-in user was refused (403) by a protect rule's allow condition because the claims in the identity " +
  "cookie could not be read: its compressed record is not valid deflate data, inflates past 16 KiB or is not JSON " +
  "claims. This library never writes such a cookie: something else sealed it with the app's cookie_secret. Logging " +
  "out and in again replaces it.";

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
}
