import { randomBytes } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import * as oauth from "oauth4webapi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CHUNK_SIZE, chunkCookieNames, joinValue, MAX_CHUNKS, splitValue } from "@/lib/auth/cookie/chunks";
import {
  identityCookies,
  IdentityTooLargeError,
  MAX_IDENTITY_BYTES,
  MAX_IDENTITY_CHUNKS,
  readIdentity,
  type Identity,
} from "@/lib/auth/cookie/identity";
import { cookieNames, IDENTITY_MAX_AGE, MAX_TRANSACTIONS, TRANSACTION_MAX_AGE } from "@/lib/auth/cookie/names";
import { seal, sealedWithOlderSecret, unseal } from "@/lib/auth/cookie/seal";
import { deletion, parseCookieHeader, serializeCookie, type CookieWrite } from "@/lib/auth/cookie/serialize";
import {
  allTransactionDeletions,
  readTransaction,
  transactionCookies,
  type Transaction,
} from "@/lib/auth/cookie/transaction";

// iron-session needs secrets of at least 32 characters.
const A = "secret-a-0123456789abcdefghijklmnopqrstuvwxyz";
const B = "secret-b-0123456789abcdefghijklmnopqrstuvwxyz";
const C = "secret-c-0123456789abcdefghijklmnopqrstuvwxyz";
const OLD = "old-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const NEW = "new-secret-0123456789abcdefghijklmnopqrstuvwxyz";
/** iron's default clock skew tolerance: a seal is accepted until 60 s after its expiration. */
const IRON_SKEW_MS = 60_000;
const T0 = new Date("2030-01-01T00:00:00Z").getTime();

afterEach(() => {
  vi.useRealTimers();
});

function useFakeDate(at: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
}

/** A cookie jar as the browser would hold it after applying `writes` (deletions remove). */
function apply(jar: Map<string, string>, writes: readonly CookieWrite[]): Map<string, string> {
  for (const w of writes) {
    if (w.maxAge === 0) jar.delete(w.name);
    else jar.set(w.name, w.value);
  }
  return jar;
}

function flip(value: string, at: number): string {
  const c = value[at];
  const replacement = c === "A" ? "B" : "A";
  return value.slice(0, at) + replacement + value.slice(at + 1);
}

/** Random, incompressible text for claims (base64url of random bytes). */
function randomText(length: number): string {
  return randomBytes(length).toString("base64url").slice(0, length);
}

