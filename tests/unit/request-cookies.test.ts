import { beforeEach, describe, expect, it, vi } from "vitest";

/** requestJar(): the Cookie header (first value wins), overlaid with what a server action set earlier in the request. */

const request = vi.hoisted(() => ({ header: "", current: new Map<string, string>() }));

vi.mock("next/headers", () => ({
  headers: async () => new Headers(request.header ? { cookie: request.header } : {}),
  cookies: async () => ({ getAll: () => [...request.current].map(([name, value]) => ({ name, value })) }),
}));

const { requestJar } = await import("@/lib/auth/server/request-cookies");

/** As Next's cookies() reads a header before any change: the last value of a repeated name. */
function untouched(header: string): Map<string, string> {
  return new Map(header.split("; ").map((pair) => pair.split("=") as [string, string]));
}

beforeEach(() => {
  request.header = "";
  request.current = new Map();
});

describe("requestJar()", () => {
  it("reads the header, the first of repeated names winning, when nothing changed in the request", async () => {
    request.header = "auth_user=first; other=x; auth_user=second";
    request.current = untouched(request.header);
    expect([...(await requestJar())]).toEqual([
      ["auth_user", "first"],
      ["other", "x"],
    ]);
  });

  it("sees a cookie a server action set earlier in the same request (refreshUser's new identity)", async () => {
    request.header = "auth_user=old; other=x";
    request.current = new Map([
      ["auth_user", "new"],
      ["other", "x"],
      ["auth_tokens", "added"],
    ]);
    const jar = await requestJar();
    expect(jar.get("auth_user")).toBe("new");
    expect(jar.get("auth_tokens")).toBe("added");
    expect(jar.get("other")).toBe("x");
  });

  it("forgets a cookie deleted earlier in the same request (a logout)", async () => {
    request.header = "auth_user=old; other=x";
    request.current = new Map([["other", "x"]]);
    expect((await requestJar()).has("auth_user")).toBe(false);
  });
});
