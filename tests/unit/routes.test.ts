import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startLocalIdp } from "@/scripts/local-idp.mjs";
import { readIdentity } from "@/lib/auth/cookie/identity";
import { openTokens } from "@/lib/auth/cookie/tokens-seal";
import { parseCookieHeader } from "@/lib/auth/cookie/serialize";
import { clearMetadataCache } from "@/lib/auth/protocol/discovery";
import { handleCallback } from "@/lib/auth/routes/callback";
import { handleLogin } from "@/lib/auth/routes/login";
import { handleLogout } from "@/lib/auth/routes/logout";
import { ARRIVAL_PARAM, signArrival } from "@/lib/auth/routes/arrival";
import { Jar } from "../support/cookie-jar";
import { signInAtProvider as signInAtLocalProvider } from "../support/oidc-login";

/** The route handlers, called with real Requests, against the real local OpenID Provider on loopback. */

const APP = "http://localhost:3000";
const REDIRECT_URI = `${APP}/oauth2callback`;
/** The same app served under `basePath: "/docs"`. */
const BASE = "/docs";
const BASE_REDIRECT_URI = `${APP}${BASE}/oauth2callback`;
const SECRET = "routes-test-cookie-secret-0123456789-abcdef";
const CLIENT = { client_id: "routes-app", client_secret: "routes-app-secret-0123456789" };

let idp: Awaited<ReturnType<typeof startLocalIdp>>;
let hanging: Server;
let hangingPort = 0;
/** A port nothing listens on: connections are refused. */
let closedPort = 0;

function config(extra = ""): string {
  return `
[auth]
redirect_uri = "${REDIRECT_URI}"
cookie_secret = "${SECRET}"
client_id = "${CLIENT.client_id}"
client_secret = "${CLIENT.client_secret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"

[auth.down]
client_id = "x"
client_secret = "x"
server_metadata_url = "http://127.0.0.1:${closedPort}/.well-known/openid-configuration"

[auth.slow]
client_id = "x"
client_secret = "x"
server_metadata_url = "http://127.0.0.1:${hangingPort}/.well-known/openid-configuration"
${extra}`;
}

const get = (url: string, jar?: Jar, headers: Record<string, string> = {}) =>
  new Request(url, {
    headers: { ...(jar ? { cookie: jar.header() } : {}), "sec-fetch-site": "same-origin", ...headers },
  });

/** The provider side of a login (tests/support/oidc-login.ts), returning to this file's redirect_uri by default. */
const signInAtProvider = (authorizeUrl: string, user: string, redirectUri = REDIRECT_URI) =>
  signInAtLocalProvider(authorizeUrl, user, redirectUri);

/** The callback URL as the middleware's rewrite makes it: at /auth/callback, with the path it arrived at, MACed. */
async function rewritten(callbackUrl: string, arrivedAt: string, secret = SECRET): Promise<string> {
  const url = new URL(callbackUrl);
  const prefix = url.pathname.slice(0, url.pathname.lastIndexOf("/oauth2callback"));
  url.pathname = `${prefix}/auth/callback`;
  url.searchParams.set(ARRIVAL_PARAM, await signArrival(arrivedAt, url.searchParams.get("state") ?? "", secret));
  return url.href;
}

async function startLogin(jar: Jar, query = ""): Promise<string> {
  const response = await handleLogin(get(`${APP}/auth/login${query}`, jar));
  expect(response.status).toBe(302);
  jar.apply(response);
  return response.headers.get("location")!;
}

beforeAll(async () => {
  idp = await startLocalIdp({
    port: 0,
    quiet: true,
    clients: [{ ...CLIENT, redirect_uris: [REDIRECT_URI, BASE_REDIRECT_URI] }],
  });
  hanging = createServer(() => {
    /* never answers */
  });
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  hangingPort = (hanging.address() as AddressInfo).port;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  await idp.close();
  hanging.closeAllConnections();
  await new Promise((resolve) => hanging.close(resolve));
  delete process.env["AUTH_SECRETS"];
  delete process.env["AUTH_HTTP_TIMEOUT_MS"];
});

