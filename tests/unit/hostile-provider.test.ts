import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { readIdentity } from "@/lib/auth/cookie/identity";
import { clearMetadataCache, METADATA_FAILURE_TTL_MS } from "@/lib/auth/protocol/discovery";
import { handleCallback } from "@/lib/auth/routes/callback";
import { handleLogin } from "@/lib/auth/routes/login";
import { handleLogout } from "@/lib/auth/routes/logout";
import { startHostileIdp, type HostileIdp } from "../support/hostile-idp";
import { Jar } from "../support/cookie-jar";

/**
 * Attack scenarios: the relying party against an OpenID Provider that lies in one precise way per test.
 * Every attack must end with a 4xx (the browser's fault) or 502/504 (the provider's fault), no identity cookie, and an
 * error page without internals.
 */

const APP = "http://localhost:3000";
const REDIRECT_URI = `${APP}/oauth2callback`;
const SECRET = "hostile-test-cookie-secret-0123456789-abcdef";
/**
 * Internals that must never reach the page. A stack frame is a line starting with "at ... (" or a "(file:line:col)"
 * reference; the plain /at .*\(/ also matched honest prose ("at most 7600). Ask ... (for example").
 */
const STACK = /^\s*at .*\(|\([^()]*:\d+:\d+\)|node_modules|Error:/m;
const IDENTITY_COOKIE = /^(__Host-)?auth_user(\.\d+)?$/;
const TRANSACTION_COOKIE = /^(__Host-)?auth_txn\./;

let idp: HostileIdp;
let backup: HostileIdp;
let warn: MockInstance<typeof console.warn>;
let error: MockInstance<typeof console.error>;

const now = (): number => Math.floor(Date.now() / 1000);

function config(): string {
  return `
[auth]
redirect_uri = "${REDIRECT_URI}"
cookie_secret = "${SECRET}"
client_id = "${idp.clientId}"
client_secret = "${idp.clientSecret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"

[auth.backup]
client_id = "${backup.clientId}"
client_secret = "${backup.clientSecret}"
server_metadata_url = "${backup.issuer}/.well-known/openid-configuration"
redirect_uri = "${APP}/oauth2callback/backup"
`;
}

const get = (url: string, jar?: Jar): Request =>
  new Request(url, { headers: { ...(jar ? { cookie: jar.header() } : {}), "sec-fetch-site": "same-origin" } });

/** `/auth/login`: must redirect to the hostile `/authorize`; the transaction cookie lands in `jar`. */
async function startLogin(jar: Jar, provider?: string): Promise<string> {
  const response = await handleLogin(get(`${APP}/auth/login${provider ? `?provider=${provider}` : ""}`, jar));
  expect(response.status).toBe(302);
  jar.apply(response);
  return response.headers.get("location")!;
}

/** The provider leg, with fetch: `/authorize` answers at once with a redirect to the callback URL. */
async function authorizeAtProvider(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: "manual" });
  expect(response.status).toBe(302);
  const callbackUrl = new URL(response.headers.get("location")!, authorizeUrl).href;
  expect(callbackUrl.startsWith(REDIRECT_URI)).toBe(true);
  return callbackUrl;
}

/** A whole login against the current scenario: login -> /authorize -> callback. */
async function attempt(provider?: string): Promise<{ response: Response; jar: Jar; callbackUrl: string; ms: number }> {
  const jar = new Jar();
  const callbackUrl = await authorizeAtProvider(await startLogin(jar, provider));
  const started = Date.now();
  const response = await handleCallback(get(callbackUrl, jar));
  return { response, jar, callbackUrl, ms: Date.now() - started };
}

/** No identity cookie may be written; only deletions of it are allowed. */
function identityWrites(response: Response): string[] {
  return response.headers.getSetCookie().filter((line) => {
    const name = line.slice(0, line.indexOf("=")).trim();
    return IDENTITY_COOKIE.test(name) && !/;\s*max-age=0\b/i.test(line);
  });
}

/** The common verdict for every attack: the expected status, no identity, a plain error page without internals. */
async function expectRefused(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  expect(identityWrites(response)).toEqual([]);
  expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
  const html = await response.text();
  expect(html).not.toMatch(STACK);
  expect(html).not.toContain(idp.clientSecret);
  expect(html).toContain(`data-status="${status}"`);
  // A refusal is a handled AuthFlowError, never the generic "unexpected error" path.
  expect(error).not.toHaveBeenCalled();
  return html;
}

