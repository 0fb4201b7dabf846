import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseAuthConfig } from "@/lib/auth/config/parse";
import type { AuthConfig } from "@/lib/auth/config/types";
import { identityCookies, readIdentity } from "@/lib/auth/cookie/identity";
import { clearIdentityMemo, identityMemoStats } from "@/lib/auth/cookie/identity-cookie";
import { parseCookieHeader } from "@/lib/auth/cookie/serialize";
import { sessionCookies } from "@/lib/auth/cookie/session-cookies";
import { SESSION_COOKIES_BUDGET } from "@/lib/auth/cookie/tokens";
import { openTokens } from "@/lib/auth/cookie/tokens-seal";
import { CHUNK_SIZE } from "@/lib/auth/cookie/chunks";
import { checkIdentity } from "@/lib/auth/gate/identity";
import { authMiddleware } from "@/lib/auth/middleware";
import { handleUser } from "@/lib/auth/routes/user";
import { USER_ROUTE_HEADER } from "@/lib/auth/config/base-path";
import { userFromCookies } from "@/lib/auth/user/from-cookies";

/** session_lifetime and session_idle_timeout: the config keys, and their enforcement by the gate and getUser(). */

const SECRET = "lifetime-secret-0123456789-0123456789-abc";
const METADATA = "http://127.0.0.1:9/.well-known/openid-configuration";
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function toml(extra: string): string {
  return `
[auth]
redirect_uri = "http://localhost:3000/oauth2callback"
cookie_secret = "${SECRET}"
${extra}
client_id = "app"
client_secret = "secret"
server_metadata_url = "${METADATA}"
`;
}

function configOf(extra: string): AuthConfig {
  const state = parseAuthConfig(toml(extra), { source: "secrets.toml" });
  if (state.status !== "ok") throw new Error(JSON.stringify(state));
  return state.config;
}

function errorsOf(extra: string) {
  const state = parseAuthConfig(toml(extra), { source: "secrets.toml" });
  return state.status === "invalid" ? state.errors : [];
}

async function cookieFor(config: AuthConfig, times: { loginTime?: number; lastActivity?: number } = {}) {
  const writes = await identityCookies(
    { claims: { sub: "ada", provider: "default" }, serverMetadataUrl: METADATA, ...times },
    new Map(),
    { secrets: [SECRET], secure: false, policy: config.session },
  );
  return writes.map((w) => `${w.name}=${w.value}`).join("; ");
}

const loggedIn = async (cookie: string, config: AuthConfig) =>
  (await userFromCookies(parseCookieHeader(cookie), { status: "ok", config }))["is_logged_in"];

afterEach(() => {
  vi.useRealTimers();
  delete process.env["AUTH_SECRETS"];
});

describe("the session keys in [auth]", () => {
  it("reads durations as seconds or strings with d, h, m, s", () => {
    expect(configOf("").session).toEqual({ lifetime: 30 * 24 * 3600 });
    expect(configOf('session_lifetime = "7d"\nsession_idle_timeout = "1h30m"').session).toEqual({
      lifetime: 7 * 24 * 3600,
      idleTimeout: 5400,
    });
    expect(configOf("session_lifetime = 86400\nsession_idle_timeout = 900").session).toEqual({
      lifetime: 86400,
      idleTimeout: 900,
    });
    expect(configOf('session_lifetime = " 12H "').session.lifetime).toBe(12 * 3600);
  });

  it.each([
    ["a table", "session_lifetime = { days = 7 }"],
    ["a boolean", "session_idle_timeout = true"],
    ["a list", 'session_lifetime = ["7d"]'],
  ])("refuses a session duration that is %s (WRONG_TYPE)", (_, line) => {
    const [error] = errorsOf(line);
    expect(error).toMatchObject({ code: "WRONG_TYPE", section: "[auth]" });
    expect(error?.message).toContain("must be a number of seconds or a duration string");
    expect(error?.fix).toMatch(/units d, h, m, s/);
  });

  it.each([
    ['session_lifetime = "soon"', "is not a duration"],
    ['session_lifetime = "7 days"', "is not a duration"],
    ["session_lifetime = 1.5", "is not a duration"],
    ["session_idle_timeout = 30", "between 60 seconds and 400 days"],
    ['session_lifetime = "401d"', "between 60 seconds and 400 days"],
    ["session_lifetime = -60", "between 60 seconds and 400 days"],
  ])("refuses the session duration %s (INVALID_VALUE)", (line, problem) => {
    const [error] = errorsOf(line);
    expect(error).toMatchObject({ code: "INVALID_VALUE", key: line.split(" ")[0] });
    expect(error?.message).toContain(problem);
  });

  it("refuses an idle timeout longer than the lifetime", () => {
    const [error] = errorsOf('session_lifetime = "1h"\nsession_idle_timeout = "2h"');
    expect(error).toMatchObject({ code: "INVALID_VALUE", key: "session_idle_timeout" });
    expect(error?.message).toContain("is longer than the session lifetime (3600 s)");
  });

  it("suggests the key for a near miss", () => {
    const state = parseAuthConfig(toml('session_lifetme = "7d"'), { source: "secrets.toml" });
    expect(state.status === "ok" && state.config.warnings.join()).toContain('Did you mean "session_lifetime"?');
  });
});