beforeEach(() => {
  process.env["AUTH_SECRETS"] = config();
  process.env["AUTH_HTTP_TIMEOUT_MS"] = "800";
  clearMetadataCache();
});

function expectAuthHeaders(response: Response) {
  expect(response.headers.get("cache-control")).toBe("private, no-store");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
}

describe("GET /auth/login", () => {
  it("redirects to the provider with PKCE S256, state, nonce and Streamlit's defaults, and seals a transaction", async () => {
    const jar = new Jar();
    const response = await handleLogin(get(`${APP}/auth/login?returnTo=/reports`, jar));
    expect(response.status).toBe(302);
    expectAuthHeaders(response);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(`${idp.issuer}/auth`);
    const p = location.searchParams;
    expect(p.get("response_type")).toBe("code");
    expect(p.get("client_id")).toBe(CLIENT.client_id);
    expect(p.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(p.get("scope")).toBe("openid email profile");
    expect(p.get("prompt")).toBe("select_account");
    expect(p.get("code_challenge_method")).toBe("S256");
    expect(p.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(p.get("state")).toMatch(/^[\w-]{43}$/);
    expect(p.get("nonce")).toMatch(/^[\w-]{43}$/);
    expect(location.href).not.toContain(CLIENT.client_secret);
    jar.apply(response);
    const [name] = [...jar.cookies.keys()];
    expect(name).toMatch(new RegExp(`^auth_txn\\.[0-9a-z]+\\.${p.get("state")}$`));
    expect(response.headers.getSetCookie()[0]).toMatch(/Max-Age=600; HttpOnly; SameSite=Lax$/);
  });

  it("answers 404 naming an unknown provider, escaped, without contacting anyone", async () => {
    const response = await handleLogin(get(`${APP}/auth/login?provider=${encodeURIComponent("<b>nope</b>")}`));
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain("&#60;b&#62;nope&#60;/b&#62;");
    expect(html).not.toContain("<b>nope");
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("treats __proto__ and other inherited names as unknown providers", async () => {
    for (const name of ["__proto__", "constructor", "toString"]) {
      expect((await handleLogin(get(`${APP}/auth/login?provider=${name}`))).status).toBe(404);
    }
  });

  it("does not start a login for a prefetch", async () => {
    const response = await handleLogin(get(`${APP}/auth/login`, undefined, { "next-router-prefetch": "1" }));
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("does not start a login for the router's RSC fetch or a subresource: 204 makes the router load the page", async () => {
    const variants: Record<string, string>[] = [
      { rsc: "1" },
      { "sec-fetch-dest": "empty" },
      { "sec-fetch-dest": "image" },
    ];
    for (const headers of variants) {
      const response = await handleLogin(get(`${APP}/auth/login`, undefined, headers));
      expect(response.status).toBe(204);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    const head = await handleLogin(new Request(`${APP}/auth/login`, { method: "HEAD" }));
    expect(head.status).toBe(204);
    expect(head.headers.getSetCookie()).toEqual([]);
    expect((await handleLogin(get(`${APP}/auth/login`, undefined, { "sec-fetch-dest": "document" }))).status).toBe(302);
  });

  it("moves a login begun on another loopback host to the configured one (cookies are per host)", async () => {
    const response = await handleLogin(
      get(`${APP}/auth/login?provider=down&returnTo=%2Fx`, undefined, { host: "127.0.0.1:3000" }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${APP}/auth/login?provider=down&returnTo=%2Fx`);
    expect(response.headers.getSetCookie()).toEqual([]);
    // The configured host, or a public host behind a proxy, is never redirected.
    for (const host of ["localhost:3000", "app.example.com"]) {
      const direct = await handleLogin(get(`${APP}/auth/login`, undefined, { host }));
      expect(direct.status, host).toBe(302);
      expect(direct.headers.get("location")).toContain("/auth?");
    }
  });

  it("refuses to run inside a frame", async () => {
    const response = await handleLogin(get(`${APP}/auth/login`, undefined, { "sec-fetch-dest": "iframe" }));
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("answers 502 for a provider that is down and 504 for one that hangs, quickly, without a stack trace", async () => {
    const down = await handleLogin(get(`${APP}/auth/login?provider=down`));
    expect(down.status).toBe(502);
    const started = Date.now();
    const slow = await handleLogin(get(`${APP}/auth/login?provider=slow`));
    expect(slow.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(3000);
    const html = await slow.text();
    expect(html).toContain("did not answer in time");
    expect(html).not.toMatch(/at \w+ \(|node_modules/);
    // The working provider is unaffected.
    expect((await handleLogin(get(`${APP}/auth/login`))).status).toBe(302);
  });

  it("explains a misconfigured provider as a configuration problem, not the provider's", async () => {
    process.env["AUTH_SECRETS"] = config('[auth.broken]\nclient_id = "only-id"\n');
    const response = await handleLogin(get(`${APP}/auth/login?provider=broken`));
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain("Login is not configured correctly");
    expect(html).toContain("client_secret");
  });

  it("explains a missing configuration with a readable 500 page", async () => {
    process.env["AUTH_SECRETS"] = '[auth]\nredirect_uri = "http://localhost:3000/cb"\n';
    const response = await handleLogin(get(`${APP}/auth/login`));
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain("cookie_secret");
    expect(html).toContain("AUTH_SECRETS");
  });
});

describe("config error pages in production name the problem, never a value or an absolute path", () => {
  const LEAKED = "918273645546";
  let dir: string;
  let file: string;
  const write = (toml: string) => writeFileSync(file, toml);
  const leakyProvider = `
[auth.leaky]
client_id = "x"
client_secret = ${LEAKED}
server_metadata_url = "${"https"}://idp.example/.well-known/openid-configuration"
`;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "auth-config-page-"));
    file = path.join(dir, "secrets.toml");
    delete process.env["AUTH_SECRETS"];
    process.env["AUTH_SECRETS_FILE"] = file;
    vi.stubEnv("NODE_ENV", "production");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    delete process.env["AUTH_SECRETS_FILE"];
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every [auth] log line of the request (the server log keeps the full detail). */
  async function pageAndLog(url: string): Promise<{ status: number; html: string; log: string }> {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const response = await handleLogin(get(url));
      return {
        status: response.status,
        html: await response.text(),
        log: warn.mock.calls.map((args) => args.join(" ")).join("\n"),
      };
    } finally {
      warn.mockRestore();
    }
  }

  it("a broken provider ([auth.leaky] client_secret = a number, the file given by absolute path)", async () => {
    write(config() + leakyProvider);
    const { status, html, log } = await pageAndLog(`${APP}/auth/login?provider=leaky`);
    expect(status).toBe(500);
    expect(html).not.toContain(LEAKED);
    expect(html).not.toContain(dir);
    expect(html).toContain("secrets.toml [auth.leaky]: &#34;client_secret&#34; has the wrong type");
    expect(log).toContain(LEAKED);
    expect(log).toContain(file);
  });

  it("a broken [auth] section (a URL holding the value) and a TOML syntax error with its line", async () => {
    write(config().replace(`redirect_uri = "${REDIRECT_URI}"`, `redirect_uri = "http://app.example:${LEAKED}/cb"`));
    const broken = await pageAndLog(`${APP}/auth/login`);
    expect(broken.status).toBe(500);
    expect(broken.html).not.toContain(LEAKED);
    expect(broken.html).not.toContain(dir);
    expect(broken.html).toContain("secrets.toml [auth]: &#34;redirect_uri&#34; is not a valid URL");
    expect(broken.log).toContain(LEAKED);

    // Another file: the config is looked at again only once a second.
    file = path.join(dir, "broken.toml");
    process.env["AUTH_SECRETS_FILE"] = file;
    write(`[auth]\nredirect_uri = "${REDIRECT_URI}"\ncookie_secret = ${LEAKED}abc\n`);
    const syntax = await pageAndLog(`${APP}/auth/login`);
    expect(syntax.html).not.toContain(LEAKED);
    expect(syntax.html).toContain("broken.toml:3: is not valid TOML");
  });

  it("an unreadable AUTH_SECRETS_FILE is named by its file name only", async () => {
    process.env["AUTH_SECRETS_FILE"] = path.join(dir, "missing.toml");
    const { html, log } = await pageAndLog(`${APP}/auth/login`);
    expect(html).not.toContain(dir);
    expect(html).toContain("AUTH_SECRETS_FILE: cannot be read");
    expect(log).toContain(path.join(dir, "missing.toml"));
  });

  it("in development the page shows the whole message", async () => {
    vi.stubEnv("NODE_ENV", "development");
    write(config() + leakyProvider);
    const { html } = await pageAndLog(`${APP}/auth/login?provider=leaky`);
    expect(html).toContain(LEAKED);
  });
});

describe("the callback", () => {
  it("logs in: identity cookie with the claims and provider, transaction consumed, 303 to returnTo; a replay is refused", async () => {
    const jar = new Jar();
    const authorize = await startLogin(jar, "?returnTo=%2Freports%3Fq%3D1");
    const callbackUrl = await signInAtProvider(authorize, "mallory");
    const response = await handleCallback(get(callbackUrl, jar));
    expect(response.status).toBe(303);
    expectAuthHeaders(response);
    expect(response.headers.get("location")).toBe(`${APP}/reports?q=1`);
    jar.apply(response);
    expect([...jar.cookies.keys()]).toEqual(["auth_user", "auth_tokens"]);
    const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
    expect(identity?.claims).toMatchObject({
      sub: "mallory",
      email: "mallory@example.test",
      provider: "default",
      iss: idp.issuer,
      aud: CLIENT.client_id,
    });
    expect(identity?.tokens).toEqual({});
    expect(identity?.idToken).toMatch(/^ey/);

    const replay = await handleCallback(get(callbackUrl, jar));
    expect(replay.status).toBe(400);
    expect(replay.headers.getSetCookie()).toEqual([]);
  });

  it("keeps the tokens in the tokens cookie, not the identity; the ID token only when expose_tokens asks", async () => {
    const tokensAfterLogin = async (user: string) => {
      const jar = new Jar();
      const response = await handleCallback(get(await signInAtProvider(await startLogin(jar), user), jar));
      jar.apply(response);
      const identity = await readIdentity(jar.cookies, { secrets: [SECRET], secure: false });
      expect(identity?.tokens).toEqual({});
      return openTokens(jar.cookies.get("auth_tokens")!, [SECRET], identity?.session.id);
    };
    const plain = await tokensAfterLogin("trudy");
    expect(typeof plain?.accessToken).toBe("string");
    expect(plain?.idToken).toBeUndefined();
    process.env["AUTH_SECRETS"] = config().replace(
      'cookie_secret = "',
      'expose_tokens = ["id", "access"]\ncookie_secret = "',
    );
    const exposed = await tokensAfterLogin("trent");
    expect(exposed?.idToken).toMatch(/^ey/);
    expect(typeof exposed?.accessToken).toBe("string");
    expect(exposed?.accessTokenExpiresAt).toBeGreaterThan(Date.now());
  });

  it("refuses a response whose state matches no transaction in this browser (login CSRF)", async () => {
    const victim = new Jar();
    const attacker = new Jar();
    const callbackUrl = await signInAtProvider(await startLogin(attacker), "attacker");
    const response = await handleCallback(get(callbackUrl, victim));
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("refuses a response without state, and sends a bare visit (post-logout return) home", async () => {
    expect((await handleCallback(get(`${REDIRECT_URI}?code=abc`))).status).toBe(400);
    const bare = await handleCallback(get(REDIRECT_URI));
    expect(bare.status).toBe(303);
    expect(bare.headers.get("location")).toBe(`${APP}/`);
  });

  it("shows the provider's error for a matching transaction and consumes it", async () => {
    const jar = new Jar();
    const state = new URL(await startLogin(jar)).searchParams.get("state")!;
    const response = await handleCallback(
      get(
        `${REDIRECT_URI}?error=access_denied&error_description=${encodeURIComponent("<script>x</script>")}&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
        jar,
      ),
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("access denied");
    expect(html).not.toContain("<script>x");
    jar.apply(response);
    expect(jar.cookies.size).toBe(0);
  });

  it("refuses an authorization response with a wrong iss (RFC 9207)", async () => {
    const jar = new Jar();
    const callbackUrl = new URL(await signInAtProvider(await startLogin(jar), "oscar"));
    callbackUrl.searchParams.set("iss", "https://evil.example");
    const response = await handleCallback(get(callbackUrl.href, jar));
    expect(response.status).toBe(400);
    jar.apply(response);
    expect(jar.cookies.has("auth_user")).toBe(false);
  });

  it("refuses a response that arrives at another provider's callback path (mix-up defence)", async () => {
    const jar = new Jar();
    const callbackUrl = await signInAtProvider(await startLogin(jar), "peggy");
    const response = await handleCallback(get(await rewritten(callbackUrl, "/callbacks/other"), jar));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("arrived at the wrong address");
  });

  it("accepts a response the middleware rewrote from the provider's callback path", async () => {
    const jar = new Jar();
    const callbackUrl = await signInAtProvider(await startLogin(jar), "rita");
    const response = await handleCallback(get(await rewritten(callbackUrl, "/oauth2callback"), jar));
    expect(response.status).toBe(303);
    jar.apply(response);
    expect(jar.cookies.has("auth_user")).toBe(true);
  });

  it("does not trust an arrival path the middleware did not MAC: another secret, another state, or none", async () => {
    for (const forge of [
      (url: string) => rewritten(url, "/oauth2callback", "another-secret-0123456789-0123456789-abc"),
      async (url: string) => {
        const other = new URL(await rewritten(url, "/oauth2callback"));
        other.searchParams.set(ARRIVAL_PARAM, await signArrival("/oauth2callback", "another-state", SECRET));
        return other.href;
      },
      async (url: string) => {
        const other = new URL(await rewritten(url, "/oauth2callback"));
        other.searchParams.set(ARRIVAL_PARAM, `${"A".repeat(43)}/oauth2callback`);
        return other.href;
      },
    ]) {
      const jar = new Jar();
      const callbackUrl = await signInAtProvider(await startLogin(jar), "trent");
      const response = await handleCallback(get(await forge(callbackUrl), jar));
      expect(response.status).toBe(400);
      expect(response.headers.getSetCookie().some((c) => c.startsWith("auth_user="))).toBe(false);
    }
  });
});

describe("/auth/logout", () => {
  async function loggedIn(): Promise<Jar> {
    const jar = new Jar();
    const response = await handleCallback(get(await signInAtProvider(await startLogin(jar), "victor"), jar));
    jar.apply(response);
    expect(jar.cookies.has("auth_user")).toBe(true);
    return jar;
  }

  it("clears the identity and continues at end_session with client_id, post_logout_redirect_uri and id_token_hint", async () => {
    const jar = await loggedIn();
    await startLogin(jar); // a login left half-way in another tab
    const response = await handleLogout(get(`${APP}/auth/logout`, jar));
    expect(response.status).toBe(303);
    expectAuthHeaders(response);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(`${idp.issuer}/session/end`);
    expect(location.searchParams.get("client_id")).toBe(CLIENT.client_id);
    expect(location.searchParams.get("post_logout_redirect_uri")).toBe(REDIRECT_URI);
    expect(location.searchParams.get("id_token_hint")).toMatch(/^ey/);
    // Our own state, remembered (sealed) for the way back.
    expect(location.searchParams.get("state")).toMatch(/^[\w-]{43}$/);
    jar.apply(response);
    expect([...jar.cookies.keys()]).toEqual(["auth_logout"]);
  });

  it("applies logout_params: a logout_hint from the user's email, no id_token_hint", async () => {
    process.env["AUTH_SECRETS"] = config().replace(
      'cookie_secret = "',
      'logout_params = { logout_hint = "{email}", id_token_hint = "" }\ncookie_secret = "',
    );
    const jar = await loggedIn();
    const location = new URL((await handleLogout(get(`${APP}/auth/logout`, jar))).headers.get("location")!);
    expect(location.searchParams.get("logout_hint")).toBe("victor@example.test");
    expect(location.searchParams.has("id_token_hint")).toBe(false);
    expect(location.searchParams.get("post_logout_redirect_uri")).toBe(REDIRECT_URI);
  });

  it("never logs out on a cross-site request, GET or POST", async () => {
    const jar = await loggedIn();
    for (const request of [
      get(`${APP}/auth/logout`, jar, { "sec-fetch-site": "cross-site" }),
      new Request(`${APP}/auth/logout`, {
        method: "POST",
        headers: { cookie: jar.header(), origin: "https://evil.example" },
      }),
      new Request(`${APP}/auth/logout`, { headers: { cookie: jar.header() } }),
    ]) {
      const response = await handleLogout(request);
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await response.text()).toContain('<form method="post" action="/auth/logout">');
    }
  });

  it("accepts the app's own POST (the button on the confirmation page)", async () => {
    const jar = await loggedIn();
    const response = await handleLogout(
      new Request(`${APP}/auth/logout`, { method: "POST", headers: { cookie: jar.header(), origin: APP } }),
    );
    expect(response.status).toBe(303);
    jar.apply(response);
    expect([...jar.cookies.keys()]).toEqual(["auth_logout"]);
  });

  it("logs out locally and goes home when not logged in", async () => {
    const response = await handleLogout(get(`${APP}/auth/logout`, new Jar()));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${APP}/`);
  });
});

describe(`under basePath "${BASE}"`, () => {
  beforeEach(() => {
    process.env["__NEXT_ROUTER_BASEPATH"] = BASE;
    process.env["AUTH_SECRETS"] = config().replace(REDIRECT_URI, BASE_REDIRECT_URI);
  });
  afterEach(() => {
    delete process.env["__NEXT_ROUTER_BASEPATH"];
  });

  it("logs in and lands on the app-relative returnTo inside the base path", async () => {
    const jar = new Jar();
    const login = await handleLogin(get(`${APP}${BASE}/auth/login?returnTo=%2Freports%3Fq%3D1`, jar));
    expect(login.status).toBe(302);
    jar.apply(login);
    const authorize = new URL(login.headers.get("location")!);
    expect(authorize.searchParams.get("redirect_uri")).toBe(BASE_REDIRECT_URI);
    const callbackUrl = await signInAtProvider(authorize.href, "grace", BASE_REDIRECT_URI);
    const response = await handleCallback(get(await rewritten(callbackUrl, `${BASE}/oauth2callback`), jar));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${APP}${BASE}/reports?q=1`);
  });

  it("accepts the callback URL as Next hands it after an internal rewrite: the browser's path without the base path", async () => {
    const jar = new Jar();
    const login = await handleLogin(get(`${APP}${BASE}/auth/login`, jar));
    jar.apply(login);
    const callbackUrl = await signInAtProvider(login.headers.get("location")!, "heidi", BASE_REDIRECT_URI);
    const response = await handleCallback(get(callbackUrl.replace(`${APP}${BASE}/`, `${APP}/`), jar));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${APP}${BASE}/`);
  });

  it("keeps its links, its logout form and its way home inside the base path", async () => {
    const bare = await handleCallback(get(`${APP}${BASE}/auth/callback`));
    expect(bare.headers.get("location")).toBe(`${APP}${BASE}/`);
    const home = await handleLogout(get(`${APP}${BASE}/auth/logout`, new Jar()));
    expect(home.headers.get("location")).toBe(`${APP}${BASE}/`);
    const page = await (
      await handleLogout(get(`${APP}${BASE}/auth/logout`, new Jar(), { "sec-fetch-site": "cross-site" }))
    ).text();
    expect(page).toContain(`<form method="post" action="${BASE}/auth/logout">`);
    expect(page).toContain(`<a href="${BASE}/">Back to the app</a>`);
    const framed = await (
      await handleLogin(get(`${APP}${BASE}/auth/login?provider=default`, new Jar(), { "sec-fetch-dest": "iframe" }))
    ).text();
    expect(framed).toContain(`href="${BASE}/auth/login?provider=default"`);
  });
});

it("the cookie parser used by the routes reads what the jar writes", () => {
  expect(parseCookieHeader("a=1; b=2; a=3").get("a")).toBe("1");
});