/** The one `[auth]` log line of the refusal, to check the reason when it matters. */
function logLine(): string {
  return warn.mock.calls.map((args) => args.map(String).join(" ")).join("\n");
}

/** An attack through the whole flow that the provider-side checks must catch (after the token request). */
async function expectIdTokenRefused(): Promise<void> {
  const { response } = await attempt();
  await expectRefused(response, 502);
  expect(idp.count("/token")).toBe(1);
  expect(logLine()).toMatch(/callback: (INVALID_ID_TOKEN|PROVIDER_INVALID_RESPONSE) \(502\)/);
}

/** An attack on the authorization response: refused before any code is redeemed. */
async function expectAuthResponseRefused(): Promise<string> {
  const { response } = await attempt();
  const html = await expectRefused(response, 400);
  expect(idp.count("/token")).toBe(0);
  return html;
}

beforeAll(async () => {
  [idp, backup] = await Promise.all([
    startHostileIdp(),
    startHostileIdp({ clientId: "backup-app", clientSecret: "backup-app-secret-0123456789" }),
  ]);
});

afterAll(async () => {
  await Promise.all([idp.close(), backup.close()]);
  delete process.env["AUTH_SECRETS"];
  delete process.env["AUTH_HTTP_TIMEOUT_MS"];
});

beforeEach(() => {
  process.env["AUTH_SECRETS"] = config();
  process.env["AUTH_HTTP_TIMEOUT_MS"] = "700";
  clearMetadataCache();
  idp.reset();
  backup.reset();
  warn = vi.spyOn(console, "warn");
  error = vi.spyOn(console, "error");
  return () => {
    warn.mockRestore();
    error.mockRestore();
  };
});

describe("control", () => {
  it("an honest login succeeds: 303, identity cookie with the claims, transaction consumed", async () => {
    const { response, jar } = await attempt();
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${APP}/`);
    expect(identityWrites(response)).toHaveLength(1);
    jar.apply(response);
    expect([...jar.cookies.keys()]).toEqual(["auth_user", "auth_tokens"]);
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect(identity?.claims).toMatchObject({
      sub: "hostile-user",
      email: "hostile-user@hostile.test",
      name: "Hostile User",
      iss: idp.issuer,
      aud: idp.clientId,
      provider: "default",
    });
    expect(idp.count("/token")).toBe(1);
    expect(idp.count("/jwks")).toBe(1);
    // The ID token already carries email and name: userinfo is not asked.
    expect(idp.count("/userinfo")).toBe(0);
    expect(error).not.toHaveBeenCalled();
  });
});

describe("mix-up defence for providers without RFC 9207 (RFC 9700 §4.4.2)", () => {
  const shared = () => config().replace(`redirect_uri = "${APP}/oauth2callback/backup"\n`, "");

  it("a provider that does not promise iss, sharing its callback with another, is refused with the fix", async () => {
    process.env["AUTH_SECRETS"] = shared();
    idp.scenario = { metadata: { override: { authorization_response_iss_parameter_supported: undefined } } };
    const html = await expectRefused(await handleLogin(get(`${APP}/auth/login`)), 500);
    expect(html).toContain("RFC 9207");
    expect(html).toContain(`redirect_uri = &#34;${APP}/oauth2callback/backup&#34; in [auth.backup]`);
    expect(idp.count("/token")).toBe(0);
  });

  it("a named provider without iss is told to move to a callback of its own", async () => {
    process.env["AUTH_SECRETS"] = shared();
    backup.scenario = { metadata: { override: { authorization_response_iss_parameter_supported: undefined } } };
    const html = await expectRefused(await handleLogin(get(`${APP}/auth/login?provider=backup`)), 500);
    expect(html).toContain(`redirect_uri = &#34;${APP}/oauth2callback/backup&#34; in [auth.backup]`);
  });

  it("a provider that promises iss may still share the callback (a response without iss is refused for it)", async () => {
    process.env["AUTH_SECRETS"] = shared();
    idp.scenario = { metadata: { override: { authorization_response_iss_parameter_supported: undefined } } };
    const { response } = await attempt("backup");
    expect(response.status).toBe(303);
  });

  it("with a callback of its own, the same provider logs in", async () => {
    idp.scenario = {
      metadata: { override: { authorization_response_iss_parameter_supported: undefined } },
      authorize: { dropIss: true },
    };
    const { response } = await attempt();
    expect(response.status).toBe(303);
  });

  it("providers that all promise iss may share one callback, as in Streamlit", async () => {
    process.env["AUTH_SECRETS"] = shared();
    const { response } = await attempt("backup");
    expect(response.status).toBe(303);
  });
});

