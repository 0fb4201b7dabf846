import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startLocalIdp } from "@/scripts/local-idp.mjs";
import { loadConfig } from "@/lib/auth/config/load";
import type { AuthConfig } from "@/lib/auth/config/types";
import { readIdentity } from "@/lib/auth/cookie/identity";
import type { CookieWrite } from "@/lib/auth/cookie/serialize";
import { clearSuccessors } from "@/lib/auth/cookie/token-successors";
import { openTokens } from "@/lib/auth/cookie/tokens-seal";
import { checkIdentity } from "@/lib/auth/gate/identity";
import { AccessTokenError } from "@/lib/auth/protocol/access-token-error";
import { clearMetadataCache } from "@/lib/auth/protocol/discovery";
import { refreshUserFromCookies } from "@/lib/auth/server/fresh-claims";
import { refusedRefreshTokens } from "@/lib/auth/server/refresh-registry";
import { accessTokenFromCookies } from "@/lib/auth/server/session-tokens";
import { userFromCookies } from "@/lib/auth/user/from-cookies";
import type { Jar } from "../support/cookie-jar";
import { handleLogout } from "@/lib/auth/routes/logout";
import { logIn, request } from "../support/oidc-login";

/**
 * getAccessToken() and refreshUser() against the real local OpenID Provider with rotating refresh tokens: the login
 * through the real route handlers, then the server functions on the cookies it set.
 */

const APP = "http://localhost:3000";
const SECRET = "sessions-test-cookie-secret-0123456789-abc";
const CLIENT = { client_id: "sessions-app", client_secret: "sessions-app-secret-0123456789" };
const OFFLINE = 'client_kwargs = { scope = "openid email profile offline_access" }';

let idp: Awaited<ReturnType<typeof startLocalIdp>>;

function setConfig(extra = "", provider = OFFLINE): AuthConfig {
  process.env["AUTH_SECRETS"] = `
[auth]
redirect_uri = "${APP}/oauth2callback"
cookie_secret = "${SECRET}"
${extra}
client_id = "${CLIENT.client_id}"
client_secret = "${CLIENT.client_secret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"
${provider}

[auth.other]
client_id = "${CLIENT.client_id}"
client_secret = "${CLIENT.client_secret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"
`;
  const state = loadConfig();
  if (state.status !== "ok") throw new Error(JSON.stringify(state));
  return state.config;
}

async function grants(): Promise<Record<string, number>> {
  return (await (await fetch(`${idp.issuer}/__grants`)).json()) as Record<string, number>;
}

function apply(jar: Jar, writes: readonly CookieWrite[]): void {
  for (const w of writes) {
    if (w.maxAge === 0) jar.cookies.delete(w.name);
    else jar.cookies.set(w.name, w.value);
  }
}

/** Pretends this process is a fresh replica: nothing remembered from earlier refreshes. */
function forgetProcessMemory(): void {
  clearSuccessors();
  refusedRefreshTokens.clear();
}

beforeAll(async () => {
  idp = await startLocalIdp({
    port: 0,
    quiet: true,
    clients: [{ ...CLIENT, redirect_uris: [`${APP}/oauth2callback`] }],
    refreshTokens: "rotate",
  });
});
afterAll(async () => {
  await idp.close();
  delete process.env["AUTH_SECRETS"];
});
beforeEach(() => {
  clearMetadataCache();
  forgetProcessMemory();
});
afterEach(() => vi.useRealTimers());