describe("seal / unseal", () => {
  const data = { v: 1, name: "Ada", nested: { list: [1, "two", null, true] }, unicode: "héllo ✓" };

  it("round-trips data", async () => {
    const sealed = await seal(data, [A], 3600);
    expect(sealed.startsWith("Fe26.2*")).toBe(true);
    expect(sealed.endsWith("~2")).toBe(true);
    expect(sealed).not.toContain("Ada");
    expect(await unseal(sealed, [A])).toEqual({ data, sealedWithNewest: true });
  });

  it("produces a different seal each time (random salts and IV)", async () => {
    expect(await seal(data, [A], 3600)).not.toBe(await seal(data, [A], 3600));
  });

  it("gives undefined for a value sealed with another secret", async () => {
    const sealed = await seal(data, [A], 3600);
    expect(await unseal(sealed, [B])).toBeUndefined();
  });

  it("gives undefined when any single character is changed", async () => {
    const sealed = await seal({ a: 1 }, [A], 3600);
    // Every position: prefix, password id, salts, IV, ciphertext, expiration, HMAC, the `*` separators and `~2`.
    expect(sealed.length).toBeGreaterThan(150);
    for (let at = 0; at < sealed.length; at++) {
      const tampered = flip(sealed, at);
      expect(tampered).not.toBe(sealed);
      expect(await unseal(tampered, [A]), `flipped at ${at}`).toBeUndefined();
    }
    // The untampered value still opens.
    expect((await unseal(sealed, [A]))?.data).toEqual({ a: 1 });
  });

  it("gives undefined for malformed values and never throws", async () => {
    const sealed = await seal(data, [A], 3600);
    const parts = sealed.slice(0, -2).split("*");
    expect(parts).toHaveLength(8);
    const withParts = (p: string[]) => `${p.join("*")}~2`;
    const malformed: Array<[string, string]> = [
      ["truncated by one", sealed.slice(0, -1)],
      ["truncated by half", sealed.slice(0, Math.floor(sealed.length / 2))],
      ["truncated, suffix kept", `${sealed.slice(0, 120)}~2`],
      ["without the ~2 suffix", sealed.slice(0, -2)],
      ["with a ~1 suffix", `${sealed.slice(0, -2)}~1`],
      ["with the Fe26.1 prefix", sealed.replace(/^Fe26\.2/, "Fe26.1")],
      ["with 7 parts", withParts(parts.filter((_, i) => i !== 3))],
      ["with 9 parts", withParts([...parts.slice(0, 4), "extra", ...parts.slice(4)])],
      ["with a non-numeric expiration", withParts(parts.map((p, i) => (i === 5 ? "12ab" : p)))],
      ["with an empty password id", withParts(parts.map((p, i) => (i === 1 ? "" : p)))],
      ["with password id __proto__", withParts(parts.map((p, i) => (i === 1 ? "__proto__" : p)))],
      ["with password id toString", withParts(parts.map((p, i) => (i === 1 ? "toString" : p)))],
      ["70 KB long", `Fe26.2*${"a".repeat(70 * 1024)}~2`],
      ["70 KB of garbage", "x".repeat(70 * 1024)],
      ["empty", ""],
      ["garbage", "not-a-cookie"],
      ["just the prefix and suffix", "Fe26.2*~2"],
      ["seven stars", "Fe26.2*******~2"],
      ["non-ASCII", "Fe26.2*é*ü*ñ*日本*🍪*x*y~2"],
      ["an emoji", "🍪"],
      ["JSON", '{"v":1}'],
    ];
    for (const [label, value] of malformed) {
      await expect(unseal(value, [A]), label).resolves.toBeUndefined();
    }
  });

  it("refuses a seal of an empty object or a non-object", async () => {
    expect(await unseal(await seal({}, [A], 3600), [A])).toBeUndefined();
  });

  it("gives undefined for a valid seal longer than 64 KB", async () => {
    const big = await seal({ blob: randomText(60 * 1024) }, [A], 3600);
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect(await unseal(big, [A])).toBeUndefined();
  });

  it("expires after the ttl (plus iron's 60 s skew)", async () => {
    useFakeDate(T0);
    const sealed = await seal({ a: 1 }, [A], 300);
    vi.setSystemTime(T0 + 299_000);
    expect((await unseal(sealed, [A]))?.data).toEqual({ a: 1 });
    vi.setSystemTime(T0 + 300_000 + IRON_SKEW_MS + 1_000);
    expect(await unseal(sealed, [A])).toBeUndefined();
  });

  describe("secret rotation", () => {
    it("opens a value sealed with an older secret and says so", async () => {
      const sealed = await seal({ a: 1 }, [OLD], 3600);
      expect(await unseal(sealed, [NEW, OLD])).toEqual({ data: { a: 1 }, sealedWithNewest: false });
    });

    it("seals with the newest secret", async () => {
      const sealed = await seal({ a: 1 }, [NEW, OLD], 3600);
      expect(await unseal(sealed, [NEW, OLD])).toEqual({ data: { a: 1 }, sealedWithNewest: true });
      expect(await unseal(sealed, [NEW])).toEqual({ data: { a: 1 }, sealedWithNewest: true });
      expect(await unseal(sealed, [OLD])).toBeUndefined();
    });

    it("stops opening old values once the old secret is removed", async () => {
      const sealed = await seal({ a: 1 }, [OLD], 3600);
      expect(await unseal(sealed, [NEW])).toBeUndefined();
    });

    it("keeps secret ids stable when secrets are added and removed", async () => {
      const sealed = await seal({ a: 1 }, [B, A], 3600);
      expect(await unseal(sealed, [C, B])).toEqual({ data: { a: 1 }, sealedWithNewest: false });
      expect(await unseal(sealed, [C, B, A])).toEqual({ data: { a: 1 }, sealedWithNewest: false });
      expect(await unseal(sealed, [B])).toEqual({ data: { a: 1 }, sealedWithNewest: true });
      expect(await unseal(sealed, [A, B])).toEqual({ data: { a: 1 }, sealedWithNewest: false });
      expect(await unseal(sealed, [C, A])).toBeUndefined();
    });

    it("tells from the header alone whether a value was sealed with an older secret", async () => {
      const sealedOld = await seal({ a: 1 }, [OLD], 3600);
      const sealedNew = await seal({ a: 1 }, [NEW, OLD], 3600);
      expect(sealedWithOlderSecret(sealedOld, [NEW, OLD])).toBe(true);
      expect(sealedWithOlderSecret(sealedNew, [NEW, OLD])).toBe(false);
      expect(sealedWithOlderSecret(sealedOld, [OLD])).toBe(false);
      // A value whose header names an unknown id also counts as "not the newest" (the unseal then decides).
      expect(sealedWithOlderSecret(sealedNew, [C])).toBe(true);
      expect(sealedWithOlderSecret("garbage-without-stars", [NEW])).toBe(false);
    });

    it("names the password by an id derived from the secret, not its position", async () => {
      const idOf = async (secrets: string[]) => (await seal({ a: 1 }, secrets, 60)).split("*")[1];
      const id = await idOf([A]);
      expect(id).toMatch(/^\d+$/);
      expect(await idOf([A, B])).toBe(id);
      expect(await idOf([A, C, B])).toBe(id);
      expect(await idOf([B, A])).not.toBe(id);
    });
  });
});

