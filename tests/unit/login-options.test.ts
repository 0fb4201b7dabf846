import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { startLocalIdp } from "@/scripts/local-idp.mjs";
import { readIdentity } from "@/lib/auth/cookie/identity";
import { clearMetadataCache } from "@/lib/auth/protocol/discovery";
import { AuthFlowError } from "@/lib/auth/protocol/errors";
import { loginRequestFromOptions, type LoginOptions } from "@/lib/auth/protocol/login-options";
import { handleCallback } from "@/lib/auth/routes/callback";
import { handleLogin } from "@/lib/auth/routes/login";
import { loginUrl } from "@/lib/auth/routes/login-url";
import { readAuthError } from "@/lib/auth/server/read-auth-error";
import { Jar } from "../support/cookie-jar";
import { startHostileIdp, type HostileIdp } from "../support/hostile-idp";
import { signInAtProvider } from "../support/oidc-login";

/**
 * Per-call login options (`login_hint`, `prompt`, `max_age`, `acr_values`) through the real route handlers: against
 * the local OpenID Provider (oidc-provider) for what an honest provider does with them, and against the hostile one
 * for a provider that ignores `max_age` or refuses the values.
 */

const APP = "http://localhost:3000";
const REDIRECT_URI = `${APP}/oauth2callback`;
const HOSTILE_REDIRECT_URI = `${APP}/oauth2callback/hostile`;
const SECRET = "login-options-test-cookie-secret-0123456789";
const CLIENT = { client_id: "options-app", client_secret: "options-app-secret-0123456789" };
const TRANSACTION_COOKIE = /^auth_txn\./;

let idp: Awaited<ReturnType<typeof startLocalIdp>>;
let hostile: HostileIdp;
let warn: MockInstance<typeof console.warn>;

function config({ kwargs = "", hostileKwargs = "" } = {}): string {
  return `
[auth]
redirect_uri = "${REDIRECT_URI}"
cookie_secret = "${SECRET}"
client_id = "${CLIENT.client_id}"
client_secret = "${CLIENT.client_secret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"
${kwargs ? `client_kwargs = { ${kwargs} }` : ""}

[auth.hostile]
client_id = "${hostile.clientId}"
client_secret = "${hostile.clientSecret}"
server_metadata_url = "${hostile.issuer}/.well-known/openid-configuration"
redirect_uri = "${HOSTILE_REDIRECT_URI}"
${hostileKwargs ? `client_kwargs = { ${hostileKwargs} }` : ""}
`;
}

const get = (url: string, jar?: Jar): Request =>
  new Request(url, { headers: { ...(jar ? { cookie: jar.header() } : {}), "sec-fetch-site": "same-origin" } });

const now = (): number => Math.floor(Date.now() / 1000);

/** `/auth/login?<query>`: the provider's authorization URL; the transaction cookie lands in `jar`. */
async function startLogin(query: string, jar = new Jar()): Promise<URL> {
  const response = await handleLogin(get(`${APP}/auth/login?${query}`, jar));
  expect(response.status, await response.clone().text()).toBe(302);
  jar.apply(response);
  return new URL(response.headers.get("location")!);
}

/** A login at the hostile provider (no UI): its answer at the callback. */
async function hostileLogin(query: string, jar = new Jar()): Promise<Response> {
  const authorize = await startLogin(`provider=hostile&${query}`, jar);
  const answer = await fetch(authorize, { redirect: "manual" });
  return handleCallback(get(new URL(answer.headers.get("location")!).href, jar));
}

/** A login at the local provider with the browser's provider cookies in `idpJar`; the app's cookies in `jar`. */
async function localLogin(
  query: string,
  { jar = new Jar(), idpJar = new Jar(), user = "alice", signInPages = [] as string[] } = {},
): Promise<{ jar: Jar; response: Response; signInPages: string[] }> {
  const authorize = await startLogin(query, jar);
  const callback = await signInAtProvider(authorize.href, user, REDIRECT_URI, { idpJar, signInPages });
  const response = await handleCallback(get(callback, jar));
  jar.apply(response);
  return { jar, response, signInPages };
}

async function claimsOf(jar: Jar): Promise<Record<string, unknown> | undefined> {
  return (await readIdentity(jar.cookies, { secrets: [SECRET], secure: false }))?.claims;
}

function identityWritten(response: Response): boolean {
  return response.headers.getSetCookie().some((line) => /^auth_user(\.\d+)?=/.test(line) && !/max-age=0/i.test(line));
}

function logLines(): string {
  return warn.mock.calls.map((args) => args.map(String).join(" ")).join("\n");
}