describe("getAccessToken()", () => {
  it("returns the login's access token while it stays valid, without asking the provider", async () => {
    const config = setConfig();
    const jar = await logIn(APP, "ann");
    const before = await grants();
    const first = await accessTokenFromCookies(jar.cookies, config);
    const again = await accessTokenFromCookies(jar.cookies, config);
    expect(first.accessToken).toMatch(/^[\w-]{20,}$/);
    expect(again.accessToken).toBe(first.accessToken);
    expect(first.writes).toEqual([]);
    expect(await grants()).toEqual(before);
  });

  it("refreshes a token that would not stay valid long enough: one refresh grant, a new token, the rotated refresh token stored", async () => {
    const config = setConfig();
    const jar = await logIn(APP, "bob");
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    const stored = await openTokens(jar.cookies.get("auth_tokens")!, [SECRET], identity?.session.id);
    expect(stored?.refreshToken).toBeDefined();

    const refreshed = await accessTokenFromCookies(jar.cookies, config, { minValidity: 2 * 3600 });
    expect(refreshed.accessToken).not.toBe(stored?.accessToken);
    expect((await grants())["refresh_token:bob"]).toBe(1);
    apply(jar, refreshed.writes);
    const after = await openTokens(jar.cookies.get("auth_tokens")!, [SECRET], identity?.session.id);
    expect(after?.accessToken).toBe(refreshed.accessToken);
    expect(after?.refreshToken).not.toBe(stored?.refreshToken);
    // Who is logged in did not change, and the new cookie serves the next call without a refresh.
    expect((await readIdentity(jar.cookies, { secrets: [SECRET], secure: false }))?.claims["sub"]).toBe("bob");
    forgetProcessMemory();
    expect((await accessTokenFromCookies(jar.cookies, config)).accessToken).toBe(refreshed.accessToken);
    expect((await grants())["refresh_token:bob"]).toBe(1);
  });

  it("refreshes an expired token by itself (clock moved past its expiry)", async () => {
    const config = setConfig();
    const jar = await logIn(APP, "bea");
    const { accessToken, expiresAt } = await accessTokenFromCookies(jar.cookies, config);
    vi.useFakeTimers({ toFake: ["Date"], now: expiresAt! + 1000 });
    const fresh = await accessTokenFromCookies(jar.cookies, config);
    expect(fresh.accessToken).not.toBe(accessToken);
    expect(fresh.expiresAt).toBeGreaterThan(Date.now());
    expect((await grants())["refresh_token:bea"]).toBe(1);
  });

  it("makes one refresh for ten concurrent callers with the same session in one process", async () => {
    const config = setConfig();
    const jar = await logIn(APP, "cat");
    const results = await Promise.all(
      Array.from({ length: 10 }, () => accessTokenFromCookies(jar.cookies, config, { minValidity: 2 * 3600 })),
    );
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    expect((await grants())["refresh_token:cat"]).toBe(1);
  });

  it("a later request with the old cookie (a second tab) gets the newer tokens, never sends the used refresh token", async () => {
    const config = setConfig();
    const tab = await logIn(APP, "dan");
    const oldCookies = new Map(tab.cookies);
    const first = await accessTokenFromCookies(tab.cookies, config, { minValidity: 2 * 3600 });
    // The second tab's request still carries the old cookie; its token is the new one, and the new cookie is written.
    const second = await accessTokenFromCookies(oldCookies, config);
    expect(second.accessToken).toBe(first.accessToken);
    expect(second.writes.find((w) => w.name === "auth_tokens")?.value).toBe(
      first.writes.find((w) => w.name === "auth_tokens")?.value,
    );
    expect((await grants())["refresh_token:dan"]).toBe(1);
  });

  it("the gate, in the same process, writes tokens that were refreshed where cookies could not be written", async () => {
    const config = setConfig();
    const jar = await logIn(APP, "eve");
    // A server component refreshed: the token is returned, the writes are dropped (it cannot set cookies).
    const fromServerComponent = await accessTokenFromCookies(jar.cookies, config, { minValidity: 2 * 3600 });
    const gate = await checkIdentity(jar.cookies, config, { gated: true, reseal: false });
    expect(gate.valid).toBe(true);
    const tokensWrite = gate.rewrite.find((w) => w.name === "auth_tokens");
    expect(tokensWrite?.value).toBe(fromServerComponent.writes.find((w) => w.name === "auth_tokens")?.value);
    apply(jar, gate.rewrite);
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect((await openTokens(jar.cookies.get("auth_tokens")!, [SECRET], identity?.session.id))?.accessToken).toBe(
      fromServerComponent.accessToken,
    );
  });

  it("user.tokens (expose_tokens) shows the current tokens after a refresh", async () => {
    const config = setConfig('expose_tokens = ["id", "access"]');
    const jar = await logIn(APP, "fay");
    const state = { status: "ok", config } as const;
    const before = (await userFromCookies(jar.cookies, state)).tokens;
    expect(before.id).toMatch(/^ey/);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 5000 }); // a later second: a different ID token
    const refreshed = await accessTokenFromCookies(jar.cookies, config, { minValidity: 2 * 3600 });
    // At once in this process, even before the cookie reached the browser...
    expect((await userFromCookies(jar.cookies, state)).tokens.access).toBe(refreshed.accessToken);
    // ... and from the cookie everywhere once it did.
    apply(jar, refreshed.writes);
    forgetProcessMemory();
    const after = (await userFromCookies(jar.cookies, state)).tokens;
    expect(after.access).toBe(refreshed.accessToken);
    expect(after.id).toMatch(/^ey/);
    expect(after.id).not.toBe(before.id);
  });

  it("a revoked refresh token: REFRESH_REFUSED, the cookies are left alone, and it is not sent again", async () => {
    const config = setConfig();
    const jar = await logIn(APP, "gil");
    await fetch(`${idp.issuer}/__revoke?account=gil`, { method: "POST" });
    const attempt = () => accessTokenFromCookies(jar.cookies, config, { minValidity: 2 * 3600 });
    const error = await attempt().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenError);
    expect(error).toMatchObject({ code: "REFRESH_REFUSED", providerError: "invalid_grant" });
    const tokenRequests = (await (await fetch(`${idp.issuer}/__requests`)).json()) as Record<string, number>;
    await expect(attempt()).rejects.toMatchObject({ code: "REFRESH_REFUSED" });
    expect(((await (await fetch(`${idp.issuer}/__requests`)).json()) as Record<string, number>)["POST /token"]).toBe(
      tokenRequests["POST /token"],
    );
    // Still logged in: the identity was validated at login and its lifetime decides.
    expect((await userFromCookies(jar.cookies, { status: "ok", config }))["is_logged_in"]).toBe(true);
  });

  it("two replicas with the same rotating refresh token: the one that loses gets REFRESH_REFUSED, nobody is logged out", async () => {
    const config = setConfig();
    const jar = await logIn(APP, "hal");
    const oldCookies = new Map(jar.cookies);
    const winner = await accessTokenFromCookies(jar.cookies, config, { minValidity: 2 * 3600 });
    forgetProcessMemory(); // the other replica knows nothing of that refresh
    const loser = await accessTokenFromCookies(oldCookies, config, { minValidity: 2 * 3600 }).catch((e: unknown) => e);
    expect(loser).toMatchObject({ code: "REFRESH_REFUSED" });
    expect(winner.writes.some((w) => w.name === "auth_tokens" && w.maxAge > 0)).toBe(true);
    expect((await userFromCookies(oldCookies, { status: "ok", config }))["is_logged_in"]).toBe(true);
  });

  it("without a refresh token, an expired access token is NO_REFRESH_TOKEN naming the fix", async () => {
    const config = setConfig("", "");
    const jar = await logIn(APP, "ida");
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect((await openTokens(jar.cookies.get("auth_tokens")!, [SECRET], identity?.session.id))?.refreshToken).toBe(
      undefined,
    );
    const error = await accessTokenFromCookies(jar.cookies, config, { minValidity: 2 * 3600 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NO_REFRESH_TOKEN" });
    expect((error as Error).message).toContain("offline_access");
    expect((error as Error).message).toContain("[auth]");
  });

  it("is NOT_LOGGED_IN without a session, OTHER_PROVIDER for another provider, a config error for an unknown one", async () => {
    const config = setConfig();
    await expect(accessTokenFromCookies(new Map(), config)).rejects.toMatchObject({ code: "NOT_LOGGED_IN" });
    const jar = await logIn(APP, "jon");
    await expect(accessTokenFromCookies(jar.cookies, config, { provider: "other" })).rejects.toMatchObject({
      code: "OTHER_PROVIDER",
    });
    await expect(accessTokenFromCookies(jar.cookies, config, { provider: "nope" })).rejects.toMatchObject({
      name: "AuthConfigError",
      code: "UNKNOWN_PROVIDER",
    });
    expect((await accessTokenFromCookies(jar.cookies, config, { provider: "default" })).accessToken).toBeTruthy();
  });
});

