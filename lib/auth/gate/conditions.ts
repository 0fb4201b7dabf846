import { createUser } from "../user/user.js";
import type { Allow } from "./protect.js";

/**
 * Whether a logged-in identity passes every `allow` condition of the rules that match a path. It fails closed: claims
 * the edge cannot read (a compressed, large identity) and a condition that throws both refuse, with a log line that
 * says why, never a 500.
 */
export function passesConditions<Claims extends object>(
  conditions: readonly Allow<Claims>[],
  claims: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (conditions.length === 0) return true;
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
  "[auth] a logged-in user was refused (403) by a protect rule's allow condition because the identity cookie is " +
  "stored compressed (its claims are over about 3 KB) and the gate cannot inflate it. Store fewer claims (ask the " +
  "provider for fewer groups), or check the condition in the page with requireUser({ allow }) instead of the gate.";

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
}
