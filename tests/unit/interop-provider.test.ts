import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { readIdentity } from "@/lib/auth/cookie/identity";
import { clearMetadataCache } from "@/lib/auth/protocol/discovery";
import { handleCallback } from "@/lib/auth/routes/callback";
import { handleLogin } from "@/lib/auth/routes/login";
import { handleLogout } from "@/lib/auth/routes/logout";
import { startHostileIdp, type HostileIdp } from "../support/hostile-idp";
import { Jar } from "../support/cookie-jar";

/**
 * Independently written OpenID Providers that are honest but do things differently from oidc-provider: what
 * Glewlwyd 2.7 and LemonLDAP::NG 2.16 do, played by the hostile provider in its interop modes. Each test is a whole
 * flow through the real route handlers.
 */

const APP = "http://localhost:3000";
const REDIRECT_URI = `${APP}/oauth2callback`;
const SECRET = "interop-test-cookie-secret-0123456789-abcdef";
/** A client id and secret as people write them: with `-`, `_`, `.` and `~`, which oauth4webapi would percent-encode. */
const CLIENT_ID = "next-app";
const CLIENT_SECRET = "next-app-secret_with.dots~0123456789";
const HMAC_SECRET = "hmac-client-secret-".padEnd(64, "x");

let idp: HostileIdp;
let pathIdp: HostileIdp;
let hmacIdp: HostileIdp;
let reservedIdp: HostileIdp;
let warn: MockInstance<typeof console.warn>;

/** `[auth]` with `provider` as the default provider; `extra` lines go into `[auth]` too. */
function useConfig(provider: HostileIdp, extra = ""): void {
  process.env["AUTH_SECRETS"] = `
[auth]
redirect_uri = "${REDIRECT_URI}"
cookie_secret = "${SECRET}"
client_id = "${provider.clientId}"
client_secret = "${provider.clientSecret}"
server_metadata_url = "${provider.issuer}/.well-known/openid-configuration"
${extra}
`;
}

const get = (url: string, jar?: Jar, headers: Record<string, string> = {}): Request =>
  new Request(url, {
    headers: { ...(jar ? { cookie: jar.header() } : {}), "sec-fetch-site": "same-origin", ...headers },
  });

/** A whole login: /auth/login -> the provider's /authorize -> the callback. */
async function attempt(jar = new Jar()): Promise<{ response: Response; jar: Jar }> {
  const login = await handleLogin(get(`${APP}/auth/login`, jar));
  expect(login.status).toBe(302);
  jar.apply(login);
  const authorized = await fetch(login.headers.get("location")!, { redirect: "manual" });
  expect(authorized.status).toBe(302);
  const response = await handleCallback(get(authorized.headers.get("location")!, jar));
  return { response, jar };
}

async function loggedIn(): Promise<Jar> {
  const { response, jar } = await attempt();
  expect(response.status).toBe(303);
  jar.apply(response);
  expect(jar.cookies.has("auth_user")).toBe(true);
  return jar;
}

const log = (): string => warn.mock.calls.map((args) => args.map(String).join(" ")).join("\n");

function expectNoIdentity(response: Response): void {
  const written = response.headers.getSetCookie().filter((c) => /^auth_user(\.\d+)?=/.test(c) && !/max-age=0/i.test(c));
  expect(written).toEqual([]);
}

beforeAll(async () => {
  [idp, pathIdp, hmacIdp, reservedIdp] = await Promise.all([
    startHostileIdp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    startHostileIdp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuerPath: "/api/oidc" }),
    startHostileIdp({ clientId: CLIENT_ID, clientSecret: HMAC_SECRET }),
    startHostileIdp({ clientId: "app:one", clientSecret: "p+ss/word=with%reserved&chars 0123456789" }),
  ]);
});

afterAll(async () => {
  await Promise.all([idp, pathIdp, hmacIdp, reservedIdp].map((p) => p.close()));
  delete process.env["AUTH_SECRETS"];
});

beforeEach(() => {
  clearMetadataCache();
  for (const p of [idp, pathIdp, hmacIdp, reservedIdp]) p.reset();
  useConfig(idp);
  warn = vi.spyOn(console, "warn");
  return () => warn.mockRestore();
});

