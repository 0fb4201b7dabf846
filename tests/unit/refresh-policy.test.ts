import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { loadConfig } from "@/lib/auth/config/load";
import type { AuthConfig } from "@/lib/auth/config/types";
import { readIdentity } from "@/lib/auth/cookie/identity";
import type { CookieWrite } from "@/lib/auth/cookie/serialize";
import { clearSuccessors } from "@/lib/auth/cookie/token-successors";
import { openTokens } from "@/lib/auth/cookie/tokens-seal";
import { registerAuth } from "@/lib/auth/instrumentation";
import { AccessTokenError } from "@/lib/auth/protocol/access-token-error";
import { clearMetadataCache } from "@/lib/auth/protocol/discovery";
import { handleCallback, type CallbackOptions } from "@/lib/auth/routes/callback";
import { LoginRefusedError, type LoginEvent, type OnLogin } from "@/lib/auth/routes/login-hook";
import { handleLogin } from "@/lib/auth/routes/login";
import { refreshUserFromCookies } from "@/lib/auth/server/fresh-claims";
import { refusedRefreshTokens } from "@/lib/auth/server/refresh-registry";
import { userFromCookies } from "@/lib/auth/user/from-cookies";
import { Jar } from "../support/cookie-jar";
import { startHostileIdp, type HostileIdp, type Overrides } from "../support/hostile-idp";
import { request } from "../support/oidc-login";

/**
 * refreshUser() applies the login policy to the refreshed claims as the callback does at login: the allow-lists of
 * secrets.toml, then the hook registered with registerAuth({ onLogin }). Through the real route handlers and the
 * refresh against the hostile provider, whose ID token claims each test changes between the login and the refresh.
 */

const APP = "http://localhost:3000";
const SECRET = "refresh-policy-cookie-secret-0123456789-abc";
const ADA = { email: "ada@example.com", email_verified: true };
const SESSION_COOKIE = /^(__Host-)?auth_(user|tokens)(\.\d+)?$/;

type Claims = Record<string, unknown>;

let idp: HostileIdp;
let warn: MockInstance<typeof console.warn>;
let error: MockInstance<typeof console.error>;

function configure(auth = ""): AuthConfig {
  process.env["AUTH_SECRETS"] = `
[auth]
redirect_uri = "${APP}/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "${idp.clientId}"
client_secret = "${idp.clientSecret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"
client_kwargs = { scope = "openid email profile offline_access" }
${auth}
`;
  const state = loadConfig();
  if (state.status !== "ok") throw new Error(JSON.stringify(state));
  return state.config;
}

/** A login with these ID token claims through /auth/login, the provider and the callback handler. */
async function logIn(claims: Overrides, options: CallbackOptions<Claims> = {}): Promise<Jar> {
  idp.scenario = { token: { claims } };
  const jar = new Jar();
  const start = await handleLogin(request(`${APP}/auth/login`, jar));
  jar.apply(start);
  const back = await fetch(start.headers.get("location")!, { redirect: "manual" });
  const done = await handleCallback(request(new URL(back.headers.get("location")!).href, jar), options);
  expect(done.status).toBe(303);
  jar.apply(done);
  return jar;
}

function apply(jar: Jar, writes: readonly CookieWrite[]): void {
  for (const w of writes) {
    if (w.maxAge === 0) jar.cookies.delete(w.name);
    else jar.cookies.set(w.name, w.value);
  }
}

const identityOf = (jar: Jar) => readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
const sessionCookieNames = (jar: Jar) => [...jar.cookies.keys()].filter((name) => SESSION_COOKIE.test(name));
const logLines = (mock: MockInstance<(...args: unknown[]) => void>) =>
  mock.mock.calls.map((args) => args.map(String).join(" ")).join("\n");

