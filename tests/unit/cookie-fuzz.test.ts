import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityCookies, readIdentity } from "@/lib/auth/cookie/identity";
import { parseCookieHeader, type CookieWrite } from "@/lib/auth/cookie/serialize";
import { authMiddleware } from "@/lib/auth/middleware";
import { prng } from "../support/prng";

/**
 * 10,000 random and mutated identity cookies through the cookie reader (getUser's path, with decompression and
 * chunks) and through the middleware: zero exceptions, zero logins. Seeded, so a failure reproduces.
 */

const SECRET = "fuzz-cookie-secret-0123456789-abcdefghijk";
const ALPHABET = "Fe26.2*~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-=%;,\"' \u00e9\u2603";

type Jar = ReadonlyMap<string, string>;

function jarOf(writes: readonly CookieWrite[]): Jar {
  return new Map(writes.map((w) => [w.name, w.value]));
}

let samples: Jar[] = [];

/** Valid identities of every shape to mutate: plain, compressed (many groups), and split over two cookies. */
beforeAll(async () => {
  const options = { secrets: [SECRET], secure: false };
  const plain = await identityCookies(
    { claims: { sub: "fuzz", email: "f@example.test" }, tokens: {} },
    new Map(),
    options,
  );
  const groups = Array.from({ length: 300 }, (_, i) => `group-${i}`);
  const compressed = await identityCookies({ claims: { sub: "fuzz", groups }, tokens: {} }, new Map(), options);
  const random = prng(7);
  const noisy = Array.from({ length: 55 }, () =>
    Array.from({ length: 90 }, () => ALPHABET[Math.floor(random() * 62)]).join(""),
  );
  const chunked = await identityCookies({ claims: { sub: "fuzz", noisy }, tokens: {} }, new Map(), options);
  expect(chunked.length).toBe(2);
  samples = [plain, compressed, chunked].map(jarOf);
  for (const jar of samples) expect((await readIdentity(jar, options))?.claims["sub"]).toBe("fuzz");
});

function mutate(jar: Jar, random: () => number): Map<string, string> {
  const copy = new Map(jar);
  const names = [...copy.keys()];
  const name = names[Math.floor(random() * names.length)]!;
  const value = copy.get(name)!;
  const at = Math.floor(random() * value.length);
  const char = ALPHABET[Math.floor(random() * ALPHABET.length)]!;
  switch (Math.floor(random() * 6)) {
    case 0: // one character replaced
      copy.set(name, value.slice(0, at) + char + value.slice(at + 1));
      break;
    case 1: // truncated
      copy.set(name, value.slice(0, at));
      break;
    case 2: // extended
      copy.set(name, value + char.repeat(1 + Math.floor(random() * 20)));
      break;
    case 3: // a chunk lost, or a chunk count changed
      if (names.length > 1) copy.delete(names[1]!);
      else copy.set(name, `2~${value}`);
      break;
    case 4: // a part of the seal swapped with another
      copy.set(name, value.split("*").reverse().join("*"));
      break;
    default: // chunks swapped
      if (names.length > 1) {
        copy.set(names[0]!, jar.get(names[1]!)!);
        copy.set(names[1]!, jar.get(names[0]!)!);
      } else copy.set(name, value.slice(at) + value.slice(0, at));
  }
  return copy;
}

function garbage(random: () => number): Jar {
  const length = Math.floor(random() * 400);
  const value = Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join("");
  return new Map([
    [random() < 0.5 ? "auth_user" : "auth_user.1", value],
    ...(random() < 0.3 ? [["auth_user", `3~${value}`] as [string, string]] : []),
  ]);
}

function cases(seed: number, count: number): Jar[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? mutate(samples[i % samples.length]!, random) : garbage(random),
  );
}

const isOriginal = (jar: Jar) => samples.some((s) => s.size === jar.size && [...s].every(([k, v]) => jar.get(k) === v));

describe("fuzzing the identity cookie", () => {
  it("10,000 values through the cookie reader: no exception, no identity", async () => {
    let checked = 0;
    for (const jar of cases(1, 10_000)) {
      if (isOriginal(jar)) continue;
      await expect(readIdentity(jar, { secrets: [SECRET], secure: false })).resolves.toBeUndefined();
      checked++;
    }
    expect(checked).toBeGreaterThan(9_900);
  }, 60_000);

  describe("through the middleware", () => {
    const saved = process.env["AUTH_SECRETS"];
    beforeAll(() => {
      process.env["AUTH_SECRETS"] =
        `[auth]\nredirect_uri = "http://localhost:3000/oauth2callback"\ncookie_secret = "${SECRET}"\n`;
    });
    afterAll(() => {
      if (saved === undefined) delete process.env["AUTH_SECRETS"];
      else process.env["AUTH_SECRETS"] = saved;
    });

    it("10,000 values on a protected path: no exception, always sent to log in", async () => {
      const middleware = authMiddleware({ protect: ["/private"] });
      let checked = 0;
      for (const jar of cases(2, 10_000)) {
        // Header values are bytes: non-ASCII arrives as its UTF-8 bytes read as Latin-1, as Node's HTTP parser does.
        const cookie = Buffer.from([...jar].map(([k, v]) => `${k}=${v}`).join("; "), "utf8").toString("latin1");
        // A mutation such as appending ";;;" only ends the value early: the server then really has the valid cookie.
        if (isOriginal(parseCookieHeader(cookie))) continue;
        const response = await middleware(new NextRequest("http://localhost:3000/private", { headers: { cookie } }));
        expect(response.status).toBe(307);
        checked++;
      }
      expect(checked).toBeGreaterThan(9_900);
    }, 60_000);
  });
});