beforeAll(async () => {
  [idp, hostile] = await Promise.all([
    startLocalIdp({ port: 0, quiet: true, clients: [{ ...CLIENT, redirect_uris: [REDIRECT_URI] }] }),
    startHostileIdp(),
  ]);
});

afterAll(async () => {
  await Promise.all([idp.close(), hostile.close()]);
  delete process.env["AUTH_SECRETS"];
  delete process.env["__NEXT_ROUTER_BASEPATH"];
});

beforeEach(() => {
  process.env["AUTH_SECRETS"] = config();
  clearMetadataCache();
  hostile.reset();
  warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  return () => warn.mockRestore();
});

describe("GET /auth/login with login options", () => {
  it("sends login_hint, prompt, max_age and acr_values to the provider, and nothing else from the query", async () => {
    const query = new URLSearchParams({
      login_hint: "alice@example.test",
      prompt: "login  consent",
      max_age: "300",
      acr_values: "urn:example:mfa urn:example:pwd",
      state: "attacker-state-0123456789",
      nonce: "attacker-nonce",
      redirect_uri: "https://evil.example/cb",
      code_challenge: "attacker-challenge",
      client_id: "someone-else",
      scope: "openid admin",
      response_mode: "fragment",
      claims: '{"id_token":{"groups":null}}',
      foo: "bar",
    });
    const p = (await startLogin(query.toString())).searchParams;
    expect(p.get("login_hint")).toBe("alice@example.test");
    expect(p.get("prompt")).toBe("login consent");
    expect(p.get("max_age")).toBe("300");
    expect(p.get("acr_values")).toBe("urn:example:mfa urn:example:pwd");
    expect(p.get("state")).toMatch(/^[\w-]{43}$/);
    expect(p.get("nonce")).toMatch(/^[\w-]{43}$/);
    expect(p.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(p.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(p.get("client_id")).toBe(CLIENT.client_id);
    expect(p.get("scope")).toBe("openid email profile");
    for (const name of ["response_mode", "claims", "foo"]) expect(p.has(name), name).toBe(false);
    for (const [name, value] of p) expect(value, name).not.toMatch(/attacker|evil|someone-else/);
  });

  it("per-call values override client_kwargs for that one login only", async () => {
    process.env["AUTH_SECRETS"] = config({
      kwargs: 'prompt = "consent", login_hint = "configured@example.test", max_age = "3600", acr_values = "urn:cfg"',
    });
    const own = (await startLogin("login_hint=bob%40example.test&prompt=login&max_age=0&acr_values=urn%3Aown"))
      .searchParams;
    expect([own.get("login_hint"), own.get("prompt"), own.get("max_age"), own.get("acr_values")]).toEqual([
      "bob@example.test",
      "login",
      "0",
      "urn:own",
    ]);
    const next = (await startLogin("")).searchParams;
    expect([next.get("login_hint"), next.get("prompt"), next.get("max_age"), next.get("acr_values")]).toEqual([
      "configured@example.test",
      "consent",
      "3600",
      "urn:cfg",
    ]);
  });

  it("treats empty values as absent", async () => {
    const p = (await startLogin("login_hint=&prompt=&max_age=&acr_values=")).searchParams;
    expect(p.get("prompt")).toBe("select_account");
    for (const name of ["login_hint", "max_age", "acr_values"]) expect(p.has(name), name).toBe(false);
  });

  const badQueries: Array<[string, string, RegExp]> = [
    ["prompt=none%20login", "prompt", /login, consent, select_account \(space-separated\), or none alone/],
    ["prompt=sign_up", "prompt", /or none alone/],
    ["prompt=login%09consent", "prompt", /or none alone/],
    ["prompt=login&prompt=consent", "prompt", /or none alone/],
    ["max_age=-1", "max_age", /a whole number of seconds from 0 to 2147483647/],
    ["max_age=1.5", "max_age", /whole number/],
    ["max_age=1e3", "max_age", /whole number/],
    ["max_age=2147483648", "max_age", /whole number/],
    ["max_age=%200", "max_age", /whole number/],
    [`login_hint=${"a".repeat(257)}`, "login_hint", /at most 256 characters, without control characters/],
    ["login_hint=alice%0Aevil", "login_hint", /without control characters/],
    ["login_hint=alice%C2%85", "login_hint", /without control characters/],
    ["acr_values=urn%3Aa%09urn%3Ab", "acr_values", /printable ASCII/],
    ["acr_values=caf%C3%A9", "acr_values", /printable ASCII/],
    [`acr_values=${"a".repeat(513)}`, "acr_values", /at most 512 characters/],
  ];

  it.each(badQueries)(
    "a bad value from the browser (%s): a 400 page naming %s and what it accepts, nothing started",
    async (query, parameter, allowed) => {
      const response = await handleLogin(get(`${APP}/auth/login?${query}`));
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.getSetCookie()).toEqual([]);
      const html = await response.text();
      expect(html).toContain(`data-status="400"`);
      expect(html).toContain(`This login link has an invalid ${parameter}.`);
      expect(html).toMatch(allowed);
      expect(html).not.toMatch(/sign_up|evil|caf|Error:|\bat .*\(/);
      expect(logLines()).toContain("login: INVALID_LOGIN_OPTION (400)");
    },
  );

  it("max_age=0 after a login makes the provider ask to sign in again, with login_hint filled in; auth_time is fresher", async () => {
    // prompt=consent: the local provider then signs a returning user in from its session, without its sign-in page.
    process.env["AUTH_SECRETS"] = config({ kwargs: 'prompt = "consent"' });
    const idpJar = new Jar();
    // (oidc-provider puts auth_time into the ID token when the login asked for prompt=login or max_age.)
    const first = await localLogin("prompt=login&returnTo=/reports", { idpJar });
    expect(first.response.headers.get("location")).toBe(`${APP}/reports`);
    expect(first.signInPages).toHaveLength(1);
    const firstAuthTime = (await claimsOf(first.jar))?.["auth_time"];
    expect(firstAuthTime).toEqual(expect.any(Number));

    const again = await localLogin("returnTo=/reports", { jar: first.jar, idpJar });
    expect(again.response.status).toBe(303);
    expect(again.signInPages).toEqual([]);

    await vi.waitFor(() => expect(now()).toBeGreaterThan(firstAuthTime as number), { timeout: 2500, interval: 50 });
    const stepUp = await localLogin("max_age=0&login_hint=alice&returnTo=/protected", { jar: first.jar, idpJar });
    expect(stepUp.response.status).toBe(303);
    expect(stepUp.response.headers.get("location")).toBe(`${APP}/protected`);
    expect(stepUp.signInPages).toHaveLength(1);
    expect(stepUp.signInPages[0]).toMatch(/<input id="login" name="login"[^>]* value="alice"/);
    const claims = await claimsOf(stepUp.jar);
    expect(claims?.["sub"]).toBe("alice");
    expect(claims?.["auth_time"]).toBeGreaterThan(firstAuthTime as number);
  });

  it("prompt=none: signed in from the provider's session, or back on returnTo logged out with auth_error", async () => {
    process.env["AUTH_SECRETS"] = config({ kwargs: 'prompt = "consent"' });
    const idpJar = new Jar();
    const silentWithoutSession = await localLogin("prompt=none&returnTo=%2Freports%3Fq%3D1", { idpJar });
    expect(silentWithoutSession.response.status).toBe(303);
    expect(silentWithoutSession.response.headers.get("location")).toBe(`${APP}/reports?q=1&auth_error=login_required`);
    expect(identityWritten(silentWithoutSession.response)).toBe(false);
    expect([...silentWithoutSession.jar.cookies.keys()].filter((n) => TRANSACTION_COOKIE.test(n))).toEqual([]);

    await localLogin("", { idpJar, user: "carol" });
    const silent = await localLogin("prompt=none&returnTo=/reports", { idpJar });
    expect(silent.response.headers.get("location")).toBe(`${APP}/reports`);
    expect(silent.signInPages).toEqual([]);
    expect((await claimsOf(silent.jar))?.["sub"]).toBe("carol");
  });
});

describe("max_age: the callback verifies auth_time (OIDC Core 3.1.2.1)", () => {
  it("a provider that leaves auth_time out: AUTH_TIME_MISSING (502), the provider's fault, nobody logged in", async () => {
    const response = await hostileLogin("max_age=300");
    expect(response.status).toBe(502);
    expect(identityWritten(response)).toBe(false);
    const html = await response.text();
    expect(html).toContain("max_age=300");
    expect(html).toContain("no auth_time");
    expect(html).toContain("This is a problem of the identity provider");
    expect(html).toContain('returnTo=%2F&#38;max_age=300">Try again');
    expect(logLines()).toMatch(/callback: AUTH_TIME_MISSING \(502\): max_age=300, the ID token has no auth_time/);
  });

  it("a provider that answers with an old auth_time: AUTH_TIME_TOO_OLD (502)", async () => {
    hostile.scenario = { token: { claims: { auth_time: now() - 3600 } } };
    const response = await hostileLogin("max_age=300");
    expect(response.status).toBe(502);
    expect(identityWritten(response)).toBe(false);
    expect(await response.text()).toMatch(/within the last 300 seconds \(max_age=300\).*\(36\d\d seconds ago\)/);
    expect(logLines()).toMatch(/callback: AUTH_TIME_TOO_OLD \(502\): max_age=300, auth_time=\d+ \(36\d\d s ago\)/);
  });

  it("max_age from client_kwargs is verified as well", async () => {
    process.env["AUTH_SECRETS"] = config({ hostileKwargs: 'max_age = "60"' });
    hostile.scenario = { token: { claims: { auth_time: now() - 600 } } };
    const response = await hostileLogin("");
    expect(response.status).toBe(502);
    expect(logLines()).toContain("AUTH_TIME_TOO_OLD");
  });

  it("a recent auth_time is accepted and kept in the stored claims; without max_age none is required", async () => {
    const authTime = now() - 20;
    hostile.scenario = { token: { claims: { auth_time: authTime } } };
    const jar = new Jar();
    const response = await hostileLogin("max_age=300", jar);
    expect(response.status).toBe(303);
    jar.apply(response);
    expect((await claimsOf(jar))?.["auth_time"]).toBe(authTime);

    hostile.scenario = { token: { claims: { auth_time: now() - 86400 } } };
    expect((await hostileLogin("")).status).toBe(303);
    hostile.scenario = {};
    expect((await hostileLogin("")).status).toBe(303);
  });
});

describe("the provider's answers to the options", () => {
  it.each(["login_required", "interaction_required", "consent_required", "account_selection_required"])(
    "prompt=none answered by %s: back on returnTo, still logged out, with auth_error",
    async (error) => {
      hostile.scenario = { authorize: { error } };
      const response = await hostileLogin("prompt=none&returnTo=%2Fdashboard%23top");
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe(`${APP}/dashboard?auth_error=${error}#top`);
      expect(identityWritten(response)).toBe(false);
      expect(response.headers.getSetCookie().some((l) => TRANSACTION_COOKIE.test(l) && /max-age=0/i.test(l))).toBe(
        true,
      );
    },
  );

  it("login_required to a login that did not ask prompt=none ends on the error page", async () => {
    hostile.scenario = { authorize: { error: "login_required" } };
    const response = await hostileLogin("prompt=login");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      "did not log you in (login_required). This login asked for prompt=&#34;login&#34;",
    );
  });

  it("the provider's own failure (server_error) is not blamed on the options", async () => {
    hostile.scenario = { authorize: { error: "server_error" } };
    const response = await hostileLogin("max_age=0&prompt=login");
    expect(response.status).toBe(502);
    const html = await response.text();
    expect(html).toContain("The identity provider did not log you in (server_error).");
    expect(html).not.toContain("This login asked for");
  });

  it("acr_values refused (unmet_authentication_requirements): a page naming the value, with a Try again that keeps it", async () => {
    hostile.scenario = { authorize: { error: "unmet_authentication_requirements" } };
    const response = await hostileLogin("acr_values=urn%3Aexample%3Amfa&returnTo=/admin");
    expect(response.status).toBe(400);
    expect(identityWritten(response)).toBe(false);
    const html = await response.text();
    expect(html).toContain("acr_values=&#34;urn:example:mfa&#34;");
    expect(html).toContain("unmet_authentication_requirements");
    expect(html).toContain(
      'href="/auth/login?provider=hostile&#38;returnTo=%2Fadmin&#38;acr_values=urn%3Aexample%3Amfa"',
    );
  });

  it("the app's own error page gets the options for its retry link (readAuthError), checked", async () => {
    const page = readAuthError(
      new URLSearchParams(
        "code=AUTH_TIME_TOO_OLD&provider=hostile&returnTo=%2Fpay&max_age=300&login_hint=bob&prompt=none",
      ),
    );
    expect(page).toEqual({
      code: "AUTH_TIME_TOO_OLD",
      kind: "provider",
      retryUrl: "/auth/login?provider=hostile&returnTo=%2Fpay&login_hint=bob&max_age=300",
    });
    const forged = readAuthError(new URLSearchParams("code=AUTH_TIME_MISSING&max_age=-1&login_hint=bob"));
    expect(forged?.retryUrl).toBe("/auth/login?provider=default&returnTo=%2F");
  });

  it("a caller's prompt is never dropped like Streamlit's default: its refusal is shown, not retried", async () => {
    hostile.scenario = { authorize: { rejectPrompt: "select_account" } };
    const response = await hostileLogin("prompt=select_account");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("prompt=&#34;select_account&#34;");
    expect(hostile.count("/authorize")).toBe(1);
    expect(logLines()).not.toContain("retrying this login without it");
  });

  it("the default prompt's retry keeps the caller's other values (max_age, login_hint, acr_values)", async () => {
    hostile.scenario = { authorize: { rejectPrompt: "select_account" } };
    const jar = new Jar();
    const first = await hostileLogin("max_age=300&login_hint=bob&acr_values=urn%3Ax&returnTo=/r", jar);
    expect(first.status).toBe(303);
    const retry = new URL(first.headers.get("location")!);
    expect(retry.origin).toBe(hostile.issuer.replace(/\/$/, ""));
    expect(retry.searchParams.has("prompt")).toBe(false);
    expect([retry.searchParams.get("max_age"), retry.searchParams.get("login_hint")]).toEqual(["300", "bob"]);
    expect(retry.searchParams.get("acr_values")).toBe("urn:x");
    // The retried login still checks auth_time.
    jar.apply(first);
    const answer = await fetch(retry, { redirect: "manual" });
    const done = await handleCallback(get(answer.headers.get("location")!, jar));
    expect(done.status).toBe(502);
    expect(logLines()).toContain("AUTH_TIME_MISSING");
  });
});

describe("login options from code (login(), loginUrl())", () => {
  const badOptions: Array<[string, LoginOptions | Record<string, unknown>, RegExp]> = [
    ["prompt none with another", { prompt: "none login" }, /prompt \(prompt\) "none login" is invalid/],
    ["an unknown prompt", { prompt: "create" }, /or none alone/],
    ["a negative maxAge", { maxAge: -1 }, /maxAge \(max_age\) -1 is invalid/],
    ["a fractional maxAge", { maxAge: 2.5 }, /whole number of seconds/],
    ["maxAge as a string", { maxAge: "300" }, /maxAge \(max_age\) "300" is invalid/],
    ["a login hint with a newline", { loginHint: "a\nb" }, /without control characters/],
    ["a login hint with a lone surrogate", { loginHint: "a\ud800" }, /loginHint \(login_hint\)/],
    ["acrValues with an empty entry", { acrValues: ["urn:a", ""] }, /printable ASCII/],
    ["the snake_case name", { login_hint: "alice" }, /write loginHint, not login_hint/],
    ["a protected parameter", { state: "mine" }, /state is set by the library on every login and cannot be changed/],
    ["redirect_uri", { redirect_uri: "https://evil.example" }, /redirect_uri is set by the library/],
    [
      "an unknown key",
      { scope: "openid admin" },
      /there is no option "scope".*other provider parameters belong in client_kwargs/,
    ],
  ];

  it.each(badOptions)(
    "a wrong option (%s) throws INVALID_LOGIN_OPTION saying what is accepted",
    (_, options, message) => {
      const error = (() => {
        try {
          loginRequestFromOptions(options as LoginOptions);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AuthFlowError);
      expect((error as AuthFlowError).code).toBe("INVALID_LOGIN_OPTION");
      expect((error as AuthFlowError).message).toMatch(/^login\(\): /);
      expect((error as AuthFlowError).message).toMatch(message);
    },
  );

  it("loginUrl() builds the app-relative /auth/login address with the options, and refuses wrong ones", () => {
    expect(loginUrl()).toBe("/auth/login");
    expect(loginUrl("google", "/reports?x=1")).toBe("/auth/login?provider=google&returnTo=%2Freports%3Fx%3D1");
    // Like redirect() and <Link>, which add the basePath themselves.
    process.env["__NEXT_ROUTER_BASEPATH"] = "/docs";
    try {
      expect(
        loginUrl("okta", { returnTo: "/r", loginHint: "a@b.test", prompt: "login", maxAge: 0, acrValues: ["x", "y"] }),
      ).toBe("/auth/login?provider=okta&returnTo=%2Fr&login_hint=a%40b.test&prompt=login&max_age=0&acr_values=x+y");
    } finally {
      delete process.env["__NEXT_ROUTER_BASEPATH"];
    }
    expect(() => loginUrl("okta", { maxAge: -5 })).toThrow(/^loginUrl\(\): maxAge \(max_age\) -5 is invalid/);
  });

  it("a link from loginUrl() starts the same login at the provider", async () => {
    const link = loginUrl("hostile", { prompt: "consent", maxAge: 60, acrValues: "urn:a urn:b", loginHint: "h" });
    const p = (await startLogin(link.slice(link.indexOf("?") + 1))).searchParams;
    expect([p.get("prompt"), p.get("max_age"), p.get("acr_values"), p.get("login_hint")]).toEqual([
      "consent",
      "60",
      "urn:a urn:b",
      "h",
    ]);
  });
});