const groups = (prefix: string) => Array.from({ length: 300 }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
const trimToThree: OnLogin<Claims> = ({ claims }) => ({
  claims: { ...claims, groups: (claims["groups"] as string[]).slice(0, 3) },
});

beforeAll(async () => {
  idp = await startHostileIdp();
});
afterAll(async () => {
  await idp.close();
  registerAuth();
  delete process.env["AUTH_SECRETS"];
});
beforeEach(() => {
  idp.reset();
  clearMetadataCache();
  clearSuccessors();
  refusedRefreshTokens.clear();
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  error = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  registerAuth();
});

describe("refreshUser() and the allow-lists", () => {
  it("re-seals refreshed claims that still pass", async () => {
    const config = configure('allowed_email_domains = ["example.com"]');
    const jar = await logIn(ADA);
    idp.scenario = { token: { claims: { ...ADA, name: "Ada Renamed" } } };
    const { data, writes } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toMatchObject({ is_logged_in: true, email: "ada@example.com", name: "Ada Renamed" });
    apply(jar, writes);
    expect((await identityOf(jar))?.claims["name"]).toBe("Ada Renamed");
  });

  it.each([
    ["another domain", { email: "ada@elsewhere.test", email_verified: true }],
    ["an unverified email", { email: "ada@example.com", email_verified: false }],
  ])(
    "ends the session when the refreshed claims no longer pass (%s): cookies deleted, { is_logged_in: false }, a LOGIN_NOT_ALLOWED log line",
    async (_, claims) => {
      const config = configure('allowed_email_domains = ["example.com"]');
      const jar = await logIn(ADA);
      expect(sessionCookieNames(jar)).not.toEqual([]);
      idp.scenario = { token: { claims } };
      const { data, writes } = await refreshUserFromCookies(jar.cookies, config);
      expect(data).toEqual({ is_logged_in: false });
      expect(writes.length).toBeGreaterThan(0);
      expect(writes.every((w) => w.maxAge === 0 && SESSION_COOKIE.test(w.name))).toBe(true);
      apply(jar, writes);
      expect(sessionCookieNames(jar)).toEqual([]);
      expect(await userFromCookies(jar.cookies, { status: "ok", config })).toMatchObject({ is_logged_in: false });
      expect(logLines(warn)).toMatch(
        /\[auth\] refreshUser: LOGIN_NOT_ALLOWED: "default", sub "hostile-user": no allow-list of \[auth\] matched.*; the session ended/,
      );
    },
  );
});

describe("refreshUser() and the login hook registered with registerAuth({ onLogin })", () => {
  it("runs the hook on the refreshed claims: it trims 300 groups to 3 again and sees reason 'refresh'", async () => {
    const config = configure();
    const events: LoginEvent<Claims>[] = [];
    registerAuth<Claims>({
      onLogin: (event) => {
        events.push(event);
        return trimToThree(event);
      },
    });
    const jar = await logIn({ groups: groups("before") });
    const atLogin = await identityOf(jar);
    expect(atLogin?.claims["groups"]).toEqual(["before-000", "before-001", "before-002"]);
    expect(atLogin?.reshaped).toBe(true);

    idp.scenario = { token: { claims: { groups: groups("after") } } };
    const { data, writes } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toMatchObject({
      is_logged_in: true,
      sub: "hostile-user",
      groups: ["after-000", "after-001", "after-002"],
    });
    apply(jar, writes);
    const refreshed = await identityOf(jar);
    expect(refreshed?.claims["groups"]).toEqual(["after-000", "after-001", "after-002"]);
    expect(refreshed?.reshaped).toBe(true);
    // Nor the refreshed raw ID token as a logout hint: it holds all 300 groups.
    expect(refreshed?.idToken).toBeUndefined();
    expect(refreshed?.session.id).toBe(atLogin?.session.id);

    expect(events.map((e) => e.reason)).toEqual(["login", "refresh"]);
    const [login, refresh] = events;
    expect(login?.request).toBeInstanceOf(Request);
    expect(refresh).toMatchObject({
      reason: "refresh",
      provider: "default",
      claims: { sub: "hostile-user", groups: groups("after") },
      tokens: {
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        idToken: expect.stringMatching(/^ey/),
      },
    });
    expect(refresh?.request).toBeUndefined();
    expect(refresh?.tokens.accessToken).not.toBe(login?.tokens.accessToken);
  });

  it("callback({ onLogin }) takes precedence at login; the registered hook runs on the refresh", async () => {
    const config = configure();
    const reasons: string[] = [];
    registerAuth<Claims>({
      onLogin: ({ reason }) => {
        reasons.push(`registered:${reason}`);
        return { claims: { sub: "", note: "registered" } };
      },
    });
    const jar = await logIn(
      {},
      {
        onLogin: ({ reason }) => {
          reasons.push(`callback:${reason}`);
          return { claims: { sub: "", note: "callback" } };
        },
      },
    );
    expect((await identityOf(jar))?.claims["note"]).toBe("callback");
    const { data } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toMatchObject({ note: "registered", sub: "hostile-user" });
    expect(reasons).toEqual(["callback:login", "registered:refresh"]);
  });

  it("a hook that refuses on refresh ends the session with a LOGIN_REFUSED_BY_APP log line", async () => {
    const config = configure();
    registerAuth<Claims>({
      onLogin: ({ reason, claims }) =>
        reason === "refresh" && claims["suspended"] === true ? { refuse: "Your account is suspended." } : undefined,
    });
    const jar = await logIn({});
    idp.scenario = { token: { claims: { suspended: true } } };
    const { data, writes } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toEqual({ is_logged_in: false });
    apply(jar, writes);
    expect(sessionCookieNames(jar)).toEqual([]);
    expect(logLines(warn)).toContain(
      '[auth] refreshUser: LOGIN_REFUSED_BY_APP: onLogin refused a refresh with "default"; the session ended',
    );
  });

  it("a LoginRefusedError thrown on refresh ends the session too", async () => {
    const config = configure();
    const jar = await logIn({});
    registerAuth({
      onLogin: () => {
        throw new LoginRefusedError("Gone.");
      },
    });
    const { data, writes } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toEqual({ is_logged_in: false });
    apply(jar, writes);
    expect(sessionCookieNames(jar)).toEqual([]);
  });

  it("a hook that throws on refresh: AccessTokenError LOGIN_HOOK_FAILED, nothing written, the old claims stay", async () => {
    const config = configure();
    let failing = false;
    registerAuth<Claims>({
      onLogin: (event) => {
        if (failing) throw new Error("database is down at db.internal:5432");
        return trimToThree(event);
      },
    });
    const jar = await logIn({ groups: groups("before") });
    const before = new Map(jar.cookies);
    failing = true;
    idp.scenario = { token: { claims: { groups: groups("after") } } };
    const thrown = await refreshUserFromCookies(jar.cookies, config).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(AccessTokenError);
    expect(thrown).toMatchObject({ code: "LOGIN_HOOK_FAILED" });
    expect((thrown as AccessTokenError).message).not.toContain("database");
    expect((thrown as AccessTokenError).detail).toContain("database is down");
    expect(jar.cookies).toEqual(before);
    expect(await userFromCookies(jar.cookies, { status: "ok", config })).toMatchObject({
      is_logged_in: true,
      groups: ["before-000", "before-001", "before-002"],
    });
    expect(logLines(error)).toContain(
      '[auth] refreshUser: LOGIN_HOOK_FAILED: onLogin (refresh) for "default" threw Error: database is down at db.internal:5432; the old claims stay',
    );
  });

  it("a hook that throws after the provider rotated the refresh token: the new tokens cookie is still handed back to be written", async () => {
    const config = configure();
    let failing = false;
    registerAuth<Claims>({
      onLogin: () => {
        if (failing) throw new Error("database is down");
        return undefined;
      },
    });
    const jar = await logIn(ADA);
    const tokensOf = async () =>
      openTokens(jar.cookies.get("auth_tokens")!, [SECRET], (await identityOf(jar))?.session.id);
    const before = (await tokensOf())?.refreshToken;
    expect(before).toBeDefined();
    failing = true;
    const pending: CookieWrite[] = [];
    const thrown = await refreshUserFromCookies(jar.cookies, config, pending).catch((e: unknown) => e);
    expect(thrown).toMatchObject({ code: "LOGIN_HOOK_FAILED" });
    expect(pending.map((w) => w.name)).toContain("auth_tokens");
    apply(jar, pending);
    const after = (await tokensOf())?.refreshToken;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(await userFromCookies(jar.cookies, { status: "ok", config })).toMatchObject({ is_logged_in: true });
  });

  it("an identity the hook reshaped at login, with no hook registered: LOGIN_HOOK_NOT_REGISTERED before any request to the provider, cookies unchanged", async () => {
    const config = configure();
    const jar = await logIn({ groups: groups("before") }, { onLogin: trimToThree });
    expect((await identityOf(jar))?.reshaped).toBe(true);
    const before = new Map(jar.cookies);
    const tokenRequests = idp.count("/token");
    const thrown = await refreshUserFromCookies(jar.cookies, config).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(AccessTokenError);
    expect(thrown).toMatchObject({ code: "LOGIN_HOOK_NOT_REGISTERED" });
    expect((thrown as Error).message).toContain(
      "Register the hook with registerAuth({ onLogin }) in instrumentation.ts so refreshUser() can apply it",
    );
    expect(idp.count("/token")).toBe(tokenRequests);
    expect(jar.cookies).toEqual(before);
    expect((await identityOf(jar))?.claims["groups"]).toEqual(["before-000", "before-001", "before-002"]);
  });

  it("an identity the hook kept as it was refreshes without a registered hook", async () => {
    const config = configure();
    const jar = await logIn({ name: "Ada" }, { onLogin: () => undefined });
    expect((await identityOf(jar))?.reshaped).toBe(false);
    idp.scenario = { token: { claims: { name: "Ada Renamed" } } };
    const { data } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toMatchObject({ is_logged_in: true, name: "Ada Renamed" });
  });

  it("registerAuth() without onLogin forgets the hook it registered before", async () => {
    const config = configure();
    registerAuth<Claims>({ onLogin: trimToThree });
    const jar = await logIn({ groups: groups("before") });
    registerAuth();
    const thrown = await refreshUserFromCookies(jar.cookies, config).catch((e: unknown) => e);
    expect(thrown).toMatchObject({ name: "AccessTokenError", code: "LOGIN_HOOK_NOT_REGISTERED" });
  });
});
