/**
 * A bounded, per-process memo of cookie values that have already been verified (HMAC checked, decrypted, parsed), so
 * the same cookie arriving again is answered without redoing the cryptography. Web APIs only: the edge middleware
 * uses it too.
 *
 * What keeps it safe:
 * - Only values that passed full verification are stored (`set` is called after a successful unseal); a lookup is by
 *   the exact value, so a tampered value (any other string) is a miss and is verified from scratch.
 * - Each entry belongs to a `scope` (the configured secret set): a lookup under another scope is a miss and drops the
 *   entry, so changing or removing a secret takes effect at once.
 * - Each entry has an absolute expiry (the seal's own, as the unseal applies it) checked at every lookup against the
 *   current clock; an expired entry is dropped, never served.
 * - Bounded in entries and in weight (the caller's estimate of an entry's size, in characters), least recently used
 *   dropped first. An attacker sending distinct valid-looking values only ever causes misses (full verification, as
 *   without the memo) and evicts; nothing grows without bound.
 */

export interface VerifiedMemoLimits {
  /** At most this many entries. */
  maxEntries: number;
  /** At most this total weight (sum of the weights given to `set`); a single heavier entry is not stored. */
  maxWeight: number;
}

interface Entry<T> {
  readonly scope: string;
  readonly payload: T;
  readonly expiresAt: number;
  readonly weight: number;
}

export class VerifiedMemo<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #limits: VerifiedMemoLimits;
  #weight = 0;

  constructor(limits: VerifiedMemoLimits) {
    if (!(limits.maxEntries >= 0 && limits.maxWeight >= 0))
      throw new RangeError("VerifiedMemo limits must be non-negative");
    this.#limits = { ...limits };
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Sum of the weights of the entries held. */
  get weight(): number {
    return this.#weight;
  }

  get limits(): Readonly<VerifiedMemoLimits> {
    return this.#limits;
  }

  /** The payload stored for exactly `value` under `scope`, if it has not expired at `now`. */
  get(value: string, scope: string, now: number = Date.now()): T | undefined {
    const entry = this.#entries.get(value);
    if (entry === undefined) return undefined;
    if (entry.scope !== scope || !(now < entry.expiresAt)) {
      this.#remove(value, entry);
      return undefined;
    }
    // Most recently used last (Map keeps insertion order).
    this.#entries.delete(value);
    this.#entries.set(value, entry);
    return entry.payload;
  }

  /**
   * Stores a verified value. `expiresAt` (ms since the epoch) is the last moment the value itself would still be
   * accepted; `weight` is the entry's estimated size in characters (the value plus what the payload holds).
   */
  set(value: string, scope: string, payload: T, expiresAt: number, weight: number, now: number = Date.now()): void {
    const existing = this.#entries.get(value);
    if (existing !== undefined) this.#remove(value, existing);
    if (!(now < expiresAt) || !(weight >= 0) || weight > this.#limits.maxWeight || this.#limits.maxEntries === 0)
      return;
    this.#entries.set(value, { scope, payload, expiresAt, weight });
    this.#weight += weight;
    while (this.#entries.size > this.#limits.maxEntries || this.#weight > this.#limits.maxWeight) {
      const oldest = this.#entries.entries().next().value;
      if (oldest === undefined) break;
      this.#remove(oldest[0], oldest[1]);
    }
  }

  delete(value: string): void {
    const entry = this.#entries.get(value);
    if (entry !== undefined) this.#remove(value, entry);
  }

  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }

  #remove(value: string, entry: Entry<T>): void {
    this.#entries.delete(value);
    this.#weight -= entry.weight;
  }
}

/**
 * The scope of a secret set: its secrets, in order, unambiguously joined (length-prefixed). Any change to the set
 * (a secret added, removed, replaced or reordered) gives another scope. Computed on every call (well under a
 * microsecond), so even a secret array changed in place is noticed.
 */
export function secretScope(secrets: readonly string[]): string {
  let scope = "";
  for (const secret of secrets) scope += `${secret.length}:${secret}`;
  return scope;
}
