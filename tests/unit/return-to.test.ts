import { describe, expect, it } from "vitest";
import { safeReturnTo } from "@/lib/auth/routes/return-to";
import { prng } from "../support/prng";

const ORIGIN = "https://app.example";

describe("safeReturnTo", () => {
  it.each([
    ["/", "/"],
    ["/a/b?x=1#h", "/a/b?x=1#h"],
    ["/dashboard", "/dashboard"],
    ["/search?q=a%20b&page=2", "/search?q=a%20b&page=2"],
    ["/auth", "/auth"],
    ["/authors/1", "/authors/1"],
    ["/a/../b", "/b"],
    ["/auth/settings", "/auth/settings"],
    ["/auth/loginhelp", "/auth/loginhelp"],
    ["/caf\u00e9", "/caf%C3%A9"],
  ])("keeps the same-origin path %j", (raw, expected) => {
    expect(safeReturnTo(raw, ORIGIN)).toBe(expected);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["empty", ""],
    ["an absolute URL elsewhere", "https://evil.test"],
    ["an absolute URL on the same origin", "https://app.example/dashboard"],
    ["protocol-relative", "//evil.test"],
    ["protocol-relative with a path", "//evil.test/a"],
    ["slash-backslash", "/\\evil.test"],
    ["backslash-slash", "\\/evil.test"],
    ["backslash-backslash", "\\\\evil.test"],
    ["scheme without slashes", "https:evil.test"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["encoded slashes", "%2F%2Fevil.test"],
    ["userinfo", "https://app.example@evil.test"],
    ["a relative path", "dashboard"],
    ["dot-relative", "./dashboard"],
    ["an 8 KB path", `/${"a".repeat(8 * 1024)}`],
    ["a tab", "/\t/evil.test"],
    ["a newline", "/\n/evil.test"],
    ["a carriage return", "/a\rb"],
    ["a NUL", "/a\u0000b"],
    ["DEL", "/a\u007fb"],
    ["an escape", "/a\u001bb"],
    ["a dot segment to //", "/a/..//evil.test"],
    ["a dot segment to //, variant", "/.//evil.test"],
    ["/auth/logout", "/auth/logout"],
    ["/auth/login?x", "/auth/login?x"],
    ["/auth/callback", "/auth/callback?code=x&state=y"],
    ["/auth/ via dot segments", "/x/../auth/login"],
    ["/auth/logout/ with a trailing slash", "/auth/logout/"],
    ["/auth/ via encoded dot segments", "/x/%2e%2e/auth/login"],
  ])("returns / for %s", (_, raw) => {
    expect(safeReturnTo(raw, ORIGIN)).toBe("/");
  });

  it("never returns CR or LF for an encoded header injection", () => {
    const result = safeReturnTo("/%0d%0aSet-Cookie:x", ORIGIN);
    expect(result).not.toMatch(/[\r\n]/);
    expect(result.startsWith("/")).toBe(true);
    expect(result.startsWith("//")).toBe(false);
    expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
  });

  it("accepts exactly 2048 characters and refuses 2049", () => {
    const ok = `/${"a".repeat(2047)}`;
    expect(safeReturnTo(ok, ORIGIN)).toBe(ok);
    expect(safeReturnTo(`${ok}a`, ORIGIN)).toBe("/");
  });
});

const ALPHABET = [
  ..."/\\:@%.?#",
  ..."/////....",
  ..."aeAZ09-_~=&",
  "%2f",
  "%2F",
  "%5c",
  "%2e",
  "%0d",
  "%0a",
  "%00",
  "https:",
  "//",
  "evil.test",
  "auth",
  "app.example",
  "javascript:",
  "\u0000",
  "\t",
  "\n",
  "\r",
  "\u001b",
  "\u007f",
  "\u00e9",
  "\u2028",
  " ",
];

describe("safeReturnTo property", () => {
  it("always returns a same-origin, non-protocol-relative path for 2,000 random strings", () => {
    const random = prng(0x5eed);
    const pick = () => ALPHABET[Math.floor(random() * ALPHABET.length)]!;
    let kept = 0;
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * 12);
      let raw = random() < 0.7 ? "/" : "";
      for (let i = 0; i < length; i++) raw += pick();
      const result = safeReturnTo(raw, ORIGIN);
      const context = JSON.stringify({ raw, result });
      expect(result.startsWith("/"), context).toBe(true);
      expect(result.startsWith("//"), context).toBe(false);
      expect(result, context).not.toMatch(/[\u0000-\u001f\u007f\\]/);
      expect(new URL(result, ORIGIN).origin, context).toBe(ORIGIN);
      expect(new URL(result, ORIGIN).pathname.startsWith("/auth/"), context).toBe(false);
      expect(safeReturnTo(result, ORIGIN), `idempotent ${context}`).toBe(result);
      if (result !== "/") kept++;
    }
    // The generator must produce plenty of accepted paths too, or the property says little.
    expect(kept).toBeGreaterThan(200);
  });
});