describe("the absolute lifetime", () => {
  it("ends a session at login + session_lifetime in getUser() and the gate, whatever the activity", async () => {
    const config = configOf('session_lifetime = "1d"\nsession_idle_timeout = "1h"');
    const cookie = await cookieFor(config, { loginTime: Date.now() - DAY - MINUTE, lastActivity: Date.now() });
    expect(await loggedIn(cookie, config)).toBe(false);
    expect((await checkIdentity(parseCookieHeader(cookie), config, { gated: true, reseal: false })).valid).toBe(false);
    const fresh = await cookieFor(config, { loginTime: Date.now() - DAY + MINUTE, lastActivity: Date.now() });
    expect(await loggedIn(fresh, config)).toBe(true);
  });

  it("shortening session_lifetime ends older sessions at once (the sealed login time decides, not Max-Age)", async () => {
    const long = configOf("");
    const cookie = await cookieFor(long, { loginTime: Date.now() - 2 * DAY });
    expect(await loggedIn(cookie, long)).toBe(true);
    expect(await loggedIn(cookie, configOf('session_lifetime = "1d"'))).toBe(false);
  });

  it("seals and sets the cookie for exactly the time left", async () => {
    const config = configOf('session_lifetime = "2h"');
    const writes = await identityCookies({ claims: { sub: "ada" } }, new Map(), {
      secrets: [SECRET],
      secure: false,
      policy: config.session,
    });
    expect(writes[0]?.maxAge).toBe(7200);
  });

  it("an expired session through the middleware: sent to log in", async () => {
    process.env["AUTH_SECRETS"] = toml('session_lifetime = "1h"');
    const config = configOf('session_lifetime = "1h"');
    const cookie = await cookieFor(config, { loginTime: Date.now() - 61 * MINUTE });
    const gate = authMiddleware({ matcher: ["/protected/:path*"] });
    const response = await gate(new NextRequest("http://localhost:3000/protected", { headers: { cookie } }));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toContain("/auth/login");
  });
});