describe("Microsoft Entra's issuer shapes (metadata served for several tenants from one host)", () => {
  const TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
  const OTHER = "72f988bf-86f1-41af-91ab-2d7cd011db47";

  it("a fixed tenant issuer on the same host (the consumers document) logs in", async () => {
    const tenantIssuer = `${idp.issuer}/${TENANT}/v2.0`;
    idp.scenario = {
      metadata: { override: { issuer: tenantIssuer, authorization_response_iss_parameter_supported: undefined } },
      authorize: { dropIss: true },
      token: { claims: { iss: tenantIssuer } },
    };
    const { response } = await attempt();
    expect(response.status).toBe(303);
  });

  it("the {tenantid} template (the common document) logs in when iss is the template filled with the token's tid", async () => {
    idp.scenario = {
      metadata: {
        override: {
          issuer: `${idp.issuer}/{tenantid}/v2.0`,
          authorization_response_iss_parameter_supported: undefined,
        },
      },
      authorize: { dropIss: true },
      token: { claims: { iss: `${idp.issuer}/${TENANT}/v2.0`, tid: TENANT } },
    };
    const { response, jar } = await attempt();
    expect(response.status).toBe(303);
    jar.apply(response);
    expect((await readIdentity(jar.cookies, { secrets: [SECRET], secure: false }))?.claims).toMatchObject({
      tid: TENANT,
      iss: `${idp.issuer}/${TENANT}/v2.0`,
    });
  });

  it("the {tenantid} template refuses a token whose iss names another tenant than its tid", async () => {
    idp.scenario = {
      metadata: {
        override: {
          issuer: `${idp.issuer}/{tenantid}/v2.0`,
          authorization_response_iss_parameter_supported: undefined,
        },
      },
      authorize: { dropIss: true },
      token: { claims: { iss: `${idp.issuer}/${OTHER}/v2.0`, tid: TENANT } },
    };
    await expectIdTokenRefused();
  });

  it("the {tenantid} template still reports a token endpoint error as the provider's refusal", async () => {
    idp.scenario = {
      metadata: {
        override: {
          issuer: `${idp.issuer}/{tenantid}/v2.0`,
          authorization_response_iss_parameter_supported: undefined,
        },
      },
      authorize: { dropIss: true, code: "forged" },
    };
    const { response } = await attempt();
    await expectRefused(response, 502);
    expect(logLine()).toContain("invalid_grant");
  });

  it("the {tenantid} template refuses a token without a usable tid", async () => {
    idp.scenario = {
      metadata: {
        override: {
          issuer: `${idp.issuer}/{tenantid}/v2.0`,
          authorization_response_iss_parameter_supported: undefined,
        },
      },
      authorize: { dropIss: true },
      token: { claims: { iss: `${idp.issuer}/{tenantid}/v2.0`, tid: "../evil" } },
    };
    await expectIdTokenRefused();
  });
});