describe("chunks", () => {
  it("keeps a small value in one cookie", () => {
    expect(splitValue("n", "small")).toEqual([{ name: "n", value: "small" }]);
    const exact = "x".repeat(CHUNK_SIZE);
    expect(splitValue("n", exact)).toEqual([{ name: "n", value: exact }]);
    expect(joinValue("n", new Map([["n", "small"]]))).toBe("small");
  });

  it("splits a large value into pieces of at most CHUNK_SIZE and joins it back exactly", () => {
    for (const length of [CHUNK_SIZE + 1, CHUNK_SIZE * 2, CHUNK_SIZE * 2 + 17, CHUNK_SIZE * MAX_CHUNKS]) {
      const value = randomText(length);
      const pieces = splitValue("auth_user", value);
      const count = Math.ceil(length / CHUNK_SIZE);
      expect(pieces.map((p) => p.name)).toEqual([
        "auth_user",
        ...Array.from({ length: count - 1 }, (_, i) => `auth_user.${i + 1}`),
      ]);
      expect(pieces[0]!.value.startsWith(`${count}~`)).toBe(true);
      const contents = pieces.map((p, i) => (i === 0 ? p.value.slice(`${count}~`.length) : p.value));
      for (const piece of contents) expect(piece.length).toBeLessThanOrEqual(CHUNK_SIZE);
      expect(contents.join("")).toBe(value);
      // Every cookie's name=value stays well under the browser's 4096-byte limit.
      for (const p of pieces) expect(p.name.length + 1 + p.value.length).toBeLessThan(4096);
      const jar = new Map(pieces.map((p) => [p.name, p.value] as const));
      expect(joinValue("auth_user", jar)).toBe(value);
    }
  });

  it("gives undefined when a chunk is missing", () => {
    const value = randomText(CHUNK_SIZE * 2 + 5);
    const jar = new Map(splitValue("n", value).map((p) => [p.name, p.value] as const));
    expect(joinValue("n", jar)).toBe(value);
    jar.delete("n.1");
    expect(joinValue("n", jar)).toBeUndefined();
  });

  it("gives undefined for a missing or empty head", () => {
    expect(joinValue("n", new Map())).toBeUndefined();
    expect(joinValue("n", new Map([["n", ""]]))).toBeUndefined();
    expect(joinValue("n", new Map([["n.1", "orphan"]]))).toBeUndefined();
  });

  it.each([0, 1, MAX_CHUNKS + 1, 99])("gives undefined for a count of %i", (count) => {
    const jar = new Map<string, string>([["n", `${count}~head`]]);
    for (let i = 1; i < 100; i++) jar.set(`n.${i}`, "piece");
    expect(joinValue("n", jar)).toBeUndefined();
  });

  it("ignores stale chunks beyond the count", () => {
    const jar = new Map([
      ["n", "2~abc"],
      ["n.1", "def"],
      ["n.2", "stale"],
      ["n.3", "stale"],
    ]);
    expect(joinValue("n", jar)).toBe("abcdef");
  });

  it("lists the cookie and its chunk cookies only", () => {
    const jar = new Map([
      ["n", "a"],
      ["n.1", "b"],
      ["n.12", "c"],
      ["n.x", "no"],
      ["n.1.2", "no"],
      ["n.", "no"],
      ["nn.1", "no"],
      ["other", "no"],
    ]);
    expect(chunkCookieNames("n", jar).sort()).toEqual(["n", "n.1", "n.12"]);
  });
});