describe("the idle timeout", () => {
  const config = configOf('session_idle_timeout = "30m"');

  it("ends a session with no activity recorded for session_idle_timeout, in getUser() and the gate", async () => {
    const idle = await cookieFor(config, {
      loginTime: Date.now() - 2 * 3600_000,
      lastActivity: Date.now() - 31 * MINUTE,
    });
    expect(await loggedIn(idle, config)).toBe(false);
    expect((await checkIdentity(parseCookieHeader(idle), config, { gated: true, reseal: false })).valid).toBe(false);
    const active = await cookieFor(config, {
      loginTime: Date.now() - 2 * 3600_000,
      lastActivity: Date.now() - 29 * MINUTE,
    });
    expect(await loggedIn(active, config)).toBe(true);
  });

  it("the gate records activity at most once per tenth of the timeout, keeping the login time", async () => {
    const loginTime = Date.now() - 3600_000;
    const recent = await cookieFor(config, { loginTime, lastActivity: Date.now() - 2 * MINUTE });
    expect((await checkIdentity(parseCookieHeader(recent), config, { gated: true, reseal: false })).rewrite).toEqual(
      [],
    );

    const due = await cookieFor(config, { loginTime, lastActivity: Date.now() - 4 * MINUTE });
    const gate = await checkIdentity(parseCookieHeader(due), config, { gated: true, reseal: false });
    expect(gate.valid).toBe(true);
    expect(gate.rewrite).toHaveLength(1);
    expect(gate.rewrite[0]?.maxAge).toBe(30 * 60);
    const renewed = await readIdentity(new Map([[gate.rewrite[0]!.name, gate.rewrite[0]!.value]]), {
      secrets: [SECRET],
      secure: false,
    });
    expect(renewed?.session.loginTime).toBe(loginTime);
    expect(renewed?.session.lastActivity).toBeGreaterThan(Date.now() - 1000);
    // The renewed cookie keeps the session alive past the old activity time + timeout.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 28 * MINUTE });
    expect(await loggedIn(`${gate.rewrite[0]!.name}=${gate.rewrite[0]!.value}`, config)).toBe(true);
    expect(await loggedIn(due, config)).toBe(false);
  });

  it("GET /auth/user (useUser() on a static page) records activity when it is due, and only then", async () => {
    process.env["AUTH_SECRETS"] = toml('session_idle_timeout = "30m"');
    const loginTime = Date.now() - 3600_000;
    const ask = async (cookie: string) =>
      handleUser(
        new Request("http://localhost:3000/auth/user", {
          headers: { cookie, [USER_ROUTE_HEADER]: "1", "sec-fetch-site": "same-origin" },
        }),
      );
    const recent = await ask(await cookieFor(config, { loginTime, lastActivity: Date.now() - MINUTE }));
    expect(await recent.json()).toMatchObject({ is_logged_in: true, sub: "ada" });
    expect(recent.headers.getSetCookie()).toEqual([]);
    const due = await ask(await cookieFor(config, { loginTime, lastActivity: Date.now() - 5 * MINUTE }));
    expect(await due.json()).toMatchObject({ is_logged_in: true });
    const [line] = due.headers.getSetCookie();
    expect(line).toMatch(/^auth_user=Fe26\.2\*.*Max-Age=1800;/);
    const renewed = await readIdentity(parseCookieHeader(line!.split(";")[0]), { secrets: [SECRET], secure: false });
    expect(renewed?.session.lastActivity).toBeGreaterThan(Date.now() - 1000);
    expect(renewed?.session.loginTime).toBe(loginTime);
  });

  it("renewals never extend the absolute lifetime", async () => {
    const short = configOf('session_lifetime = "1h"\nsession_idle_timeout = "30m"');
    const cookie = await cookieFor(short, {
      loginTime: Date.now() - 50 * MINUTE,
      lastActivity: Date.now() - 10 * MINUTE,
    });
    const gate = await checkIdentity(parseCookieHeader(cookie), short, { gated: true, reseal: false });
    expect(gate.rewrite[0]?.maxAge).toBeLessThanOrEqual(10 * 60);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * MINUTE });
    expect(await loggedIn(`${gate.rewrite[0]!.name}=${gate.rewrite[0]!.value}`, short)).toBe(false);
  });

  it("between renewals the cookie stays the same, so the memo of verified cookies keeps answering", async () => {
    clearIdentityMemo();
    const cookie = await cookieFor(config);
    for (let i = 0; i < 50; i++) {
      const gate = await checkIdentity(parseCookieHeader(cookie), config, { gated: true, reseal: false });
      expect(gate.rewrite).toEqual([]);
    }
    expect(identityMemoStats().size).toBe(1);
  });

  it("a request that is not gated (a re-seal for rotation only) records no activity", async () => {
    const OLD = "lifetime-old-secret-0123456789-0123456789";
    const rotating = { ...config, cookieSecrets: [SECRET, OLD] };
    const writes = await identityCookies(
      {
        claims: { sub: "ada", provider: "default" },
        serverMetadataUrl: METADATA,
        loginTime: Date.now() - 20 * MINUTE,
        lastActivity: Date.now() - 10 * MINUTE,
      },
      new Map(),
      { secrets: [OLD], secure: false, policy: config.session },
    );
    const gate = await checkIdentity(new Map(writes.map((w) => [w.name, w.value])), rotating, {
      gated: false,
      reseal: true,
    });
    const resealed = await readIdentity(new Map([[gate.rewrite[0]!.name, gate.rewrite[0]!.value]]), {
      secrets: [SECRET],
      secure: false,
    });
    expect(resealed?.session.lastActivity).toBeLessThan(Date.now() - 9 * MINUTE);
  });
});