describe("Streamlit's default prompt=select_account, refused by some providers (oidc-provider)", () => {
  /** The provider's error answer for a login's own state, as anyone holding that login's transaction can forge it. */
  function refusalFor(authorizeUrl: string, description = "unsupported prompt value requested"): string {
    const callback = new URL(REDIRECT_URI);
    callback.searchParams.set("error", "invalid_request");
    callback.searchParams.set("error_description", description);
    callback.searchParams.set("state", new URL(authorizeUrl).searchParams.get("state")!);
    callback.searchParams.set("iss", idp.issuer);
    return callback.href;
  }

  it("is dropped for the refused login only: that login restarts at once without it and completes", async () => {
    idp.scenario = { authorize: { rejectPrompt: "select_account" } };
    const jar = new Jar();
    const first = await handleCallback(get(await authorizeAtProvider(await startLogin(jar)), jar));
    expect(first.status).toBe(303);
    expect(identityWrites(first)).toEqual([]);
    expect(logLine()).toContain("refused prompt=select_account");
    // Straight back to the provider with a new transaction, without the prompt.
    const retry = new URL(first.headers.get("location")!);
    expect(retry.origin + retry.pathname).toBe(`${idp.issuer}/authorize`);
    expect(retry.searchParams.has("prompt")).toBe(false);
    jar.apply(first);
    const response = await handleCallback(get(await authorizeAtProvider(retry.href), jar));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${APP}/`);
    expect(identityWrites(response)).toHaveLength(1);

    // Nothing is remembered for anyone else: the next login asks for the prompt again.
    expect(new URL(await startLogin(new Jar())).searchParams.get("prompt")).toBe("select_account");
  });

  it("a forged refusal in one visitor's callback never drops the prompt from another visitor's login", async () => {
    const attacker = new Jar();
    const forged = await handleCallback(get(refusalFor(await startLogin(attacker)), attacker));
    // The attacker only ever affects their own login.
    expect(identityWrites(forged)).toEqual([]);
    const victim = new URL(await startLogin(new Jar()));
    expect(victim.searchParams.get("prompt")).toBe("select_account");
  });

  it("is dropped only once per login: a retried login that is refused again shows the refusal", async () => {
    idp.scenario = { authorize: { error: "invalid_request", error_description: "prompt not supported" } };
    const jar = new Jar();
    const first = await handleCallback(get(await authorizeAtProvider(await startLogin(jar)), jar));
    expect(first.status).toBe(303);
    jar.apply(first);
    const retried = await handleCallback(get(await authorizeAtProvider(first.headers.get("location")!), jar));
    await expectRefused(retried, 400);
  });

  it("is never sent to a provider whose metadata lists prompt_values_supported without select_account", async () => {
    idp.scenario = { metadata: { override: { prompt_values_supported: ["none", "login", "consent"] } } };
    expect(new URL(await startLogin(new Jar())).searchParams.has("prompt")).toBe(false);
    clearMetadataCache();
    idp.scenario = { metadata: { override: { prompt_values_supported: ["none", "select_account"] } } };
    expect(new URL(await startLogin(new Jar())).searchParams.get("prompt")).toBe("select_account");
  });

  it("a prompt written in client_kwargs is never dropped: the refusal is shown", async () => {
    process.env["AUTH_SECRETS"] = config().replace(
      'server_metadata_url = "' + idp.issuer,
      'client_kwargs = { prompt = "select_account" }\nserver_metadata_url = "' + idp.issuer,
    );
    idp.scenario = {
      authorize: { rejectPrompt: "select_account" },
      metadata: { override: { prompt_values_supported: ["none", "login"] } },
    };
    const { response } = await attempt();
    await expectRefused(response, 400);
    expect(new URL(await startLogin(new Jar())).searchParams.get("prompt")).toBe("select_account");
  });
});

describe("replayed transactions (no back-channel request for a state this server has used)", () => {
  it("a failed callback's state is refused on replay, with any code, without another token request", async () => {
    idp.scenario = { authorize: { code: "made-up-code" } };
    const { response, jar, callbackUrl } = await attempt();
    await expectRefused(response, 502);
    expect(idp.count("/token")).toBe(1);
    // The browser (or an attacker holding the cookie) sends the same transaction again, with other made-up codes.
    for (const code of ["made-up-code", "another-made-up-code", "third"]) {
      const replay = new URL(callbackUrl);
      replay.searchParams.set("code", code);
      const again = await handleCallback(get(replay.href, jar));
      expect(again.status).toBe(400);
      expect(await again.text()).toContain("already used");
      expect(identityWrites(again)).toEqual([]);
    }
    expect(idp.count("/token")).toBe(1);
    expect(logLine()).toContain("UNKNOWN_TRANSACTION (400): state already used");
  });

  it("a completed login's state is refused on replay without a token request", async () => {
    const { response, jar, callbackUrl } = await attempt();
    expect(response.status).toBe(303);
    const replay = await handleCallback(get(callbackUrl, jar));
    expect(replay.status).toBe(400);
    expect(idp.count("/token")).toBe(1);
  });
});

describe("end_session_endpoint (RP-initiated logout carries the ID token in its URL)", () => {
  async function logoutWith(endSession: string): Promise<Response> {
    idp.scenario = { metadata: { override: { end_session_endpoint: endSession } } };
    const { response, jar } = await attempt();
    expect(response.status).toBe(303);
    jar.apply(response);
    const logout = await handleLogout(get(`${APP}/auth/logout`, jar));
    jar.apply(logout);
    // Only the logout's own state cookie may remain (set when the provider's logout is used).
    expect([...jar.cookies.keys()].filter((name) => !name.endsWith("auth_logout"))).toEqual([]);
    return logout;
  }

  it("over plain http on a host that is not loopback: a local logout, and the log says why", async () => {
    const logout = await logoutWith("http://idp.example/end_session");
    expect(logout.status).toBe(303);
    expect(logout.headers.get("location")).toBe(`${APP}/`);
    expect(logLine()).toMatch(/logout: continuing with a local logout only: .*end_session_endpoint .* is not https/);
  });

  it("over http on the loopback provider itself: the provider's logout, with the ID token hint", async () => {
    const logout = await logoutWith(`${idp.issuer}/end_session`);
    const location = new URL(logout.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(`${idp.issuer}/end_session`);
    expect(location.searchParams.get("id_token_hint")).toMatch(/^ey/);
  });
});

describe("metadata that cannot be loaded (a short negative cache)", () => {
  afterEach(() => vi.useRealTimers());

  it("is not fetched again for a few seconds, then is, and the login works once the provider is back", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    idp.scenario = { metadata: { status: 503 } };
    for (let i = 0; i < 5; i++) {
      const response = await handleLogin(get(`${APP}/auth/login`, new Jar()));
      expect(response.status).toBe(502);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(idp.count("/.well-known/openid-configuration")).toBe(1);
    idp.scenario = {};
    vi.setSystemTime(Date.now() + METADATA_FAILURE_TTL_MS + 1);
    await startLogin(new Jar());
    expect(idp.count("/.well-known/openid-configuration")).toBe(2);
  });
});

describe("userinfo (asked only when the ID token lacks the claims its scopes asked for)", () => {
  const bareIdToken = { token: { claims: { email: undefined, name: undefined } } };

  async function loggedInClaims(): Promise<Record<string, unknown> | undefined> {
    const { response, jar } = await attempt();
    expect(response.status).toBe(303);
    jar.apply(response);
    return (await readIdentity(jar.cookies, { secrets: [SECRET], secure: false }))?.claims;
  }

  it("a conformant provider's userinfo fills in email and name; the ID token's claims win", async () => {
    idp.scenario = {
      token: { claims: { email: undefined, name: undefined, locale: "fr" } },
      userinfo: { claims: { locale: "de" } },
    };
    const claims = await loggedInClaims();
    expect(claims).toMatchObject({
      sub: "hostile-user",
      email: "hostile-user@hostile.test",
      name: "Hostile User",
      groups: ["from-userinfo"],
      locale: "fr",
    });
    expect(idp.count("/userinfo")).toBe(1);
  });

  it("a userinfo response about another user refuses the login (OIDC Core 5.3.2)", async () => {
    idp.scenario = { ...bareIdToken, userinfo: { claims: { sub: "someone-else" } } };
    const { response } = await attempt();
    await expectRefused(response, 502);
    expect(logLine()).toContain("INVALID_ID_TOKEN");
  });

  for (const [name, userinfo] of [
    ["answers 500", { status: 500, body: "<html>down</html>", contentType: "text/html" }],
    ["answers non-JSON", { body: "not json", contentType: "text/plain" }],
    ["hangs", { delayMs: 1500 }],
  ] as const) {
    it(`a userinfo endpoint that ${name} leaves the ID token's claims, and the user logged in`, async () => {
      idp.scenario = { ...bareIdToken, userinfo };
      const claims = await loggedInClaims();
      expect(claims).toMatchObject({ sub: "hostile-user", provider: "default" });
      expect(claims).not.toHaveProperty("email");
      expect(logLine()).toContain("userinfo unavailable");
    });
  }
});