describe("serializeCookie / parseCookieHeader / cookieNames", () => {
  it("writes HttpOnly, SameSite=Lax, Path=/ cookies, Secure only when secure", () => {
    expect(serializeCookie({ name: "auth_user", value: "v", secure: false, maxAge: 600 })).toBe(
      "auth_user=v; Path=/; Max-Age=600; HttpOnly; SameSite=Lax",
    );
    const secure = serializeCookie({ name: "__Host-auth_user", value: "v", secure: true, maxAge: IDENTITY_MAX_AGE });
    expect(secure).toBe(`__Host-auth_user=v; Path=/; Max-Age=${IDENTITY_MAX_AGE}; HttpOnly; SameSite=Lax; Secure`);
    expect(secure).not.toContain("Domain=");
  });

  it("writes deletions with Max-Age=0 and an Expires in 1970", () => {
    const plain = serializeCookie(deletion("auth_user.1", false));
    expect(plain).toBe(
      "auth_user.1=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    );
    const secure = serializeCookie(deletion("__Host-auth_user", true));
    expect(secure).toContain("__Host-auth_user=;");
    expect(secure).toContain("Max-Age=0");
    expect(secure).toContain("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    expect(secure).toContain("; Secure");
  });

  it("parses a Cookie header: first value wins, quotes stripped, junk ignored", () => {
    const jar = parseCookieHeader(' a=1; b="quoted value"; a=2; junk; =nameless; c=x=y;  d = spaced ; e=""; f="; g=');
    expect([...jar.entries()]).toEqual([
      ["a", "1"],
      ["b", "quoted value"],
      ["c", "x=y"],
      ["d", "spaced"],
      ["e", ""],
      ["f", '"'],
      ["g", ""],
    ]);
  });

  it("parses empty and missing headers to an empty jar", () => {
    expect(parseCookieHeader(null).size).toBe(0);
    expect(parseCookieHeader(undefined).size).toBe(0);
    expect(parseCookieHeader("").size).toBe(0);
    expect(parseCookieHeader(";;;").size).toBe(0);
  });

  it("uses the __Host- prefix only when secure", () => {
    expect(cookieNames(true)).toEqual({
      logout: "__Host-auth_logout",
      identity: "__Host-auth_user",
      transactionPrefix: "__Host-auth_txn.",
    });
    expect(cookieNames(false)).toEqual({
      logout: "auth_logout",
      identity: "auth_user",
      transactionPrefix: "auth_txn.",
    });
  });
});

describe("identity cookies", () => {
  const options = { secrets: [A], secure: false };
  const claims = { sub: "user-1", email: "ada@example.com", name: "Ada", provider: "google" };

  it("stores a small identity in one cookie and reads it back", async () => {
    const writes = await identityCookies({ claims, tokens: {}, idToken: "header.payload.sig" }, new Map(), options);
    expect(writes).toHaveLength(1);
    const [write] = writes;
    expect(write).toMatchObject({ name: "auth_user", secure: false, maxAge: IDENTITY_MAX_AGE });
    expect(write!.value.length).toBeLessThanOrEqual(CHUNK_SIZE);
    const identity = await readIdentity(apply(new Map(), writes), options);
    expect(withoutSession(identity)).toEqual({ claims, tokens: {}, idToken: "header.payload.sig" });
    expect(identity?.claims["provider"]).toBe("google");
  });

  it("uses __Host- names and Secure when secure", async () => {
    const secure = { secrets: [A], secure: true };
    const writes = await identityCookies({ claims, tokens: {} }, new Map(), secure);
    expect(writes.map((w) => [w.name, w.secure])).toEqual([["__Host-auth_user", true]]);
    const jar = apply(new Map(), writes);
    expect((await readIdentity(jar, secure))?.claims).toEqual(claims);
    expect(await readIdentity(jar, options)).toBeUndefined();
  });

  it("keeps tokens only as given", async () => {
    const read = async (tokens: { id?: string; access?: string }, idToken?: string) =>
      readIdentity(apply(new Map(), await identityCookies({ claims, tokens, idToken }, new Map(), options)), options);

    expect(withoutSession(await read({}))).toEqual({ claims, tokens: {}, idToken: undefined });
    const accessOnly = await read({ access: "access-token" }, "id-token-for-logout");
    expect(accessOnly?.tokens).toEqual({ access: "access-token" });
    expect(accessOnly?.tokens).not.toHaveProperty("id");
    expect(accessOnly?.idToken).toBe("id-token-for-logout");
    const both = await read({ id: "id-token", access: "access-token" }, "id-token");
    expect(both?.tokens).toEqual({ id: "id-token", access: "access-token" });
    expect(both?.idToken).toBe("id-token");
  });

  it("drops the logout hint when it does not fit in one cookie", async () => {
    const idToken = randomText(3500);
    const writes = await identityCookies({ claims, tokens: {}, idToken }, new Map(), options);
    expect(writes).toHaveLength(1);
    expect(withoutSession(await readIdentity(apply(new Map(), writes), options))).toEqual({
      claims,
      tokens: {},
      idToken: undefined,
    });
  });

  it("compresses 300 group claims into one cookie and reads them back exactly", async () => {
    const groups = Array.from(
      { length: 300 },
      (_, i) => `engineering-platform-group-${String(i + 1).padStart(3, "0")}`,
    );
    const big = { ...claims, groups };
    expect(JSON.stringify(big).length).toBeGreaterThan(CHUNK_SIZE * MAX_IDENTITY_CHUNKS);
    const writes = await identityCookies(
      { claims: big, tokens: {}, idToken: "header.payload.sig" },
      new Map(),
      options,
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]!.value.length).toBeLessThanOrEqual(CHUNK_SIZE);
    const opened = await unseal(writes[0]!.value, [A]);
    expect(opened?.data).toHaveProperty("z");
    expect(opened?.data).not.toHaveProperty("u");
    const identity = await readIdentity(apply(new Map(), writes), options);
    expect(identity?.claims).toEqual(big);
    expect(identity?.idToken).toBe("header.payload.sig");
  });

  it("splits an incompressible 5 KB identity over two cookies and reads it back", async () => {
    const random = { ...claims, a: randomText(2500), b: randomText(2500) };
    const writes = await identityCookies({ claims: random, tokens: {} }, new Map(), options);
    expect(writes.map((w) => w.name)).toEqual(["auth_user", "auth_user.1"]);
    expect(writes[0]!.value.startsWith("2~")).toBe(true);
    for (const w of writes) expect(w.maxAge).toBe(IDENTITY_MAX_AGE);
    expect((await readIdentity(apply(new Map(), writes), options))?.claims).toEqual(random);
  });

  it("refuses an identity larger than two chunks", async () => {
    const huge = { ...claims, blob: randomText(CHUNK_SIZE * MAX_IDENTITY_CHUNKS) };
    const attempt = identityCookies({ claims: huge, tokens: {} }, new Map(), options);
    await expect(attempt).rejects.toBeInstanceOf(IdentityTooLargeError);
    await expect(identityCookies({ claims: huge, tokens: {} }, new Map(), options)).rejects.toThrow(
      /too large to store in cookies/,
    );
  });

  it(`refuses claims above ${MAX_IDENTITY_BYTES} bytes however well they compress, naming the size`, async () => {
    // 45 KB of claims that deflate would squeeze into one cookie.
    const groups = Array.from(
      { length: 1400 },
      (_, i) => `engineering-platform-group-${String(i % 50).padStart(2, "0")}`,
    );
    const big = { ...claims, groups };
    const size = new TextEncoder().encode(JSON.stringify({ c: big })).length;
    expect(size).toBeGreaterThan(40_000);
    const error = await identityCookies({ claims: big, tokens: {} }, new Map(), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityTooLargeError);
    expect((error as IdentityTooLargeError).size).toBe(size);
    expect((error as Error).message).toContain(`${size} bytes of claims and tokens, at most ${MAX_IDENTITY_BYTES}`);
  });

  it(`keeps claims just under ${MAX_IDENTITY_BYTES} bytes, and the logout hint only while the whole fits`, async () => {
    const filler = "x".repeat(MAX_IDENTITY_BYTES - JSON.stringify({ c: { ...claims, filler: "" } }).length);
    const writes = await identityCookies(
      { claims: { ...claims, filler }, tokens: {}, idToken: "header.payload.sig" },
      new Map(),
      options,
    );
    const identity = await readIdentity(apply(new Map(), writes), options);
    expect(identity?.claims).toEqual({ ...claims, filler });
    expect(identity?.idToken).toBeUndefined();
  });

  it("reads a compressed cookie that inflates past the cap as logged out, without inflating all of it", async () => {
    const sealedRecord = async (record: unknown) =>
      seal({ v: 1, z: deflateRawSync(JSON.stringify(record)).toString("base64url") }, [A], IDENTITY_MAX_AGE);
    // 45 KB of claims in a cookie under 1 KB, sealed with the app's own secret (as an old or buggy writer could).
    const groups = Array.from(
      { length: 1400 },
      (_, i) => `engineering-platform-group-${String(i % 50).padStart(2, "0")}`,
    );
    const inflated = await sealedRecord({ c: { ...claims, groups } });
    expect(inflated.length).toBeLessThan(CHUNK_SIZE);
    expect(await readIdentity(new Map([["auth_user", inflated]]), options)).toBeUndefined();
    // A deflate bomb: 2 MB of one character in about 2 KB.
    const bomb = await sealedRecord({ c: { ...claims, pad: "a".repeat(2 * 1024 * 1024) } });
    expect(bomb.length).toBeLessThan(CHUNK_SIZE * MAX_IDENTITY_CHUNKS);
    const started = performance.now();
    expect(await readIdentity(new Map([["auth_user", bomb]]), options)).toBe(undefined);
    expect(performance.now() - started).toBeLessThan(200);
    // The same shape under the cap reads back.
    const small = await sealedRecord({ c: claims });
    expect((await readIdentity(new Map([["auth_user", small]]), options))?.claims).toEqual(claims);
  });

  it("deletes stale chunk cookies left over from a larger identity", async () => {
    const jar = new Map([
      ["auth_user", "2~old"],
      ["auth_user.1", "old"],
      ["auth_user.2", "older"],
      ["auth_user.3", "oldest"],
      ["unrelated", "keep"],
    ]);
    const writes = await identityCookies({ claims, tokens: {} }, jar, options);
    expect(writes[0]).toMatchObject({ name: "auth_user", maxAge: IDENTITY_MAX_AGE });
    const deletions = writes.slice(1);
    expect(deletions.map((w) => w.name).sort()).toEqual(["auth_user.1", "auth_user.2", "auth_user.3"]);
    for (const d of deletions) expect(d).toEqual({ name: d.name, value: "", secure: false, maxAge: 0 });
    apply(jar, writes);
    expect([...jar.keys()].sort()).toEqual(["auth_user", "unrelated"]);
    expect((await readIdentity(jar, options))?.claims).toEqual(claims);
  });

  it("does not delete a chunk cookie it rewrites", async () => {
    const jar = new Map([
      ["auth_user", "old"],
      ["auth_user.1", "old"],
    ]);
    const random = { ...claims, a: randomText(5000) };
    const writes = await identityCookies({ claims: random, tokens: {} }, jar, options);
    expect(writes.map((w) => [w.name, w.maxAge])).toEqual([
      ["auth_user", IDENTITY_MAX_AGE],
      ["auth_user.1", IDENTITY_MAX_AGE],
    ]);
  });

  it("reads nothing from a foreign, tampered or partial identity", async () => {
    const writes = await identityCookies({ claims, tokens: {} }, new Map(), options);
    const jar = apply(new Map(), writes);
    expect(await readIdentity(jar, { secrets: [B], secure: false })).toBeUndefined();
    expect(await readIdentity(new Map([["auth_user", flip(writes[0]!.value, 60)]]), options)).toBeUndefined();
    expect(await readIdentity(new Map(), options)).toBeUndefined();

    const twoChunks = await identityCookies(
      { claims: { ...claims, a: randomText(5000) }, tokens: {} },
      new Map(),
      options,
    );
    const partial = apply(new Map(), twoChunks);
    partial.delete("auth_user.1");
    expect(await readIdentity(partial, options)).toBeUndefined();
  });

  it("reads nothing from a sealed value that is not an identity", async () => {
    const notIdentity = [
      { v: 1, u: { c: { email: "no sub" } } },
      { v: 2, u: { c: { sub: "x" } } },
      { v: 1, z: "!!!" },
      { v: 1, z: "" },
      { state: "x" },
    ];
    for (const data of notIdentity) {
      const jar = new Map([["auth_user", await seal(data, [A], IDENTITY_MAX_AGE)]]);
      expect(await readIdentity(jar, options), JSON.stringify(data)).toBeUndefined();
    }
  });

  it("reads an identity sealed with an older secret", async () => {
    const writes = await identityCookies({ claims, tokens: {} }, new Map(), { secrets: [OLD], secure: false });
    expect((await readIdentity(apply(new Map(), writes), { secrets: [NEW, OLD], secure: false }))?.claims).toEqual(
      claims,
    );
  });

  it("expires after 30 days", async () => {
    useFakeDate(T0);
    const jar = apply(new Map(), await identityCookies({ claims, tokens: {} }, new Map(), options));
    vi.setSystemTime(T0 + (IDENTITY_MAX_AGE - 60) * 1000);
    expect(await readIdentity(jar, options)).toBeDefined();
    vi.setSystemTime(T0 + IDENTITY_MAX_AGE * 1000 + IRON_SKEW_MS + 1000);
    expect(await readIdentity(jar, options)).toBeUndefined();
  });
});

describe("transaction cookies", () => {
  const options = { secrets: [A], secure: false };

  function transaction(state = oauth.generateRandomState()): Transaction {
    return {
      state,
      nonce: oauth.generateRandomNonce(),
      codeVerifier: oauth.generateRandomCodeVerifier(),
      provider: "google",
      issuer: "https://accounts.google.com",
      redirectUri: "http://localhost:3000/oauth2callback",
      returnTo: "/dashboard?tab=1",
    };
  }

  it("round-trips by state", async () => {
    const t = transaction();
    const writes = await transactionCookies(t, new Map(), options, T0);
    expect(writes).toHaveLength(1);
    const name = `auth_txn.${T0.toString(36)}.${t.state}`;
    expect(writes[0]).toMatchObject({ name, secure: false, maxAge: TRANSACTION_MAX_AGE });
    const found = await readTransaction(t.state, apply(new Map(), writes), options);
    expect(found?.cookieName).toBe(name);
    expect(found?.transaction).toMatchObject({ ...t });
  });

  it("finds the right transaction among several", async () => {
    const jar = new Map<string, string>();
    const all = [transaction(), transaction(), transaction()];
    for (const [i, t] of all.entries()) apply(jar, await transactionCookies(t, jar, options, T0 + i));
    for (const t of all) expect((await readTransaction(t.state, jar, options))?.transaction.nonce).toBe(t.nonce);
  });

  it("uses the __Host- prefix when secure", async () => {
    const t = transaction();
    const secure = { secrets: [A], secure: true };
    const writes = await transactionCookies(t, new Map(), secure, T0);
    expect(writes[0]!.name.startsWith("__Host-auth_txn.")).toBe(true);
    expect(writes[0]!.secure).toBe(true);
    const jar = apply(new Map(), writes);
    expect((await readTransaction(t.state, jar, secure))?.transaction.state).toBe(t.state);
    expect(await readTransaction(t.state, jar, options)).toBeUndefined();
  });

  it("gives undefined for an unknown state", async () => {
    const jar = apply(new Map(), await transactionCookies(transaction(), new Map(), options, T0));
    expect(await readTransaction(oauth.generateRandomState(), jar, options)).toBeUndefined();
  });

  it.each([
    "",
    "short",
    "a".repeat(15),
    "a".repeat(129),
    "has.a.dot-0123456789",
    "spaces are not ok 123",
    "ümlaut-0123456789abcdef",
  ])("gives undefined for the malformed state %j, even with a cookie of that name", async (state) => {
    const sealed = await seal({ v: 1, ...transaction(state) }, [A], TRANSACTION_MAX_AGE);
    const jar = new Map([[`auth_txn.${T0.toString(36)}.${state}`, sealed]]);
    expect(await readTransaction(state, jar, options)).toBeUndefined();
  });

  it("gives undefined for a tampered, foreign or swapped cookie", async () => {
    const t = transaction();
    const other = transaction();
    const jar = apply(new Map(), await transactionCookies(t, new Map(), options, T0));
    const name = `auth_txn.${T0.toString(36)}.${t.state}`;
    const value = jar.get(name)!;
    expect(await readTransaction(t.state, new Map([[name, flip(value, 80)]]), options)).toBeUndefined();
    expect(await readTransaction(t.state, jar, { secrets: [B], secure: false })).toBeUndefined();
    // The sealed state must match the state in the cookie name.
    const otherValue = (await transactionCookies(other, new Map(), options, T0))[0]!.value;
    expect(await readTransaction(t.state, new Map([[name, otherValue]]), options)).toBeUndefined();
  });

  it("gives undefined for a sealed value missing a field", async () => {
    const { nonce: _, ...partial } = transaction();
    const sealed = await seal({ v: 1, ...partial }, [A], TRANSACTION_MAX_AGE);
    const jar = new Map([[`auth_txn.${T0.toString(36)}.${partial.state}`, sealed]]);
    expect(await readTransaction(partial.state, jar, options)).toBeUndefined();
  });

  it("expires after 10 minutes", async () => {
    useFakeDate(T0);
    const t = transaction();
    const jar = apply(new Map(), await transactionCookies(t, new Map(), options));
    expect([...jar.keys()]).toEqual([`auth_txn.${T0.toString(36)}.${t.state}`]);
    vi.setSystemTime(T0 + 9 * 60_000);
    expect(await readTransaction(t.state, jar, options)).toBeDefined();
    vi.setSystemTime(T0 + TRANSACTION_MAX_AGE * 1000 + IRON_SKEW_MS + 1000);
    expect(await readTransaction(t.state, jar, options)).toBeUndefined();
  });

  it(`keeps at most ${MAX_TRANSACTIONS}, deleting the oldest by creation time`, async () => {
    const jar = new Map<string, string>();
    // Created out of order, so jar order differs from creation order.
    const offsets = [3, 1, 4, 0, 2];
    const byOffset = new Map<number, Transaction>();
    for (const offset of offsets) {
      const t = transaction();
      byOffset.set(offset, t);
      const writes = await transactionCookies(t, jar, options, T0 + offset * 1000);
      expect(writes).toHaveLength(1);
      apply(jar, writes);
    }
    expect(jar.size).toBe(MAX_TRANSACTIONS);

    const sixth = transaction();
    const writes = await transactionCookies(sixth, jar, options, T0 + 10_000);
    const oldest = byOffset.get(0)!;
    expect(writes.slice(1)).toEqual([
      { name: `auth_txn.${T0.toString(36)}.${oldest.state}`, value: "", secure: false, maxAge: 0 },
    ]);
    apply(jar, writes);
    expect(jar.size).toBe(MAX_TRANSACTIONS);
    expect(await readTransaction(oldest.state, jar, options)).toBeUndefined();
    expect((await readTransaction(sixth.state, jar, options))?.transaction.nonce).toBe(sixth.nonce);
    for (const offset of [1, 2, 3, 4]) {
      const t = byOffset.get(offset)!;
      expect((await readTransaction(t.state, jar, options))?.transaction.nonce).toBe(t.nonce);
    }
  });

  it("deletes all transaction cookies and nothing else", async () => {
    const jar = new Map<string, string>([
      ["auth_user", "identity"],
      ["other", "x"],
      ["__Host-auth_txn.abc.state", "secure-one"],
    ]);
    for (let i = 0; i < 3; i++) apply(jar, await transactionCookies(transaction(), jar, options, T0 + i));
    const deletions = allTransactionDeletions(jar, false);
    expect(deletions).toHaveLength(3);
    for (const d of deletions) {
      expect(d.name.startsWith("auth_txn.")).toBe(true);
      expect(d).toMatchObject({ value: "", maxAge: 0, secure: false });
    }
    apply(jar, deletions);
    expect([...jar.keys()].sort()).toEqual(["__Host-auth_txn.abc.state", "auth_user", "other"]);
    expect(allTransactionDeletions(jar, true)).toEqual([
      { name: "__Host-auth_txn.abc.state", value: "", secure: true, maxAge: 0 },
    ]);
  });
});

/** An identity without its session fields (checked by the session tests). */
/** The identity without its session fields and without the login hook's mark (false for every identity here). */
function withoutSession(identity: Identity | undefined): Omit<Identity, "session" | "reshaped"> | undefined {
  if (identity === undefined) return undefined;
  expect(identity.reshaped).toBe(false);
  const { session: _session, reshaped: _reshaped, ...rest } = identity;
  return rest;
}