describe("the cookie budget", () => {
  const groups = Array.from({ length: 300 }, (_, i) => `engineering-platform-group-${String(i + 1).padStart(3, "0")}`);
  const claims = {
    sub: "00000000-0000-0000-66f3-3332eca7ea81",
    email: "ada@example.com",
    name: "Ada Lovelace",
    iss: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
    groups,
    provider: "default",
  };
  const random = (length: number) => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b % 64]).join("");
  };
  // Keycloak-sized tokens (larger than Google's, Okta's or Auth0's): a 1,400-character JWT access token and an
  // 800-character JWT refresh token.
  const accessToken = `eyJ${random(1397)}`;
  const refreshToken = `eyJ${random(797)}`;

  it("300 groups plus an access and a refresh token: two cookies, a Cookie header under 8 KB, nothing dropped", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const result = await sessionCookies(
      { claims, idToken: `eyJ${random(1200)}` },
      { issuedAt: Date.now(), accessToken, accessTokenExpiresAt: Date.now() + 3600_000, refreshToken },
      new Map(),
      { secrets: [SECRET], secure: true },
    );
    const cookies = result.writes.filter((w) => w.maxAge > 0);
    expect(cookies.map((w) => w.name)).toEqual(["__Host-auth_user", "__Host-auth_tokens"]);
    expect(result.dropped).toEqual([]);
    const header = cookies.map((w) => `${w.name}=${w.value}`).join("; ");
    expect(header.length).toBeLessThan(8192);
    for (const w of cookies) expect(w.value.length).toBeLessThanOrEqual(CHUNK_SIZE);
    const jar = parseCookieHeader(header);
    const identity = await readIdentity(jar, { secrets: [SECRET], secure: true });
    expect(identity?.claims["groups"]).toEqual(groups);
    const tokens = await openTokens(jar.get("__Host-auth_tokens")!, [SECRET], identity?.session.id);
    expect(tokens).toMatchObject({ accessToken, refreshToken });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("Microsoft Entra-sized tokens beside 300 groups: the access token gives way (logged), still two cookies under 8 KB", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const entraRefreshToken = random(1200);
    const result = await sessionCookies(
      { claims },
      {
        issuedAt: Date.now(),
        accessToken: `eyJ${random(1797)}`,
        accessTokenExpiresAt: Date.now() + 3600_000,
        refreshToken: entraRefreshToken,
      },
      new Map(),
      { secrets: [SECRET], secure: true },
    );
    expect(result.dropped).toEqual(["access token"]);
    const cookies = result.writes.filter((w) => w.maxAge > 0);
    expect(cookies).toHaveLength(2);
    expect(cookies.map((w) => `${w.name}=${w.value}`).join("; ").length).toBeLessThan(8192);
    const jar = new Map(cookies.map((w) => [w.name, w.value]));
    const identity = await readIdentity(jar, { secrets: [SECRET], secure: true });
    const tokens = await openTokens(jar.get("__Host-auth_tokens")!, [SECRET], identity?.session.id);
    expect(tokens?.refreshToken).toBe(entraRefreshToken);
    expect(tokens?.accessToken).toBeUndefined();
    expect(warn.mock.calls.flat().join(" ")).toContain("the access token could not be kept");
    warn.mockRestore();
  });

  it("when the identity leaves too little room, drops the ID token, then the access token, then the refresh token, and says so", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const noisy = { sub: "ada", provider: "default", a: random(2300), b: random(2300) };
    const result = await sessionCookies(
      { claims: noisy },
      {
        issuedAt: Date.now(),
        accessToken,
        accessTokenExpiresAt: Date.now() + 3600_000,
        refreshToken: random(300),
        idToken: random(1500),
      },
      new Map(),
      { secrets: [SECRET], secure: false },
    );
    expect(result.dropped).toEqual(["ID token", "access token"]);
    const kept = result.writes.filter((w) => w.maxAge > 0);
    const total = kept.reduce((sum, w) => sum + w.value.length, 0);
    expect(total).toBeLessThanOrEqual(SESSION_COOKIES_BUDGET);
    expect(kept.map((w) => w.name)).toEqual(["auth_user", "auth_user.1", "auth_tokens"]);
    expect(warn.mock.calls.flat().join(" ")).toMatch(/ID token, access token could not be kept.*refreshes to get one/);
    warn.mockRestore();
  });
});