describe("the authorization response (refused with 400, no code redeemed)", () => {
  it("state dropped", async () => {
    idp.scenario = { authorize: { dropState: true } };
    await expectAuthResponseRefused();
    expect(logLine()).toContain("MISSING_STATE");
  });

  it("state altered (a well-formed state of no login in this browser)", async () => {
    idp.scenario = { authorize: { state: "A".repeat(43) } };
    await expectAuthResponseRefused();
    expect(logLine()).toContain("UNKNOWN_TRANSACTION");
  });

  it("iss altered (mix-up, RFC 9207)", async () => {
    idp.scenario = { authorize: { iss: "https://evil.example" } };
    await expectAuthResponseRefused();
    expect(logLine()).toContain("INVALID_AUTHORIZATION_RESPONSE");
  });

  it("iss dropped while the metadata advertises authorization_response_iss_parameter_supported", async () => {
    idp.scenario = { authorize: { dropIss: true } };
    await expectAuthResponseRefused();
    expect(logLine()).toContain("INVALID_AUTHORIZATION_RESPONSE");
  });

  it("error=access_denied with a valid state: 400, the description escaped, the transaction cookie deleted", async () => {
    idp.scenario = { authorize: { error: "access_denied", error_description: "<script>alert(1)</script>" } };
    const { response, jar } = await attempt();
    const html = await expectRefused(response, 400);
    expect(html).toContain("access denied");
    expect(html).not.toContain("<script>alert(1)");
    expect([...jar.cookies.keys()].some((name) => TRANSACTION_COOKIE.test(name))).toBe(true);
    jar.apply(response);
    expect(jar.cookies.size).toBe(0);
    expect(idp.count("/token")).toBe(0);
  });

  it("an error with a wrong state is refused as a state failure and its text is not reflected", async () => {
    idp.scenario = {
      authorize: {
        error: "access_denied",
        error_description: "Call +1-555-SCAMMER to unlock your account",
        state: "B".repeat(43),
      },
    };
    const html = await expectAuthResponseRefused();
    expect(html).not.toContain("SCAMMER");
    expect(html).not.toContain("access denied");
    expect(html).not.toContain("access_denied");
    expect(logLine()).toContain("UNKNOWN_TRANSACTION");
  });

  it("a duplicated code parameter", async () => {
    idp.scenario = { authorize: { duplicate: ["code"] } };
    await expectAuthResponseRefused();
  });

  it("code missing from a success response (valid state and iss)", async () => {
    idp.scenario = { authorize: { dropCode: true } };
    await expectAuthResponseRefused();
  });

  it("a duplicated state parameter", async () => {
    idp.scenario = { authorize: { duplicate: ["state"] } };
    await expectAuthResponseRefused();
  });

  it("a replayed callback (the same code a second time) is refused without redeeming it again", async () => {
    const { response, callbackUrl, jar } = await attempt();
    expect(response.status).toBe(303);
    jar.apply(response);
    const replay = await handleCallback(get(callbackUrl, jar));
    await expectRefused(replay, 400);
    expect(idp.count("/token")).toBe(1);
  });
});

