import type * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { AuthFlowError } from "@/lib/auth/protocol/errors";
import { checkExtraClaims, MAX_CLOCK_SKEW_S, MAX_ID_TOKEN_AGE_S, needsUserInfo } from "@/lib/auth/protocol/token";

const CLIENT_ID = "client-123";
const NOW = 1_900_000_000;

function claims(overrides: Record<string, unknown> = {}): oauth.IDToken {
  return {
    iss: "https://idp.example",
    sub: "user-1",
    aud: CLIENT_ID,
    iat: NOW - 5,
    exp: NOW + 300,
    ...overrides,
  } as unknown as oauth.IDToken;
}

function expectInvalid(overrides: Record<string, unknown>): AuthFlowError {
  let thrown: unknown;
  try {
    checkExtraClaims(claims(overrides), CLIENT_ID, NOW);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, JSON.stringify(overrides)).toBeInstanceOf(AuthFlowError);
  const error = thrown as AuthFlowError;
  expect(error.code).toBe("INVALID_ID_TOKEN");
  expect(error.status).toBe(502);
  expect(error.message).toContain("ID token");
  expect(error.detail).toBeTypeOf("string");
  return error;
}

describe("checkExtraClaims", () => {
  it("accepts valid claims", () => {
    expect(() => checkExtraClaims(claims(), CLIENT_ID, NOW)).not.toThrow();
  });

  it("accepts a 255-character sub and printable Unicode", () => {
    expect(() => checkExtraClaims(claims({ sub: "s".repeat(255) }), CLIENT_ID, NOW)).not.toThrow();
    expect(() => checkExtraClaims(claims({ sub: "ünïcødé user|42" }), CLIENT_ID, NOW)).not.toThrow();
  });

  it.each([
    ["missing", undefined],
    ["a number", 12345],
    ["empty", ""],
    ["256 characters", "s".repeat(256)],
    ["with a newline", "user\n1"],
    ["with a carriage return", "user\r1"],
    ["with a NUL", "user\u00001"],
    ["with DEL", "user\u007f1"],
    ["an object", { id: 1 }],
  ])("refuses a sub that is %s", (_, sub) => {
    const error = expectInvalid({ sub });
    expect(error.detail).toContain('"sub"');
  });

  it("accepts iat at the edges of the window", () => {
    expect(() => checkExtraClaims(claims({ iat: NOW + MAX_CLOCK_SKEW_S }), CLIENT_ID, NOW)).not.toThrow();
    expect(() =>
      checkExtraClaims(claims({ iat: NOW - MAX_ID_TOKEN_AGE_S - MAX_CLOCK_SKEW_S }), CLIENT_ID, NOW),
    ).not.toThrow();
  });

  it.each([
    ["in the future beyond the skew", NOW + MAX_CLOCK_SKEW_S + 1],
    ["far in the future", NOW + 86_400],
    ["too old", NOW - MAX_ID_TOKEN_AGE_S - MAX_CLOCK_SKEW_S - 1],
    ["a day old", NOW - 86_400],
    ["a string", String(NOW)],
    ["missing", undefined],
  ])("refuses an iat that is %s", (_, iat) => {
    const error = expectInvalid({ iat });
    expect(error.detail).toContain('"iat"');
  });

  it("refuses an azp other than the client id and accepts an equal one", () => {
    expect(expectInvalid({ azp: "another-client" }).detail).toContain('"azp"');
    expectInvalid({ azp: "" });
    expect(() => checkExtraClaims(claims({ azp: CLIENT_ID }), CLIENT_ID, NOW)).not.toThrow();
    expect(() => checkExtraClaims(claims({ aud: [CLIENT_ID, "other"], azp: CLIENT_ID }), CLIENT_ID, NOW)).not.toThrow();
  });

  it("uses the current time by default", () => {
    const now = Math.floor(Date.now() / 1000);
    expect(() => checkExtraClaims(claims({ iat: now }), CLIENT_ID)).not.toThrow();
    expect(() => checkExtraClaims(claims({ iat: now - 86_400 }), CLIENT_ID)).toThrow(AuthFlowError);
  });
});

it("refuses a non-finite iat", () => {
  const claims = { iss: "x", sub: "s", aud: "c", iat: Number.NaN, exp: 1 } as unknown as oauth.IDToken;
  expect(() => checkExtraClaims(claims, "c", 1_900_000_000)).toThrow(AuthFlowError);
});

describe("needsUserInfo", () => {
  const base = { iss: "https://idp.example", sub: "s", aud: "c", iat: 1, exp: 2 } as oauth.IDToken;
  it("is false when the ID token already has the claims of the requested scopes (Google, Entra)", () => {
    expect(needsUserInfo({ ...base, email: "a@b.c", name: "A" }, "openid email profile")).toBe(false);
    expect(needsUserInfo({ ...base, email: "a@b.c", preferred_username: "a" }, "openid email profile")).toBe(false);
    expect(needsUserInfo(base, "openid")).toBe(false);
  });
  it("is true when a scope's claims are missing (a conformant provider puts them in userinfo)", () => {
    expect(needsUserInfo(base, "openid email profile")).toBe(true);
    expect(needsUserInfo({ ...base, name: "A" }, "openid email")).toBe(true);
    expect(needsUserInfo({ ...base, email: "a@b.c" }, "openid profile")).toBe(true);
  });
});
