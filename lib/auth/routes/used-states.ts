/**
 * The `state` of every transaction this server instance has begun to complete, kept until that transaction's cookie
 * would expire anyway (10 minutes after the login started). A transaction cookie sent again, by a reload or by
 * someone replaying it with made-up codes, is refused without a request to the provider's token endpoint, so replays
 * cannot spend the app's client credentials at the provider.
 *
 * Per instance, in memory: replicas do not share it (each may still redeem a replayed transaction once), and a restart
 * forgets it. Bounded at {@link MAX_USED_STATES}; past that the oldest entries are dropped first, which only someone
 * who completes that many logins of their own can cause.
 */

export const MAX_USED_STATES = 10_000;

/** state → the last moment (ms since the epoch) its transaction cookie is accepted. */
const used = new Map<string, number>();

/**
 * Records `state` as used and returns true, or returns false when it was used before (and its transaction could still
 * be accepted).
 */
export function claimState(state: string, acceptedUntil: number, now = Date.now()): boolean {
  dropExpired(now);
  const known = used.get(state);
  if (known !== undefined && known >= now) return false;
  used.delete(state);
  while (used.size >= MAX_USED_STATES) used.delete(used.keys().next().value!);
  used.set(state, acceptedUntil);
  return true;
}

/** Entries are in claim order, which is close to expiry order: stop at the first one still alive. */
function dropExpired(now: number): void {
  for (const [state, until] of used) {
    if (until >= now) return;
    used.delete(state);
  }
}

/** How many states are remembered (for tests). */
export function usedStateCount(): number {
  return used.size;
}

/** Forgets every used state (for tests). */
export function clearUsedStates(): void {
  used.clear();
}