describe("the ID token (refused with 502 after the token request)", () => {
  it("id_token missing from the token response", async () => {
    idp.scenario = { token: { omitIdToken: true } };
    await expectIdTokenRefused();
  });

  it("a bad signature (last bytes corrupted)", async () => {
    idp.scenario = { token: { corruptSignature: true } };
    await expectIdTokenRefused();
  });

  it("signed by a key not in the JWKS, with the published key's kid", async () => {
    idp.scenario = { token: { signWith: "other-key" } };
    await expectIdTokenRefused();
  });

  it("key rotation: a new kid is found after one JWKS refetch and the login succeeds", async () => {
    // Warm the cache with the current key set.
    const first = await attempt();
    expect(first.response.status).toBe(303);
    expect(idp.count("/jwks")).toBe(1);
    // The provider rotates: a new key is published and used at once.
    idp.scenario = { jwks: { rotate: true } };
    const { response, jar } = await attempt();
    expect(response.status).toBe(303);
    expect(identityWrites(response)).toHaveLength(1);
    jar.apply(response);
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect(identity?.claims["sub"]).toBe("hostile-user");
    expect(idp.count("/jwks")).toBe(2);
    expect(error).not.toHaveBeenCalled();
  });

  it("a new kid that is never published: refused, the JWKS fetched at most twice", async () => {
    idp.scenario = { token: { signWith: "other-key", header: { kid: "never-published" } } };
    await expectIdTokenRefused();
    expect(idp.count("/jwks")).toBeGreaterThanOrEqual(1);
    expect(idp.count("/jwks")).toBeLessThanOrEqual(2);
  });

  it("alg none, with metadata advertising none", async () => {
    idp.scenario = {
      metadata: { override: { id_token_signing_alg_values_supported: ["none", "RS256"] } },
      token: { signWith: "none" },
    };
    await expectIdTokenRefused();
  });

  it("HS256 signed with the client secret", async () => {
    idp.scenario = {
      metadata: { override: { id_token_signing_alg_values_supported: ["HS256", "RS256"] } },
      token: { signWith: "hs256" },
    };
    await expectIdTokenRefused();
  });

  it("a crit header with an unknown extension", async () => {
    idp.scenario = {
      token: { header: { crit: ["urn:hostile:must-understand"], "urn:hostile:must-understand": true } },
    };
    await expectIdTokenRefused();
  });

  it("iss claim of another issuer", async () => {
    idp.scenario = { token: { claims: { iss: "https://evil.example" } } };
    await expectIdTokenRefused();
  });

  it("iss claim with a trailing slash", async () => {
    idp.scenario = { token: { claims: { iss: `${idp.issuer}/` } } };
    await expectIdTokenRefused();
  });

  it("aud of another client", async () => {
    idp.scenario = { token: { claims: { aud: "someone-else" } } };
    await expectIdTokenRefused();
  });

  it("aud array with another audience and no azp", async () => {
    idp.scenario = { token: { claims: { aud: [idp.clientId, "someone-else"] } } };
    await expectIdTokenRefused();
  });

  it("single aud with a foreign azp", async () => {
    idp.scenario = { token: { claims: { azp: "someone-else" } } };
    await expectIdTokenRefused();
  });

  it("exp in the past, beyond the 60 s tolerance", async () => {
    idp.scenario = { token: { claims: { exp: now() - 120, iat: now() - 400 } } };
    await expectIdTokenRefused();
  });

  it("iat one hour in the future", async () => {
    idp.scenario = { token: { claims: { iat: now() + 3600, exp: now() + 7200 } } };
    await expectIdTokenRefused();
  });

  it("iat one day old (exp still in the future)", async () => {
    idp.scenario = { token: { claims: { iat: now() - 86_400 } } };
    await expectIdTokenRefused();
  });

  it("iat as a string", async () => {
    idp.scenario = { token: { claims: { iat: String(now()) } } };
    await expectIdTokenRefused();
  });

  it("nonce wrong", async () => {
    idp.scenario = { token: { claims: { nonce: "C".repeat(43) } } };
    await expectIdTokenRefused();
  });

  it("nonce missing", async () => {
    idp.scenario = { token: { claims: { nonce: undefined } } };
    await expectIdTokenRefused();
  });

  it("sub missing", async () => {
    idp.scenario = { token: { claims: { sub: undefined } } };
    await expectIdTokenRefused();
  });

  it("sub a number", async () => {
    idp.scenario = { token: { claims: { sub: 12345 } } };
    await expectIdTokenRefused();
  });

  it("sub empty", async () => {
    idp.scenario = { token: { claims: { sub: "" } } };
    await expectIdTokenRefused();
  });

  it("a valid ID token too large for the identity cookies (20 KB of random claims)", async () => {
    idp.scenario = {
      token: { claims: { groups: Array.from({ length: 200 }, () => randomBytes(75).toString("base64url")) } },
    };
    const { response } = await attempt();
    await expectRefused(response, 502);
    expect(logLine()).toContain("IDENTITY_TOO_LARGE");
  });

  it("a valid ID token with 45 KB of claims that would compress into one cookie: a page naming the provider, the size and the fix", async () => {
    const groups = Array.from(
      { length: 1400 },
      (_, i) => `engineering-platform-group-${String(i % 50).padStart(2, "0")}`,
    );
    backup.scenario = { token: { claims: { groups } } };
    const { response } = await attempt("backup");
    expect(response.headers.getSetCookie().some((c) => /^auth_user/.test(c))).toBe(false);
    const html = await expectRefused(response, 502);
    expect(html).toContain("&#34;backup&#34;");
    expect(html).toMatch(/\d{5} bytes of claims and tokens, at most 16384/);
    expect(html).toContain("fewer claims");
    expect(logLine()).toContain("IDENTITY_TOO_LARGE");
  });
});

