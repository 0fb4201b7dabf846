import { afterEach, describe, expect, it } from "vitest";
import { claimState, clearUsedStates, MAX_USED_STATES, usedStateCount } from "@/lib/auth/routes/used-states";

/** The per-instance memory of used transaction states (replays are refused without a token request). */

const T0 = 1_750_000_000_000;
const TEN_MINUTES = 10 * 60 * 1000;

afterEach(() => clearUsedStates());

describe("claimState", () => {
  it("accepts a state once, and refuses it again until its transaction would have expired", () => {
    expect(claimState("state-a", T0 + TEN_MINUTES, T0)).toBe(true);
    expect(claimState("state-a", T0 + TEN_MINUTES, T0 + 1)).toBe(false);
    expect(claimState("state-a", T0 + TEN_MINUTES, T0 + TEN_MINUTES)).toBe(false);
    expect(claimState("state-b", T0 + TEN_MINUTES, T0 + 1)).toBe(true);
    // Past its expiry the transaction cookie itself is refused; the memory lets go of it.
    expect(claimState("state-c", T0 + 2 * TEN_MINUTES, T0 + TEN_MINUTES + 1)).toBe(true);
    expect(usedStateCount()).toBe(1);
  });

  it(`stays bounded at ${MAX_USED_STATES} states under 3x as many distinct ones, dropping the oldest first`, () => {
    for (let i = 0; i < 3 * MAX_USED_STATES; i++) {
      expect(claimState(`state-${i}`, T0 + TEN_MINUTES, T0)).toBe(true);
      expect(usedStateCount()).toBeLessThanOrEqual(MAX_USED_STATES);
    }
    expect(usedStateCount()).toBe(MAX_USED_STATES);
    expect(claimState(`state-${3 * MAX_USED_STATES - 1}`, T0 + TEN_MINUTES, T0)).toBe(false);
    expect(claimState("state-0", T0 + TEN_MINUTES, T0)).toBe(true);
  });
});