describe("client_secret_basic works with providers that decode the credentials and with those that compare them raw", () => {
  it("a provider that form-urldecodes (RFC 6749 §2.3.1) accepts a client id and secret with - _ . ~", async () => {
    const { response } = await attempt();
    expect(response.status).toBe(303);
    expect(idp.clientAuthentications).toEqual([
      { method: "client_secret_basic", authorization: `Basic ${btoa(`${CLIENT_ID}:${CLIENT_SECRET}`)}` },
    ]);
  });

  it("a provider that compares them raw (Glewlwyd, LemonLDAP::NG) accepts them too: - _ . ~ are sent unencoded", async () => {
    idp.scenario = { token: { basicCredentials: "raw", clientRefusal: "unauthorized_client" } };
    const { response } = await attempt();
    expect(response.status).toBe(303);
  });

  it("reserved characters are percent-encoded, and a decoding provider gets the original id and secret back", async () => {
    useConfig(reservedIdp);
    const { response } = await attempt();
    expect(response.status).toBe(303);
    const header = reservedIdp.clientAuthentications[0]?.authorization ?? "";
    expect(atob(header.slice("Basic ".length))).toBe("app%3Aone:p%2Bss/word%3Dwith%25reserved%26chars%200123456789");
  });

  it("client_secret_post, chosen with client_kwargs.token_endpoint_auth_method, works with a raw-comparing provider", async () => {
    useConfig(reservedIdp, 'client_kwargs = { token_endpoint_auth_method = "client_secret_post" }');
    reservedIdp.scenario = { token: { basicCredentials: "raw", acceptPost: true } };
    const { response } = await attempt();
    expect(response.status).toBe(303);
    expect(reservedIdp.clientAuthentications.map((a) => a.method)).toEqual(["client_secret_post"]);
  });
});

describe("a refused client is a configuration problem: a page and a log line that say what to check, no retry link", () => {
  async function expectClientRejected(suggested: string): Promise<void> {
    const { response } = await attempt();
    expect(response.status).toBe(500);
    expectNoIdentity(response);
    const html = await response.text();
    expect(html).toContain("Login is not configured correctly");
    expect(html).toContain("refused this app&#39;s client credentials");
    expect(html).toContain(`token_endpoint_auth_method = &#34;${suggested}&#34;`);
    expect(html).not.toContain("Try again</a>");
    expect(html).not.toContain(CLIENT_SECRET);
    expect(log()).toMatch(
      /\[auth\] callback: CLIENT_REJECTED \(500\): provider "default": the token endpoint answered/,
    );
    expect(log()).toContain(`token_endpoint_auth_method = "${suggested}"`);
    // Named by code, never by a (minifiable) class name.
    expect(log()).not.toMatch(/Error\b.*Challenge|ResponseBodyError/);
  }

  it("401 invalid_client with a WWW-Authenticate challenge (RFC 6749 §5.2; LemonLDAP::NG)", async () => {
    process.env["AUTH_SECRETS"] = process.env["AUTH_SECRETS"]!.replace(CLIENT_SECRET, "a-wrong-secret");
    await expectClientRejected("client_secret_post");
    expect(log()).toContain("401 with a WWW-Authenticate challenge (basic)");
  });

  it("403 unauthorized_client (Glewlwyd)", async () => {
    process.env["AUTH_SECRETS"] = process.env["AUTH_SECRETS"]!.replace(CLIENT_SECRET, "a-wrong-secret");
    idp.scenario = { token: { clientRefusal: "unauthorized_client" } };
    await expectClientRejected("client_secret_post");
    expect(log()).toContain("403 unauthorized_client");
  });

  it("401 invalid_client without a challenge; with client_secret_post configured, client_secret_basic is suggested", async () => {
    useConfig(idp, 'client_kwargs = { token_endpoint_auth_method = "client_secret_post" }');
    idp.scenario = { token: { clientRefusal: "invalid_client" } };
    await expectClientRejected("client_secret_basic");
    expect(log()).toContain("401 invalid_client");
  });
});