describe("the token endpoint (502, or 504 when it hangs)", () => {
  it("a code the provider does not know: its honest invalid_grant becomes a 502", async () => {
    idp.scenario = { authorize: { code: "forged-code-0123456789" } };
    const { response } = await attempt();
    await expectRefused(response, 502);
    expect(idp.count("/token")).toBe(1);
    expect(logLine()).toContain("invalid_grant");
  });

  it("400 invalid_grant", async () => {
    idp.scenario = {
      token: { status: 400, body: JSON.stringify({ error: "invalid_grant", error_description: "<b>nope</b>" }) },
    };
    const { response } = await attempt();
    const html = await expectRefused(response, 502);
    expect(html).not.toContain("<b>nope");
    expect(idp.count("/token")).toBe(1);
  });

  it("500 with an HTML body", async () => {
    idp.scenario = {
      token: {
        status: 500,
        body: "<html><body><h1>Internal Server Error</h1></body></html>",
        contentType: "text/html",
      },
    };
    const { response } = await attempt();
    const html = await expectRefused(response, 502);
    expect(html).not.toContain("Internal Server Error");
  });

  it("200 with a body that is not JSON", async () => {
    idp.scenario = {
      token: { body: "access_token=abc&token_type=bearer", contentType: "application/x-www-form-urlencoded" },
    };
    const { response } = await attempt();
    await expectRefused(response, 502);
  });

  it('token_type "mac"', async () => {
    idp.scenario = { token: { tokenType: "mac" } };
    await expectIdTokenRefused();
  });

  it("a token endpoint that hangs: 504 within about 2 s", async () => {
    idp.scenario = { token: { delayMs: 5_000 } };
    const { response, ms } = await attempt();
    const html = await expectRefused(response, 504);
    expect(html).toContain("did not answer in time");
    expect(ms).toBeLessThan(2_000);
  });

  it("a streamed 5 MB token body is cut off (bounded) and refused with 502", async () => {
    idp.scenario = { token: { hugeBodyBytes: 5 * 1024 * 1024 } };
    const { response, ms } = await attempt();
    await expectRefused(response, 502);
    expect(ms).toBeLessThan(2_000);
  });

  it("a 5 MB token body announced by Content-Length is refused with 502", async () => {
    idp.scenario = { token: { hugeBodyBytes: 5 * 1024 * 1024, declareHugeLength: true } };
    const { response, ms } = await attempt();
    await expectRefused(response, 502);
    expect(ms).toBeLessThan(2_000);
  });
});

