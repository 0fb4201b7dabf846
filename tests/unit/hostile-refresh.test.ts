import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "@/lib/auth/config/load";
import type { AuthConfig } from "@/lib/auth/config/types";
import { readIdentity } from "@/lib/auth/cookie/identity";
import { clearSuccessors } from "@/lib/auth/cookie/token-successors";
import { clearMetadataCache } from "@/lib/auth/protocol/discovery";
import { handleCallback } from "@/lib/auth/routes/callback";
import { handleLogin } from "@/lib/auth/routes/login";
import { refreshUserFromCookies } from "@/lib/auth/server/fresh-claims";
import { refusedRefreshTokens } from "@/lib/auth/server/refresh-registry";
import { accessTokenFromCookies } from "@/lib/auth/server/session-tokens";
import { userFromCookies } from "@/lib/auth/user/from-cookies";
import { Jar } from "../support/cookie-jar";
import { startHostileIdp, type HostileIdp, type TokenScenario } from "../support/hostile-idp";
import { request } from "../support/oidc-login";

/**
 * Refresh attacks: after an honest login, the provider lies in one precise way when getAccessToken() or refreshUser()
 * refreshes. Every attack must end in a typed AccessTokenError, with nothing written, and the same user logged in.
 */

const APP = "http://localhost:3000";
const SECRET = "hostile-refresh-cookie-secret-0123456789-ab";
let idp: HostileIdp;
let config: AuthConfig;

function configure(): AuthConfig {
  process.env["AUTH_SECRETS"] = `
[auth]
redirect_uri = "${APP}/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "${idp.clientId}"
client_secret = "${idp.clientSecret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"
client_kwargs = { scope = "openid email profile offline_access" }
`;
  const state = loadConfig();
  if (state.status !== "ok") throw new Error(JSON.stringify(state));
  return state.config;
}

async function honestLogin(): Promise<Jar> {
  const jar = new Jar();
  const start = await handleLogin(request(`${APP}/auth/login`, jar));
  jar.apply(start);
  const back = await fetch(start.headers.get("location")!, { redirect: "manual" });
  const done = await handleCallback(request(new URL(back.headers.get("location")!).href, jar));
  expect(done.status).toBe(303);
  jar.apply(done);
  return jar;
}

/**
 * Logs in honestly, then lets the provider lie on the refresh, once under getAccessToken() and once (after another
 * honest login) under refreshUser(); checks that nothing changed and returns the first error.
 */
async function attack(scenario: TokenScenario, code: string): Promise<{ error: unknown }> {
  let first: unknown;
  for (const call of [
    (jar: Jar) => accessTokenFromCookies(jar.cookies, config, { forceRefresh: true }),
    (jar: Jar) => refreshUserFromCookies(jar.cookies, config),
  ]) {
    idp.scenario = {};
    const jar = await honestLogin();
    const before = new Map(jar.cookies);
    idp.scenario = { token: scenario };
    const error = await call(jar).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AccessTokenError", code });
    first ??= error;
    expect(jar.cookies).toEqual(before);
    const user = await userFromCookies(jar.cookies, { status: "ok", config });
    expect(user).toMatchObject({ is_logged_in: true, sub: "hostile-user", iss: idp.issuer, name: "Hostile User" });
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect(identity?.claims["sub"]).toBe("hostile-user");
  }
  return { error: first };
}

beforeAll(async () => {
  idp = await startHostileIdp();
});
afterAll(async () => {
  await idp.close();
  delete process.env["AUTH_SECRETS"];
  delete process.env["AUTH_HTTP_TIMEOUT_MS"];
});
beforeEach(() => {
  idp.reset();
  clearMetadataCache();
  clearSuccessors();
  refusedRefreshTokens.clear();
  config = configure();
  vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe("control", () => {
  it("an honest refresh renews the tokens and keeps the user", async () => {
    const jar = await honestLogin();
    const first = await accessTokenFromCookies(jar.cookies, config);
    const refreshed = await accessTokenFromCookies(jar.cookies, config, { forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(idp.count("/token")).toBe(2);
    const { data } = await refreshUserFromCookies(jar.cookies, config);
    expect(data).toMatchObject({ is_logged_in: true, sub: "hostile-user" });
  });
});

describe("a refresh answer that must not change who is logged in", () => {
  it("an ID token for another sub", async () => {
    const { error } = await attack({ claims: { sub: "someone-else" } }, "INVALID_ID_TOKEN");
    expect((error as { detail: string }).detail).toContain("someone-else");
  });

  it("an ID token from another issuer", async () => {
    await attack({ claims: { iss: "https://evil.example" } }, "INVALID_ID_TOKEN");
  });

  it("an ID token for another audience", async () => {
    await attack({ claims: { aud: "another-app" } }, "INVALID_ID_TOKEN");
  });

  it("an ID token signed with a key the provider does not publish", async () => {
    await attack({ signWith: "other-key" }, "INVALID_ID_TOKEN");
  });

  it("an unsigned ID token (alg none)", async () => {
    await attack({ signWith: "none" }, "INVALID_ID_TOKEN");
  });

  it("an expired ID token", async () => {
    await attack({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }, "INVALID_ID_TOKEN");
  });
});

describe("a refresh that fails", () => {
  it("an OAuth error body (invalid_grant): REFRESH_REFUSED with the provider's code", async () => {
    const { error } = await attack(
      { status: 400, body: JSON.stringify({ error: "invalid_grant", error_description: "revoked\r\nX-Injected: 1" }) },
      "REFRESH_REFUSED",
    );
    expect(error).toMatchObject({ providerError: "invalid_grant" });
    expect((error as Error).message).not.toContain("X-Injected");
  });

  it("an HTML error page with status 500", async () => {
    await attack({ status: 500, body: "<html>oops</html>", contentType: "text/html" }, "PROVIDER_INVALID_RESPONSE");
  });

  it("a token response without an access token", async () => {
    await attack({ body: JSON.stringify({ token_type: "Bearer" }) }, "PROVIDER_INVALID_RESPONSE");
  });

  it("a hang: PROVIDER_TIMEOUT after the configured timeout", async () => {
    process.env["AUTH_HTTP_TIMEOUT_MS"] = "400";
    const started = Date.now();
    await attack({ delayMs: 3000 }, "PROVIDER_TIMEOUT");
    // Two attempts (getAccessToken, then refreshUser), each cut at the timeout.
    expect(Date.now() - started).toBeLessThan(2500);
    delete process.env["AUTH_HTTP_TIMEOUT_MS"];
  });

  it("a huge body (5 MB, no Content-Length): refused once the cap is reached", async () => {
    await attack({ hugeBodyBytes: 5 * 1024 * 1024 }, "PROVIDER_INVALID_RESPONSE");
  });
});
