import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { unsealData } from "iron-session";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { identityCookies, readIdentity } from "@/lib/auth/cookie/identity";
import {
  clearIdentityMemo,
  IDENTITY_MEMO_LIMITS,
  identityMemoStats,
  openIdentity,
} from "@/lib/auth/cookie/identity-cookie";
import { IDENTITY_MAX_AGE } from "@/lib/auth/cookie/names";
import { openSeal, seal, SEAL_SKEW_MS } from "@/lib/auth/cookie/seal";
import { secretScope, VerifiedMemo } from "@/lib/auth/cookie/verified-memo";
import { prng } from "../support/prng";

const A = "secret-a-0123456789abcdefghijklmnopqrstuvwxyz";
const B = "secret-b-0123456789abcdefghijklmnopqrstuvwxyz";
const T0 = new Date("2030-01-01T00:00:00Z").getTime();
const claims = { sub: "user-1", email: "ada@example.com", name: "Ada Lovelace", provider: "default" };

beforeEach(() => clearIdentityMemo());
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function useFakeDate(at: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
}

function flip(value: string, at: number): string {
  const replacement = value[at] === "A" ? "B" : "A";
  return value.slice(0, at) + replacement + value.slice(at + 1);
}

async function identityValue(secrets: readonly string[], extra: Record<string, unknown> = {}): Promise<string> {
  const writes = await identityCookies({ claims: { ...claims, ...extra }, tokens: {} }, new Map(), {
    secrets,
    secure: false,
  });
  expect(writes).toHaveLength(1);
  return writes[0]!.value;
}

/** Counts WebCrypto work: a memo hit does none. */
function countCrypto(): () => number {
  const derive = vi.spyOn(crypto.subtle, "importKey");
  const sign = vi.spyOn(crypto.subtle, "sign");
  const decrypt = vi.spyOn(crypto.subtle, "decrypt");
  return () => derive.mock.calls.length + sign.mock.calls.length + decrypt.mock.calls.length;
}