describe("HMAC-signed ID tokens: refused unless the provider section opts in", () => {
  const advertisesHmac = { id_token_signing_alg_values_supported: ["HS256", "HS512", "RS256"] };

  it("an HS256 token is refused by default, and the page says how to opt in or switch the provider to RS256", async () => {
    idp.scenario = { metadata: { override: advertisesHmac }, token: { signWith: "hs256" } };
    const { response } = await attempt();
    expect(response.status).toBe(502);
    expectNoIdentity(response);
    const html = await response.text();
    expect(html).toContain("signed the ID token with HS256");
    expect(html).toContain("RS256");
    expect(html).toContain("id_token_signed_response_alg = &#34;HS256&#34;");
    expect(log()).toContain("INVALID_ID_TOKEN (502)");
  });

  it('with id_token_signed_response_alg = "HS512", an HS512 token is verified with the client secret and logs in', async () => {
    useConfig(hmacIdp, 'id_token_signed_response_alg = "HS512"');
    // LemonLDAP::NG's default: only HMAC advertised. The opt-in lets the login start at all.
    hmacIdp.scenario = {
      metadata: { override: { id_token_signing_alg_values_supported: ["HS512"] } },
      token: { signWith: "hs512" },
    };
    const { response, jar } = await attempt();
    expect(response.status).toBe(303);
    jar.apply(response);
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect(identity?.claims).toMatchObject({ sub: "hostile-user", aud: CLIENT_ID });
    expect(hmacIdp.count("/jwks")).toBe(0);
  });

  it.each([
    ["an HS512 token with a bad signature", { signWith: "hs512" as const, corruptSignature: true }],
    ["an HS256 token (another algorithm than the one pinned)", { signWith: "hs256" as const }],
    ["an RS256 token (the token's header never chooses)", {}],
    ["an unsigned alg none token", { signWith: "none" as const }],
  ])('with id_token_signed_response_alg = "HS512", %s is refused', async (_, token) => {
    useConfig(hmacIdp, 'id_token_signed_response_alg = "HS512"');
    hmacIdp.scenario = {
      metadata: { override: { id_token_signing_alg_values_supported: ["HS512", "RS256", "none"] } },
      token,
    };
    const { response } = await attempt();
    expect(response.status).toBe(502);
    expectNoIdentity(response);
    expect(log()).toContain("INVALID_ID_TOKEN (502)");
  });

  it("an asymmetric pin (PS256) accepts only that algorithm, although the provider advertises RS256 too", async () => {
    useConfig(idp, 'id_token_signed_response_alg = "PS256"');
    idp.scenario = { metadata: { override: { id_token_signing_alg_values_supported: ["RS256", "PS256"] } } };
    expect((await attempt()).response.status).toBe(502);
    idp.scenario = { ...idp.scenario, token: { signWith: "ps256" } };
    expect((await attempt()).response.status).toBe(303);
  });
});