describe("logout", () => {
  it("deletes the tokens cookie with the identity", async () => {
    setConfig();
    const jar = await logIn(APP, "max");
    expect(jar.cookies.has("auth_tokens")).toBe(true);
    const response = await handleLogout(request(`${APP}/auth/logout`, jar));
    jar.apply(response);
    expect(jar.cookies.has("auth_tokens")).toBe(false);
    expect(jar.cookies.has("auth_user")).toBe(false);
  });
});

describe("refreshUser()", () => {
  it("re-reads the claims from a refreshed ID token and re-seals them, keeping the login time and session id", async () => {
    const config = setConfig();
    const jar = await logIn(APP, "kim");
    const before = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    await fetch(`${idp.issuer}/__claims`, {
      method: "POST",
      body: JSON.stringify({ account: "kim", claims: { groups: ["promoted"], name: "Kim Promoted" } }),
    });
    const { data, writes } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toMatchObject({ is_logged_in: true, sub: "kim", groups: ["promoted"], name: "Kim Promoted" });
    apply(jar, writes);
    const after = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect(after?.claims).toMatchObject({ sub: "kim", groups: ["promoted"], provider: "default" });
    expect(after?.session.loginTime).toBe(before?.session.loginTime);
    expect(after?.session.id).toBe(before?.session.id);
    expect((await userFromCookies(jar.cookies, { status: "ok", config }))["groups"]).toEqual(["promoted"]);
    expect((await grants())["refresh_token:kim"]).toBe(1);
  });

  it("uses the userinfo endpoint when there is no refresh token", async () => {
    const config = setConfig("", "");
    const jar = await logIn(APP, "lea");
    await fetch(`${idp.issuer}/__claims`, {
      method: "POST",
      body: JSON.stringify({ account: "lea", claims: { roles: ["editor"] } }),
    });
    const { data, writes } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toMatchObject({ sub: "lea", roles: ["editor"], provider: "default" });
    apply(jar, writes);
    expect((await userFromCookies(jar.cookies, { status: "ok", config }))["roles"]).toEqual(["editor"]);
    expect((await grants())["refresh_token:lea"]).toBeUndefined();
  });
});