describe("the JWKS endpoint", () => {
  it("JWKS answers 500", async () => {
    idp.scenario = { jwks: { status: 500 } };
    await expectIdTokenRefused();
    expect(idp.count("/jwks")).toBeGreaterThanOrEqual(1);
  });

  it("JWKS hangs: 504 within about 2 s", async () => {
    idp.scenario = { jwks: { delayMs: 5_000 } };
    const { response, ms } = await attempt();
    await expectRefused(response, 504);
    expect(ms).toBeLessThan(2_000);
  });

  it("JWKS publishes no keys", async () => {
    idp.scenario = { jwks: { keys: [] } };
    await expectIdTokenRefused();
    expect(idp.count("/jwks")).toBeLessThanOrEqual(2);
  });
});

describe("discovery (the login route answers 502/504 and sets no cookie)", () => {
  async function expectLoginRefused(status: number): Promise<void> {
    const response = await handleLogin(get(`${APP}/auth/login`));
    await expectRefused(response, status);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(idp.count("/authorize")).toBe(0);
  }

  it("an issuer on another host than server_metadata_url", async () => {
    idp.scenario = { metadata: { override: { issuer: "https://evil.example" } } };
    await expectLoginRefused(502);
  });

  it("an issuer on the same host but another port (another origin)", async () => {
    const other = new URL(idp.issuer);
    other.port = String(Number(other.port) + 1);
    idp.scenario = { metadata: { override: { issuer: other.origin } } };
    await expectLoginRefused(502);
  });

  it("metadata answers 500", async () => {
    idp.scenario = { metadata: { status: 500, body: "<html>down</html>", contentType: "text/html" } };
    await expectLoginRefused(502);
  });

  it("metadata that is not JSON", async () => {
    idp.scenario = { metadata: { body: "issuer: nope", contentType: "text/plain" } };
    await expectLoginRefused(502);
  });

  it("metadata that hangs: 504 quickly", async () => {
    idp.scenario = { metadata: { delayMs: 5_000 } };
    const started = Date.now();
    await expectLoginRefused(504);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("metadata pointing the token endpoint at a plain-http foreign host", async () => {
    idp.scenario = { metadata: { override: { token_endpoint: "http://evil.example/token" } } };
    await expectLoginRefused(502);
  });

  it("metadata that advertises only HS256 for ID tokens: 502 (the provider's fault) before anyone is sent there", async () => {
    idp.scenario = { metadata: { override: { id_token_signing_alg_values_supported: ["HS256"] } } };
    await expectLoginRefused(502);
  });

  it("a client registered for another advertised algorithm (PS256) logs in", async () => {
    idp.scenario = {
      metadata: { override: { id_token_signing_alg_values_supported: ["RS256", "PS256"] } },
      token: { signWith: "ps256" },
    };
    const { response } = await attempt();
    expect(response.status).toBe(303);
    expect(identityWrites(response)).toHaveLength(1);
  });

  it("a PS256 token from a provider that advertises only RS256 is refused", async () => {
    idp.scenario = { token: { signWith: "ps256" } };
    await expectIdTokenRefused();
  });

  it("a second configured provider keeps working while the hostile one is down", async () => {
    idp.scenario = { metadata: { status: 500, body: "down", contentType: "text/plain" } };
    await expectRefused(await handleLogin(get(`${APP}/auth/login`)), 502);
    const { response, jar } = await attempt("backup");
    expect(response.status).toBe(303);
    jar.apply(response);
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect(identity?.claims).toMatchObject({
      sub: "hostile-user",
      provider: "backup",
      iss: backup.issuer,
      aud: backup.clientId,
    });
    expect(idp.count("/token")).toBe(0);
    expect(backup.count("/token")).toBe(1);
  });
});