describe("logout at the provider: our own state, and the way back lands where the user logged out", () => {
  async function logOut(jar: Jar, returnTo = "/reports?tab=2"): Promise<URL> {
    const response = await handleLogout(get(`${APP}/auth/logout`, jar, { referer: `${APP}${returnTo}` }));
    expect(response.status).toBe(303);
    jar.apply(response);
    expect(jar.cookies.has("auth_user")).toBe(false);
    return new URL(response.headers.get("location")!);
  }

  /** The provider's answer to the logout request, followed to the callback URL it sends the browser to. */
  async function atProvider(url: URL): Promise<string> {
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(302);
    return response.headers.get("location")!;
  }

  it("every logout carries an unguessable state of our own, whatever logout_params says", async () => {
    useConfig(idp, 'logout_params = { state = "chosen-by-config" }');
    const states = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const url = await logOut(await loggedIn());
      expect(url.pathname).toBe("/end_session");
      states.add(url.searchParams.get("state")!);
    }
    expect(states.size).toBe(3);
    for (const state of states) expect(state).toMatch(/^[\w-]{43}$/);
  });

  it("a provider that returns only with the state it was given: the return lands on the page the user logged out from", async () => {
    idp.scenario = { endSession: { requireState: true } };
    const jar = await loggedIn();
    const back = await atProvider(await logOut(jar));
    expect(back).toMatch(new RegExp(`^${REDIRECT_URI}\\?state=[\\w-]{43}$`));
    const response = await handleCallback(get(back, jar));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${APP}/reports?tab=2`);
    jar.apply(response);
    expect(jar.cookies.size).toBe(0);
    expect(log()).not.toContain("UNKNOWN_TRANSACTION");
  });

  it("a logout confirmation page at the provider: the return after confirming lands on the page too", async () => {
    idp.scenario = { endSession: { confirm: true, requireState: true } };
    const jar = await loggedIn();
    const page = await fetch(await logOut(jar, "/after?x=1"));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    const fields = new URLSearchParams(
      [...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&#38;/g, "&")]),
    );
    const confirmed = await fetch(`${idp.issuer}/end_session/confirm`, {
      method: "POST",
      body: fields,
      redirect: "manual",
    });
    expect(confirmed.status).toBe(302);
    const response = await handleCallback(get(confirmed.headers.get("location")!, jar));
    expect(response.headers.get("location")).toBe(`${APP}/after?x=1`);
  });

  it("a return with a forged state, or none, lands on /: never on another site, never on an error page", async () => {
    const jar = await loggedIn();
    await logOut(jar, "/secret-page");
    for (const query of [
      "?state=" + "F".repeat(43),
      "?state=%2F%2Fevil.example",
      "",
      "?session_state=abc.def",
      `?iss=${idp.issuer}`,
    ]) {
      const response = await handleCallback(get(`${REDIRECT_URI}${query}`, jar));
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe(`${APP}/`);
    }
  });

  it("a returnTo or Referer that points off the app is never followed", async () => {
    idp.scenario = { endSession: { requireState: true } };
    for (const request of [
      (jar: Jar) => get(`${APP}/auth/logout?returnTo=${encodeURIComponent("//evil.example/x")}`, jar),
      (jar: Jar) => get(`${APP}/auth/logout`, jar, { referer: "https://evil.example/phish" }),
    ]) {
      const jar = await loggedIn();
      const logout = await handleLogout(request(jar));
      jar.apply(logout);
      const back = await atProvider(new URL(logout.headers.get("location")!));
      expect((await handleCallback(get(back, jar))).headers.get("location")).toBe(`${APP}/`);
    }
  });

  it("without an end_session_endpoint, logging out lands on the page the user logged out from at once", async () => {
    idp.scenario = { metadata: { override: { end_session_endpoint: undefined } } };
    const jar = await loggedIn();
    const url = await logOut(jar, "/reports?tab=3");
    expect(url.href).toBe(`${APP}/reports?tab=3`);
    expect(jar.cookies.size).toBe(0);
  });
});

describe("honest providers that do things differently (regressions)", () => {
  it("a provider that ignores prompt=select_account logs in without any retry", async () => {
    const { response } = await attempt();
    expect(response.status).toBe(303);
    expect(idp.lastAuthorization()?.get("prompt")).toBe("select_account");
    expect(idp.count("/authorize")).toBe(1);
    expect(log()).not.toContain("refused prompt");
  });

  it("a session_state parameter on the callback (OIDC Session Management) is ignored", async () => {
    idp.scenario = {
      authorize: { extraParams: { session_state: "kkj4GItVxUor+oZ3Oq94lmbujiHtRwZO9GOH48APFVI=.P4AHsACQ" } },
    };
    expect((await attempt()).response.status).toBe(303);
  });

  it("a path issuer (/api/oidc, as Glewlwyd's): login, and logout at its end_session_endpoint", async () => {
    useConfig(pathIdp);
    pathIdp.scenario = { endSession: { requireState: true } };
    const jar = await loggedIn();
    expect(pathIdp.issuer).toMatch(/\/api\/oidc$/);
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect(identity?.claims["iss"]).toBe(pathIdp.issuer);
    const logout = await handleLogout(get(`${APP}/auth/logout`, jar));
    jar.apply(logout);
    const end = new URL(logout.headers.get("location")!);
    expect(end.href.startsWith(`${pathIdp.issuer}/end_session?`)).toBe(true);
    const back = (await fetch(end, { redirect: "manual" })).headers.get("location")!;
    expect((await handleCallback(get(back, jar))).headers.get("location")).toBe(`${APP}/`);
  });

  it("iss in the authorization response without authorization_response_iss_parameter_supported is still checked", async () => {
    idp.scenario = { metadata: { override: { authorization_response_iss_parameter_supported: undefined } } };
    expect((await attempt()).response.status).toBe(303);
    idp.scenario = { ...idp.scenario, authorize: { iss: "https://evil.example" } };
    const { response } = await attempt();
    expect(response.status).toBe(400);
    expectNoIdentity(response);
  });

  it("an ID token whose exp is the access token's lifetime (an hour): logged in, for the usual 30 days", async () => {
    const now = Math.floor(Date.now() / 1000);
    idp.scenario = { token: { claims: { iat: now, exp: now + 3600, auth_time: 0, amr: ["session"] } } };
    const { response } = await attempt();
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("auth_user="));
    expect(cookie).toMatch(/Max-Age=2592000/i);
  });

  it("response_types_supported listing unexpected values (Glewlwyd lists grant types there) changes nothing", async () => {
    idp.scenario = {
      metadata: {
        override: { response_types_supported: ["code", "id_token", "code id_token", "refresh_token", "password", 42] },
      },
    };
    expect((await attempt()).response.status).toBe(303);
  });
});
