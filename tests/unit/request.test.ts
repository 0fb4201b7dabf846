import { describe, expect, it } from "vitest";
import {
  isBackgroundRequest,
  isFramed,
  isPrefetch,
  isSameOriginRequest,
  requestCookies,
} from "@/lib/auth/routes/request";

const ORIGIN = "https://app.example";

function request(headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/auth/login`, { headers });
}

describe("isSameOriginRequest", () => {
  it.each(["same-origin", "none"])("is true for Sec-Fetch-Site: %s", (site) => {
    expect(isSameOriginRequest(request({ "sec-fetch-site": site }), ORIGIN)).toBe(true);
  });

  it.each(["cross-site", "same-site", "bogus"])("is false for Sec-Fetch-Site: %s", (site) => {
    expect(isSameOriginRequest(request({ "sec-fetch-site": site }), ORIGIN)).toBe(false);
  });

  it("trusts Sec-Fetch-Site over Origin and Referer", () => {
    expect(
      isSameOriginRequest(request({ "sec-fetch-site": "cross-site", origin: ORIGIN, referer: `${ORIGIN}/x` }), ORIGIN),
    ).toBe(false);
    expect(isSameOriginRequest(request({ "sec-fetch-site": "same-origin", origin: "https://evil.test" }), ORIGIN)).toBe(
      true,
    );
  });

  it("falls back to Origin", () => {
    expect(isSameOriginRequest(request({ origin: ORIGIN }), ORIGIN)).toBe(true);
    expect(isSameOriginRequest(request({ origin: "https://evil.test" }), ORIGIN)).toBe(false);
    expect(isSameOriginRequest(request({ origin: "http://app.example" }), ORIGIN)).toBe(false);
    expect(isSameOriginRequest(request({ origin: "https://app.example:8443" }), ORIGIN)).toBe(false);
    expect(isSameOriginRequest(request({ origin: "https://sub.app.example" }), ORIGIN)).toBe(false);
  });

  it("is false for Origin: null, even with a same-origin Referer", () => {
    expect(isSameOriginRequest(request({ origin: "null" }), ORIGIN)).toBe(false);
    expect(isSameOriginRequest(request({ origin: "null", referer: `${ORIGIN}/page` }), ORIGIN)).toBe(false);
  });

  it("prefers Origin over Referer", () => {
    expect(isSameOriginRequest(request({ origin: "https://evil.test", referer: `${ORIGIN}/page` }), ORIGIN)).toBe(
      false,
    );
  });

  it("falls back to Referer", () => {
    expect(isSameOriginRequest(request({ referer: `${ORIGIN}/page?x=1` }), ORIGIN)).toBe(true);
    expect(isSameOriginRequest(request({ referer: "https://evil.test/https://app.example/" }), ORIGIN)).toBe(false);
    expect(isSameOriginRequest(request({ referer: "https://app.example.evil.test/" }), ORIGIN)).toBe(false);
    expect(isSameOriginRequest(request({ referer: "not a url" }), ORIGIN)).toBe(false);
  });

  it("is false without any of the headers", () => {
    expect(isSameOriginRequest(request(), ORIGIN)).toBe(false);
  });
});

describe("isPrefetch", () => {
  it.each<Record<string, string>>([
    { "next-router-prefetch": "1" },
    { purpose: "prefetch" },
    { "sec-purpose": "prefetch" },
    { "sec-purpose": "prefetch;prerender" },
    { "x-middleware-prefetch": "1" },
    { "x-middleware-prefetch": "" },
  ])("is true for %j", (headers) => {
    expect(isPrefetch(request(headers))).toBe(true);
  });

  it.each<Record<string, string>>([
    {},
    { "next-router-prefetch": "0" },
    { purpose: "navigate" },
    { "sec-purpose": "prerender" },
    { "sec-fetch-dest": "document" },
  ])("is false for %j", (headers) => {
    expect(isPrefetch(request(headers))).toBe(false);
  });
});

describe("isFramed", () => {
  it.each(["iframe", "frame", "embed", "object"])("is true for Sec-Fetch-Dest: %s", (dest) => {
    expect(isFramed(request({ "sec-fetch-dest": dest }))).toBe(true);
  });

  it.each(["document", "empty", "image"])("is false for Sec-Fetch-Dest: %s", (dest) => {
    expect(isFramed(request({ "sec-fetch-dest": dest }))).toBe(false);
  });

  it("is false without Sec-Fetch-Dest", () => {
    expect(isFramed(request())).toBe(false);
  });
});

describe("isBackgroundRequest", () => {
  it.each<Record<string, string>>([
    { "next-router-prefetch": "1" },
    { "sec-purpose": "prefetch" },
    { rsc: "1" },
    { "sec-fetch-dest": "image" },
    { "sec-fetch-dest": "empty" },
    { "sec-fetch-dest": "script" },
  ])("is true for %j", (headers) => {
    expect(isBackgroundRequest(request(headers))).toBe(true);
  });

  it.each<Record<string, string>>([
    {},
    { "sec-fetch-dest": "document" },
    { "sec-fetch-dest": "iframe" },
    { "sec-fetch-dest": "frame" },
    { rsc: "0" },
  ])("is false for %j (a page load, or a frame that gets its own answer)", (headers) => {
    expect(isBackgroundRequest(request(headers))).toBe(false);
  });
});

describe("requestCookies", () => {
  it("parses the Cookie header of a request", () => {
    expect([...requestCookies(request({ cookie: "a=1; b=2; a=3" })).entries()]).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect(requestCookies(request()).size).toBe(0);
  });
});
