import type { StoredTokens } from "./tokens.js";

/**
 * Tokens refreshed by this process, by the tokens cookie they replace: `old cookie value -> newer sealed value`.
 *
 * A refresh in a server component cannot write its cookie, and a second request may arrive with the old cookie before
 * the browser has the new one (two tabs). Sending the old refresh token again would be refused by a provider that
 * rotates refresh tokens (and may revoke the whole grant). So each refresh is remembered here, and anything in this
 * process that meets an old cookie uses (and, where it can write cookies, persists) the newest successor instead: a
 * route handler, a server action, and the gate.
 *
 * Kept under a registered symbol on the process's `performance` object, as the config handoff is (see
 * config/handoff.ts): Next bundles the same module into several route bundles of one process, and runs the edge
 * middleware in a sandbox of the same process whose global `performance` is the server's own, so the gate under
 * `next start` sees these too (and `proxy.ts` does anyway). A gate deployed apart from the server (an edge network)
 * sees none. Bounded: at most {@link MAX_SUCCESSORS} entries, each until its session's absolute end, oldest dropped
 * first.
 */

export interface Successor {
  /** The newer sealed tokens cookie value. */
  readonly value: string;
  readonly tokens: StoredTokens;
  /** ms since the epoch: no use after this (the session's absolute end). */
  readonly expiresAt: number;
}

export const MAX_SUCCESSORS = 5_000;
/** Links followed at most when walking from an old value to the newest (a bound, not an expected length). */
const MAX_CHAIN = 32;

const KEY = Symbol.for("streamlit-auth-nextjs.token-successors");
type Store = Map<string, Successor>;

let local: Store | undefined;

function store(): Store {
  const carrier: unknown = globalThis.performance;
  if (typeof carrier !== "object" || carrier === null) return (local ??= new Map());
  const shared = carrier as Record<symbol, Store | undefined>;
  let found = shared[KEY];
  if (found === undefined) {
    found = new Map();
    Object.defineProperty(carrier, KEY, { value: found, configurable: true, enumerable: false, writable: false });
  }
  return found;
}

export function recordSuccessor(oldValue: string, successor: Successor): void {
  const successors = store();
  successors.delete(oldValue);
  successors.set(oldValue, successor);
  while (successors.size > MAX_SUCCESSORS) successors.delete(successors.keys().next().value!);
}

/** The newest successor of `value` known to this process, or undefined (also when none are known at all: cheap). */
export function newestSuccessor(value: string, now = Date.now()): Successor | undefined {
  const successors = store();
  if (successors.size === 0) return undefined;
  let newest: Successor | undefined;
  let current = value;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const next = successors.get(current);
    if (next === undefined) break;
    if (!(now < next.expiresAt)) {
      successors.delete(current);
      break;
    }
    newest = next;
    current = next.value;
  }
  return newest;
}

/** Forgets every successor (tests and benchmarks). */
export function clearSuccessors(): void {
  store().clear();
}