/** A full collection, so heap figures mean something (vitest runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
}

describe("VerifiedMemo", () => {
  const limits = { maxEntries: 3, maxWeight: 100 };

  it("returns what was stored for exactly that value and scope", () => {
    const memo = new VerifiedMemo<string>(limits);
    memo.set("value", "scope", "payload", T0 + 1000, 10, T0);
    expect(memo.get("value", "scope", T0)).toBe("payload");
    expect(memo.get("value ", "scope", T0)).toBeUndefined();
    expect(memo.get("valu", "scope", T0)).toBeUndefined();
  });

  it("honours expiry at lookup time and drops the expired entry", () => {
    const memo = new VerifiedMemo<string>(limits);
    memo.set("value", "scope", "payload", T0 + 1000, 10, T0);
    expect(memo.get("value", "scope", T0 + 999)).toBe("payload");
    expect(memo.get("value", "scope", T0 + 1000)).toBeUndefined();
    expect(memo.size).toBe(0);
    expect(memo.weight).toBe(0);
    // Time going back does not revive it.
    expect(memo.get("value", "scope", T0)).toBeUndefined();
  });

  it("never stores an already expired value", () => {
    const memo = new VerifiedMemo<string>(limits);
    memo.set("value", "scope", "payload", T0, 10, T0);
    expect(memo.size).toBe(0);
  });

  it("misses under another scope and drops the entry", () => {
    const memo = new VerifiedMemo<string>(limits);
    memo.set("value", "old", "payload", T0 + 1000, 10, T0);
    expect(memo.get("value", "new", T0)).toBeUndefined();
    expect(memo.get("value", "old", T0)).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  it("drops the least recently used entry past the entry bound", () => {
    const memo = new VerifiedMemo<number>(limits);
    for (const [i, v] of ["a", "b", "c"].entries()) memo.set(v, "s", i, T0 + 1000, 1, T0);
    expect(memo.get("a", "s", T0)).toBe(0); // a is now the most recently used
    memo.set("d", "s", 3, T0 + 1000, 1, T0);
    expect(memo.size).toBe(3);
    expect(memo.get("b", "s", T0)).toBeUndefined();
    expect([memo.get("a", "s", T0), memo.get("c", "s", T0), memo.get("d", "s", T0)]).toEqual([0, 2, 3]);
  });

  it("keeps the total weight within its bound and refuses a single entry heavier than it", () => {
    const memo = new VerifiedMemo<number>(limits);
    memo.set("a", "s", 1, T0 + 1000, 60, T0);
    memo.set("b", "s", 2, T0 + 1000, 60, T0);
    expect(memo.size).toBe(1);
    expect(memo.weight).toBe(60);
    expect(memo.get("b", "s", T0)).toBe(2);
    memo.set("c", "s", 3, T0 + 1000, 101, T0);
    expect(memo.get("c", "s", T0)).toBeUndefined();
    expect(memo.weight).toBe(60);
  });

  it("replaces an entry stored again under the same value", () => {
    const memo = new VerifiedMemo<number>(limits);
    memo.set("a", "s", 1, T0 + 1000, 30, T0);
    memo.set("a", "s", 2, T0 + 1000, 40, T0);
    expect(memo.size).toBe(1);
    expect(memo.weight).toBe(40);
    expect(memo.get("a", "s", T0)).toBe(2);
  });

  it("gives every change to a secret set another scope", () => {
    expect(secretScope([A, B])).toBe(secretScope([A, B]));
    expect(secretScope([A, B])).not.toBe(secretScope([B, A]));
    expect(secretScope([A, B])).not.toBe(secretScope([A]));
    expect(secretScope(["ab", "c"])).not.toBe(secretScope(["a", "bc"]));
    expect(secretScope(["1:a"])).not.toBe(secretScope(["1", "a"]));
  });

  it("stays within its bounds under 100,000 distinct cookies, in entries, weight and heap", () => {
    const memo = new VerifiedMemo<Record<string, unknown>>(IDENTITY_MEMO_LIMITS);
    const scope = secretScope([A]);
    const random = prng(5);
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) {
      // A realistic identity cookie: ~1.1 K characters, and its decrypted claims (~600 characters of JSON).
      const value = `Fe26.2*${i}*${random().toString(36).padEnd(1100, "x")}~2`;
      const payload = Object.freeze({
        v: 1,
        u: Object.freeze({ c: Object.freeze({ ...claims, sub: `user-${i}`, picture: "p".repeat(450) }) }),
      });
      memo.set(value, scope, payload, T0 + 60_000, value.length + 700 + 256, T0);
      if (memo.size > IDENTITY_MEMO_LIMITS.maxEntries || memo.weight > IDENTITY_MEMO_LIMITS.maxWeight) {
        throw new Error(`bound broken after ${i + 1} cookies: ${memo.size} entries, weight ${memo.weight}`);
      }
    }
    collectGarbage();
    const grown = process.memoryUsage().heapUsed - before;
    expect(memo.size).toBeGreaterThan(1000);
    // Weight bound 8 Mi characters (about 4,000 such cookies); the heap holds them plus bookkeeping (about 6 MiB here).
    expect(grown, `heap grew by ${(grown / 1024 / 1024).toFixed(1)} MiB`).toBeLessThan(24 * 1024 * 1024);
    memo.clear();
  }, 60_000);
});

describe("the identity memo", () => {
  it("answers a repeated cookie without cryptography, with the same identity", async () => {
    const value = await identityValue([A]);
    const jar = new Map([["auth_user", value]]);
    const first = await readIdentity(jar, { secrets: [A], secure: false });
    const count = countCrypto();
    const second = await readIdentity(new Map(jar), { secrets: [A], secure: false });
    expect(count()).toBe(0);
    expect(second).toEqual(first);
    expect(second?.claims).toEqual(claims);
    expect(identityMemoStats().size).toBe(1);
  });

  it("shares only frozen data between requests", async () => {
    const value = await identityValue([A], { groups: ["a", "b"] });
    const opened = await openIdentity(value, [A]);
    expect(Object.isFrozen(opened)).toBe(true);
    expect(Object.isFrozen(opened?.data)).toBe(true);
    expect(Object.isFrozen(opened?.record?.c)).toBe(true);
    expect(Object.isFrozen(opened?.record?.c["groups"])).toBe(true);
  });

  it("honours the seal's expiry even for a remembered cookie", async () => {
    useFakeDate(T0);
    const value = await identityValue([A]);
    const options = { secrets: [A], secure: false };
    expect(await readIdentity(new Map([["auth_user", value]]), options)).toBeDefined();
    vi.setSystemTime(T0 + IDENTITY_MAX_AGE * 1000 + SEAL_SKEW_MS - 1);
    expect(await readIdentity(new Map([["auth_user", value]]), options)).toBeDefined();
    expect(identityMemoStats().size).toBe(1);
    vi.setSystemTime(T0 + IDENTITY_MAX_AGE * 1000 + SEAL_SKEW_MS);
    expect(await readIdentity(new Map([["auth_user", value]]), options)).toBeUndefined();
    expect(identityMemoStats().size).toBe(0);
  });

  it("never serves a tampered value, and never remembers one", async () => {
    const value = await identityValue([A]);
    expect(await openIdentity(value, [A])).toBeDefined();
    expect(identityMemoStats().size).toBe(1);
    for (let at = 0; at < value.length; at++) {
      expect(await openIdentity(flip(value, at), [A]), `flipped at ${at}`).toBeUndefined();
    }
    for (const variant of [value.slice(0, -1), `${value} `, ` ${value}`, `${value}~2`, value.toLowerCase()]) {
      expect(await openIdentity(variant, [A])).toBeUndefined();
    }
    expect(identityMemoStats().size).toBe(1);
    expect(await openIdentity(value, [A])).toBeDefined();
  });

  it("stops serving a remembered cookie as soon as its secret is replaced or removed", async () => {
    const value = await identityValue([A]);
    expect((await openIdentity(value, [A]))?.sealedWithNewest).toBe(true);
    // Rotated: still valid, but now sealed with an older secret (so the middleware re-seals it).
    expect((await openIdentity(value, [B, A]))?.sealedWithNewest).toBe(false);
    // Old secret removed.
    expect(await openIdentity(value, [B])).toBeUndefined();
    expect(identityMemoStats().size).toBe(0);
    // Changed in place (same array object, another secret): noticed too.
    const secrets = [A];
    expect(await openIdentity(value, secrets)).toBeDefined();
    secrets[0] = B;
    expect(await openIdentity(value, secrets)).toBeUndefined();
  });

  it("remembers a compressed identity's inflated claims (counted in its weight)", async () => {
    const groups = Array.from(
      { length: 300 },
      (_, i) => `engineering-platform-group-${String(i + 1).padStart(3, "0")}`,
    );
    const value = await identityValue([A], { groups });
    const options = { secrets: [A], secure: false };
    const opened = await openIdentity(value, [A]);
    expect(opened?.data).toHaveProperty("z");
    expect(opened?.record).toBeUndefined();
    const first = await readIdentity(new Map([["auth_user", value]]), options);
    expect(first?.claims["groups"]).toEqual(groups);
    const remembered = await openIdentity(value, [A]);
    expect(remembered?.record?.c["groups"]).toEqual(groups);
    expect(remembered!.weight).toBeGreaterThan(opened!.weight + JSON.stringify(groups).length);
    expect(identityMemoStats().weight).toBe(remembered!.weight);
    expect(await readIdentity(new Map([["auth_user", value]]), options)).toEqual(first);
  });

  it("stays within its bound when more distinct valid cookies arrive than it holds", async () => {
    const { maxEntries, maxWeight } = identityMemoStats().limits;
    const values = await Promise.all(
      Array.from({ length: maxEntries + 500 }, (_, i) => identityValue([A], { sub: `user-${i}` })),
    );
    for (const value of values) expect(await openIdentity(value, [A])).toBeDefined();
    const { size, weight } = identityMemoStats();
    expect(size).toBeLessThanOrEqual(maxEntries);
    expect(size).toBeGreaterThan(maxEntries / 2);
    expect(weight).toBeLessThanOrEqual(maxWeight);
    // The most recent ones are remembered, the oldest were dropped (and still verify from scratch).
    const count = countCrypto();
    await openIdentity(values.at(-1)!, [A]);
    expect(count()).toBe(0);
    expect(await openIdentity(values[0]!, [A])).toBeDefined();
    expect(count()).toBeGreaterThan(0);
  }, 60_000);
});

describe("openSeal agrees with iron-session's unsealData", () => {
  it("on valid seals, single-character changes and garbage", async () => {
    const random = prng(11);
    const secrets = [A];
    const password = { [String(Number((await seal({ a: 1 }, secrets, 60)).split("*")[1]))]: A };
    const samples: string[] = [];
    for (let i = 0; i < 20; i++) {
      const sealed = await seal({ i, text: "héllo ✓".repeat(i) }, secrets, 3600);
      samples.push(sealed);
      for (let k = 0; k < 15; k++) samples.push(flip(sealed, Math.floor(random() * sealed.length)));
      samples.push(sealed.slice(0, Math.floor(random() * sealed.length)));
    }
    samples.push("", "garbage", "Fe26.2*~2", "Fe26.2*******~2");
    for (const sample of samples) {
      const ours = await openSeal(sample, secrets, Date.now());
      let iron: unknown;
      try {
        iron = await unsealData(sample, { password });
      } catch {
        iron = {};
      }
      const ironOpened =
        typeof iron === "object" && iron !== null && Object.keys(iron).length > 0 && sample.endsWith("~2");
      expect(ours !== undefined, sample).toBe(ironOpened);
      if (ours) expect(ours.data).toEqual(iron);
    }
  });

  it("refuses a seal without an expiration, which iron would accept forever", async () => {
    const { sealData } = await import("iron-session");
    const id = (await seal({ a: 1 }, [A], 60)).split("*")[1]!;
    const forever = await sealData({ a: 1 }, { password: { [id]: A }, ttl: 0 });
    expect(forever.split("*")[5]).toBe("");
    expect(await unsealData(forever, { password: { [id]: A } })).toEqual({ a: 1 });
    expect(await openSeal(forever, [A], Date.now())).toBeUndefined();
  });
});
