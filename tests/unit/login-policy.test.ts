import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { readIdentity } from "@/lib/auth/cookie/identity";
import { parseCookieHeader } from "@/lib/auth/cookie/serialize";
import { AuthConfigError } from "@/lib/auth/config/errors";
import { parseAuthConfig } from "@/lib/auth/config/parse";
import type { AuthConfig } from "@/lib/auth/config/types";
import { clearMetadataCache } from "@/lib/auth/protocol/discovery";
import { checkAllowLists } from "@/lib/auth/routes/allow-lists";
import { handleCallback, type CallbackOptions } from "@/lib/auth/routes/callback";
import { AUTH_ERROR_CODES } from "@/lib/auth/routes/error-codes";
import { LoginRefusedError } from "@/lib/auth/routes/login-hook";
import { handleLogin } from "@/lib/auth/routes/login";
import { callback } from "@/lib/auth/handlers/callback";
import { readAuthError } from "@/lib/auth/server/read-auth-error";
import { startHostileIdp, type HostileIdp, type Overrides } from "../support/hostile-idp";
import { Jar } from "../support/cookie-jar";

/**
 * Who may log in: the allow-lists of secrets.toml and the app's login hook, through the real route handlers against
 * the hostile provider (whose ID token claims each test chooses), and the app's own error page.
 */

const APP = "http://localhost:3000";
const REDIRECT_URI = `${APP}/oauth2callback`;
const SECRET = "policy-test-cookie-secret-0123456789-abcdef";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const IDENTITY_COOKIE = /^(__Host-)?auth_user(\.\d+)?$/;
const TOKENS_COOKIE = /^(__Host-)?auth_tokens(\.\d+)?$/;
const STACK = /^\s*at .*\(|\([^()]*:\d+:\d+\)|node_modules|Error:/m;

let idp: HostileIdp;
let warn: MockInstance<typeof console.warn>;
let error: MockInstance<typeof console.error>;

function parsed(auth: string, extra = ""): ReturnType<typeof parseAuthConfig> {
  return parseAuthConfig(
    `[auth]
redirect_uri = "${REDIRECT_URI}"
cookie_secret = "${SECRET}"
client_id = "${idp?.clientId ?? "app"}"
client_secret = "${idp?.clientSecret ?? "app-secret"}"
server_metadata_url = "${idp?.issuer ?? "http://127.0.0.1:1"}/.well-known/openid-configuration"
${auth}
${extra}`,
    { source: "secrets.toml" },
  );
}

function okConfig(auth: string, extra = ""): AuthConfig {
  const state = parsed(auth, extra);
  if (state.status !== "ok") throw new Error(`config not ok: ${JSON.stringify(state)}`);
  return state.config;
}

function configErrors(auth: string, extra = ""): AuthConfigError[] {
  const state = parsed(auth, extra);
  if (state.status === "invalid") return [...state.errors];
  if (state.status === "ok") return [...state.config.providerErrors.values()].flat();
  return [state.reason];
}

const get = (url: string, jar?: Jar): Request =>
  new Request(url, { headers: { ...(jar ? { cookie: jar.header() } : {}), "sec-fetch-site": "same-origin" } });

/** A whole login with these ID token claims: /auth/login -> the provider's /authorize -> the callback handler. */
async function logIn(
  claims: Overrides,
  options: CallbackOptions<Record<string, unknown>> = {},
  { auth = "", extra = "", provider = "default", returnTo = "/" } = {},
): Promise<{ response: Response; jar: Jar }> {
  process.env["AUTH_SECRETS"] = parsedText(auth, extra);
  idp.scenario = { token: { claims } };
  const jar = new Jar();
  const start = await handleLogin(
    get(`${APP}/auth/login?provider=${provider}&returnTo=${encodeURIComponent(returnTo)}`, jar),
  );
  expect(start.status).toBe(302);
  jar.apply(start);
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  const callbackUrl = new URL(authorize.headers.get("location")!, start.headers.get("location")!).href;
  const response = await handleCallback(get(callbackUrl, jar), options);
  jar.apply(response);
  return { response, jar };
}

function parsedText(auth: string, extra: string): string {
  return `[auth]
redirect_uri = "${REDIRECT_URI}"
cookie_secret = "${SECRET}"
client_id = "${idp.clientId}"
client_secret = "${idp.clientSecret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"
${auth}
${extra}`;
}

/** Set-Cookie lines that write (not delete) an identity or tokens cookie. */
function sessionWrites(response: Response): string[] {
  return response.headers.getSetCookie().filter((line) => {
    const name = line.slice(0, line.indexOf("=")).trim();
    return (IDENTITY_COOKIE.test(name) || TOKENS_COOKIE.test(name)) && !/;\s*max-age=0\b/i.test(line);
  });
}

async function storedClaims(jar: Jar): Promise<Readonly<Record<string, unknown>> | undefined> {
  const identity = await readIdentity(parseCookieHeader(jar.header()), { secrets: [SECRET], secure: false });
  return identity?.claims;
}

const logLines = (mock: MockInstance<(...args: unknown[]) => void>) =>
  mock.mock.calls.map((args) => args.map(String).join(" ")).join("\n");

beforeAll(async () => {
  idp = await startHostileIdp();
});

afterAll(async () => {
  await idp.close();
  delete process.env["AUTH_SECRETS"];
});

beforeEach(() => {
  idp.reset();
  clearMetadataCache();
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  error = vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("allow-lists in secrets.toml", () => {
  it("parses each list, lower-cased, with *. domains for subdomains", () => {
    const config = okConfig(`allowed_emails = ["Ada@Example.COM"]
allowed_email_domains = ["example.org", "*.Example.net"]
allowed_hosted_domains = ["example.com"]
allowed_tenants = ["${TENANT.toUpperCase()}"]`);
    expect(config.providers.get("default")!.allowLists).toEqual({
      section: "[auth]",
      emails: ["ada@example.com"],
      emailDomains: [
        { domain: "example.org", subdomains: false },
        { domain: "example.net", subdomains: true },
      ],
      hostedDomains: [{ domain: "example.com", subdomains: false }],
      tenants: [TENANT],
    });
  });

  it("a provider section with lists of its own replaces all of [auth]'s for that provider", () => {
    const config = okConfig(
      'allowed_email_domains = ["example.com"]',
      `[auth.entra]
client_id = "x"
client_secret = "x"
server_metadata_url = "https://login.example/.well-known/openid-configuration"
allowed_tenants = ["${TENANT}"]

[auth.okta]
client_id = "x"
client_secret = "x"
server_metadata_url = "https://okta.example/.well-known/openid-configuration"`,
    );
    expect(config.providers.get("entra")!.allowLists).toEqual({ section: "[auth.entra]", tenants: [TENANT] });
    expect(config.providers.get("okta")!.allowLists?.emailDomains).toEqual([
      { domain: "example.com", subdomains: false },
    ]);
    expect(config.providers.get("default")!.allowLists?.section).toBe("[auth]");
  });

  it("no list means everyone the provider authenticates", () => {
    expect(okConfig("").providers.get("default")!.allowLists).toBeUndefined();
  });

  it.each([
    [
      'allowed_emails = "ada@example.com"',
      "WRONG_TYPE",
      "allowed_emails",
      'must be a list of strings, not "ada@example.com"',
    ],
    [
      "allowed_email_domains = [1, 2]",
      "WRONG_TYPE",
      "allowed_email_domains",
      "must be a list of strings, not a list with a non-string entry",
    ],
    ["allowed_tenants = { id = 1 }", "WRONG_TYPE", "allowed_tenants", "must be a list of strings, not a table"],
    ["allowed_emails = []", "INVALID_VALUE", "allowed_emails", "is an empty list, which would let nobody log in"],
    [
      'allowed_emails = ["ada.example.com"]',
      "INVALID_VALUE",
      "allowed_emails",
      "entry 1 is not an email address (no @)",
    ],
    [
      'allowed_emails = ["ada@localhost"]',
      "INVALID_VALUE",
      "allowed_emails",
      "entry 1 does not end in a valid domain name",
    ],
    [
      'allowed_email_domains = ["@example.com"]',
      "INVALID_VALUE",
      "allowed_email_domains",
      "entry 1 is not a domain name",
    ],
    [
      'allowed_email_domains = ["ok.example", "https://example.com"]',
      "INVALID_VALUE",
      "allowed_email_domains",
      "entry 2 is not a domain name",
    ],
    [
      'allowed_hosted_domains = ["example.com/path"]',
      "INVALID_VALUE",
      "allowed_hosted_domains",
      "entry 1 is not a domain name",
    ],
    [
      'allowed_hosted_domains = ["*example.com"]',
      "INVALID_VALUE",
      "allowed_hosted_domains",
      "entry 1 is not a domain name",
    ],
    ['allowed_tenants = ["contoso.onmicrosoft.com"]', "INVALID_VALUE", "allowed_tenants", "entry 1 is not a tenant ID"],
  ])("refuses %s in [auth] (%s), naming the key and the fix", (line, code, key, problem) => {
    const state = parsed(line);
    expect(state.status).toBe("invalid");
    const errors = configErrors(line);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AuthConfigError);
    expect(errors[0]!.code).toBe(code);
    expect(errors[0]!.key).toBe(key);
    expect(errors[0]!.message).toContain(`secrets.toml [auth]: "${key}" ${problem}`);
    expect(errors[0]!.fix).toMatch(new RegExp(`^(Write|List who may log in).*${key} = \\[`));
    expect(errors[0]!.publicMessage).not.toContain("https://example.com");
  });

  it("a malformed list in a provider section disables that provider only", () => {
    const state = parsed(
      "",
      `[auth.okta]
client_id = "x"
client_secret = "x"
server_metadata_url = "https://okta.example/.well-known/openid-configuration"
allowed_emails = []`,
    );
    expect(state.status).toBe("ok");
    if (state.status !== "ok") return;
    expect(state.config.providers.has("okta")).toBe(false);
    expect(state.config.providerErrors.get("okta")![0]!.message).toContain(
      'secrets.toml [auth.okta]: "allowed_emails" is an empty list',
    );
  });
});

describe("checkAllowLists", () => {
  const lists = (auth: string) => okConfig(auth).providers.get("default")!.allowLists;
  const verified = (email: string) => ({ email, email_verified: true });

  it.each([
    ["ada@example.com", true],
    ["ADA@EXAMPLE.com", true],
    ["bob@example.com", false],
    ["ada@example.com.evil.io", false],
  ])("allowed_emails: %s -> %s (case-insensitive, exact)", (email, allowed) => {
    expect(checkAllowLists(lists('allowed_emails = ["ada@example.com"]'), verified(email)).allowed).toBe(allowed);
  });

  it.each([
    ["bob@example.com", true],
    ["bob@EXAMPLE.COM", true],
    ["bob@evil-example.com", false],
    ["bob@example.com.evil.io", false],
    ["bob@sub.example.com", false],
    ["bob@sub.example.org", true],
    ["bob@a.b.example.org", true],
    ["bob@example.org", false],
    ["bob@notexample.org", false],
    ['"bob@example.com"@evil.io', false],
  ])("allowed_email_domains: %s -> %s (exact; subdomains only through *.)", (email, allowed) => {
    const domains = lists('allowed_email_domains = ["example.com", "*.example.org"]');
    expect(checkAllowLists(domains, verified(email)).allowed).toBe(allowed);
  });

  it.each([
    [{ email: "ada@example.com" }, 'no "email_verified" claim'],
    [{ email: "ada@example.com", email_verified: false }, '"email_verified" is false'],
    [{ email: "ada@example.com", email_verified: "true" }, '"email_verified" is "true"'],
    [{ email_verified: true }, 'no "email" claim'],
  ])("only a verified email counts: %j is refused", (claims, reason) => {
    const verdict = checkAllowLists(lists('allowed_email_domains = ["example.com"]'), claims);
    expect(verdict).toEqual({ allowed: false, reason: expect.stringContaining(reason) });
  });

  it("allowed_hosted_domains reads Google's hd claim; allowed_tenants Entra's tid; any matching list admits", () => {
    const all = lists(`allowed_hosted_domains = ["example.com"]
allowed_tenants = ["${TENANT}"]
allowed_emails = ["ada@gmail.com"]`);
    expect(checkAllowLists(all, { hd: "Example.com" }).allowed).toBe(true);
    expect(checkAllowLists(all, { hd: "evil-example.com" }).allowed).toBe(false);
    expect(checkAllowLists(all, { tid: TENANT.toUpperCase() }).allowed).toBe(true);
    expect(checkAllowLists(all, { tid: "00000000-0000-0000-0000-000000000000" }).allowed).toBe(false);
    expect(checkAllowLists(all, verified("ada@gmail.com")).allowed).toBe(true);
    expect(checkAllowLists(all, { email: "ada@example.com", email_verified: true }).allowed).toBe(false);
  });
});

describe("the callback enforces the allow-lists before any cookie", () => {
  it.each([
    ['allowed_emails = ["ada@example.com"]', { email: "eve@example.com", email_verified: true }],
    ['allowed_email_domains = ["example.com"]', { email: "eve@evil-example.com", email_verified: true }],
    ['allowed_email_domains = ["example.com"]', { email: "eve@example.com", email_verified: false }],
    ['allowed_email_domains = ["example.com"]', { email: "eve@example.com" }],
    ['allowed_hosted_domains = ["example.com"]', { email: "eve@gmail.com", email_verified: true }],
    [`allowed_tenants = ["${TENANT}"]`, { tid: "00000000-0000-0000-0000-000000000000" }],
  ])("%s refuses %j: 403 LOGIN_NOT_ALLOWED, no session cookie", async (auth, claims) => {
    const { response, jar } = await logIn(claims, {}, { auth });
    expect(response.status).toBe(403);
    expect(sessionWrites(response)).toEqual([]);
    expect(await storedClaims(jar)).toBeUndefined();
    const html = await response.text();
    expect(html).toContain("You cannot log in with this account");
    expect(html).toContain("Log in with another account</a>");
    expect(html).toContain('href="/auth/login?provider=default&#38;returnTo=%2F"');
    expect(html).not.toMatch(STACK);
    expect(logLines(warn)).toMatch(
      /\[auth\] callback: LOGIN_NOT_ALLOWED \(403\): "default", sub "hostile-user": no allow-list of \[auth\] matched/,
    );
  });

  it.each([
    ['allowed_emails = ["ADA@example.com"]', { email: "ada@EXAMPLE.com", email_verified: true }],
    ['allowed_email_domains = ["*.example.com"]', { email: "ada@eu.example.com", email_verified: true }],
    ['allowed_hosted_domains = ["example.com"]', { hd: "example.com" }],
    [`allowed_tenants = ["${TENANT}"]`, { tid: TENANT }],
  ])("%s admits %j", async (auth, claims) => {
    const { response, jar } = await logIn(claims, {}, { auth });
    expect(response.status).toBe(303);
    expect((await storedClaims(jar))?.["sub"]).toBe("hostile-user");
  });

  it("a provider's own list replaces [auth]'s for its logins", async () => {
    const backup = await startHostileIdp();
    try {
      const extra = `[auth.backup]
client_id = "${backup.clientId}"
client_secret = "${backup.clientSecret}"
server_metadata_url = "${backup.issuer}/.well-known/openid-configuration"
redirect_uri = "${APP}/oauth2callback/backup"
allowed_tenants = ["${TENANT}"]`;
      process.env["AUTH_SECRETS"] = parsedText('allowed_email_domains = ["example.com"]', extra);
      const attempt = async (claims: Overrides) => {
        backup.scenario = { token: { claims } };
        const jar = new Jar();
        const start = await handleLogin(get(`${APP}/auth/login?provider=backup`, jar));
        jar.apply(start);
        const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
        return handleCallback(get(authorize.headers.get("location")!, jar));
      };
      // [auth]'s email domain does not apply to "backup": its own tenant list replaced it.
      const refused = await attempt({ email: "ada@example.com", email_verified: true });
      expect(refused.status).toBe(403);
      expect(sessionWrites(refused)).toEqual([]);
      expect(logLines(warn)).toContain("no allow-list of [auth.backup] matched");
      expect((await attempt({ tid: TENANT })).status).toBe(303);
    } finally {
      await backup.close();
    }
  });
});

describe("the login hook: callback({ onLogin })", () => {
  const groups = Array.from({ length: 300 }, (_, i) => `group-${String(i).padStart(3, "0")}`);

  it("receives the validated claims, the provider and the tokens; returning nothing keeps the claims", async () => {
    const seen: unknown[] = [];
    const { response, jar } = await logIn(
      { email: "ada@example.com", email_verified: true },
      {
        onLogin: (event) => {
          seen.push(event);
        },
      },
    );
    expect(response.status).toBe(303);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      provider: "default",
      claims: { sub: "hostile-user", email: "ada@example.com", iss: idp.issuer },
      tokens: {
        idToken: expect.stringMatching(/^ey/),
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
      },
    });
    expect(await storedClaims(jar)).toMatchObject({ email: "ada@example.com", provider: "default" });
  });

  it("trims what is stored: 300 groups to 3 shrinks the identity cookie; sub, iss and auth_time are kept", async () => {
    const claims = { groups, auth_time: Math.floor(Date.now() / 1000) };
    const plain = await logIn(claims);
    const trimmed = await logIn(claims, {
      onLogin: ({ claims: c }) => ({
        claims: { sub: "someone-else", email: c.email, groups: (c["groups"] as string[]).slice(0, 3) },
      }),
    });
    expect(plain.response.status).toBe(303);
    expect(trimmed.response.status).toBe(303);
    const size = (jar: Jar) =>
      [...jar.cookies].filter(([name]) => IDENTITY_COOKIE.test(name)).reduce((sum, [, value]) => sum + value.length, 0);
    expect(size(trimmed.jar)).toBeLessThan(size(plain.jar) / 2);
    const stored = await storedClaims(trimmed.jar);
    // Nor the raw ID token as a logout hint: it holds all 300 groups.
    const identity = await readIdentity(parseCookieHeader(trimmed.jar.header()), { secrets: [SECRET], secure: false });
    expect(identity?.idToken).toBeUndefined();
    expect(stored).toEqual({
      sub: "hostile-user",
      iss: idp.issuer,
      auth_time: claims.auth_time,
      email: "hostile-user@hostile.test",
      groups: ["group-000", "group-001", "group-002"],
      provider: "default",
    });
  });

  it("provisions the user as a side effect before the session starts", async () => {
    const database = new Map<string, { email: unknown; logins: number }>();
    const onLogin = ({ claims }: { claims: Readonly<Record<string, unknown>> }) => {
      const sub = String(claims["sub"]);
      database.set(sub, { email: claims["email"], logins: (database.get(sub)?.logins ?? 0) + 1 });
    };
    await logIn({}, { onLogin });
    const { response } = await logIn({}, { onLogin });
    expect(response.status).toBe(303);
    expect(database.get("hostile-user")).toEqual({ email: "hostile-user@hostile.test", logins: 2 });
  });

  it.each([
    ["returns { refuse }", () => ({ refuse: "Your account is <b>suspended</b>." })],
    [
      "throws LoginRefusedError",
      () => {
        throw new LoginRefusedError("Your account is <b>suspended</b>.");
      },
    ],
  ])(
    "refuses when it %s: 403 LOGIN_REFUSED_BY_APP with its message, escaped, no session cookie",
    async (_, onLogin) => {
      const { response, jar } = await logIn({}, { onLogin });
      expect(response.status).toBe(403);
      expect(sessionWrites(response)).toEqual([]);
      expect(await storedClaims(jar)).toBeUndefined();
      const html = await response.text();
      expect(html).toContain("Your account is &#60;b&#62;suspended&#60;/b&#62;.");
      expect(html).toContain("Log in with another account</a>");
      expect(logLines(warn)).toContain('LOGIN_REFUSED_BY_APP (403): onLogin refused a login with "default"');
    },
  );

  it("a hook that throws ends on a readable 500 page (LOGIN_HOOK_FAILED), the error in the log, no cookie but the transaction's deletion", async () => {
    const { response, jar } = await logIn(
      {},
      {
        onLogin: async () => {
          throw new Error("database is down at db.internal:5432");
        },
      },
    );
    expect(response.status).toBe(500);
    expect(sessionWrites(response)).toEqual([]);
    expect(response.headers.getSetCookie().every((line) => /max-age=0/i.test(line))).toBe(true);
    expect(jar.cookies.size).toBe(0);
    const html = await response.text();
    expect(html).toContain("Login could not be completed");
    expect(html).toContain("The app could not complete your login.");
    expect(html).not.toContain("database is down");
    expect(html).not.toMatch(STACK);
    expect(logLines(error)).toContain(
      '[auth] callback: LOGIN_HOOK_FAILED (500): onLogin for "default" threw Error: database is down at db.internal:5432',
    );
  });

  it.each([
    ["claims that are not JSON", () => ({ claims: { big: 1n } })],
    ["claims that are not an object", () => ({ claims: ["a"] })],
    ["a string", () => "yes"],
    [
      "Next's redirect()",
      () => {
        throw Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/onboarding;307;" });
      },
    ],
  ])("a hook that returns or throws %s is LOGIN_HOOK_FAILED", async (_, onLogin) => {
    const { response } = await logIn({}, { onLogin: onLogin as never });
    expect(response.status).toBe(500);
    expect(sessionWrites(response)).toEqual([]);
    expect(logLines(error)).toContain("LOGIN_HOOK_FAILED");
  });

  it("runs after the allow-lists: a refused user never reaches it", async () => {
    const onLogin = vi.fn();
    const { response } = await logIn(
      { email: "eve@evil.test", email_verified: true },
      { onLogin },
      {
        auth: 'allowed_email_domains = ["example.com"]',
      },
    );
    expect(response.status).toBe(403);
    expect(onLogin).not.toHaveBeenCalled();
  });

  it("the 16 KiB identity cap applies to what the hook stores", async () => {
    const huge = Array.from({ length: 2000 }, (_, i) => `a-rather-long-group-name-${i}`);
    const { response } = await logIn({}, { onLogin: ({ claims }) => ({ claims: { ...claims, huge } }) });
    expect(response.status).toBe(502);
    expect(sessionWrites(response)).toEqual([]);
    expect(logLines(warn)).toContain("IDENTITY_TOO_LARGE");
  });
});

describe("the app's own error page: callback({ errorPage })", () => {
  it("redirects to errorPage?code=&kind= with the retry's provider and path, and no session cookie", async () => {
    const { response } = await logIn(
      { email: "eve@evil.test", email_verified: true },
      { errorPage: "/auth/error" },
      { auth: 'allowed_email_domains = ["example.com"]', returnTo: "/reports?year=2024" },
    );
    expect(response.status).toBe(303);
    expect(sessionWrites(response)).toEqual([]);
    const location = response.headers.get("location")!;
    expect(location).toBe(
      "/auth/error?code=LOGIN_NOT_ALLOWED&kind=user&provider=default&returnTo=%2Freports%3Fyear%3D2024",
    );
    expect(location).not.toContain("evil.test");
  });

  it("carries no detail: a throwing hook sends only its code and kind", async () => {
    const { response } = await logIn(
      {},
      {
        errorPage: "/oops",
        onLogin: () => {
          throw new Error("secret detail");
        },
      },
    );
    expect(response.headers.get("location")).toBe("/oops?code=LOGIN_HOOK_FAILED&kind=config");
  });

  it("also for errors before the transaction is known", async () => {
    process.env["AUTH_SECRETS"] = parsedText("", "");
    const response = await handleCallback(get(`${APP}/auth/callback?code=x`), { errorPage: "/auth/error" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/error?code=MISSING_STATE&kind=user");
  });

  it.each(["auth/error", "//evil.example/x", "https://evil.example/", "/auth/error?x=1", "/auth/login", "/a b"])(
    "callback({ errorPage: %j }) throws a config error when the route module loads",
    (errorPage) => {
      expect(() => callback({ errorPage })).toThrow(AuthConfigError);
      expect(() => callback({ errorPage })).toThrow(/errorPage .* is not a path of the app/);
    },
  );

  it("readAuthError accepts only known codes, takes kind from the table, and builds a safe retry link", () => {
    process.env["AUTH_SECRETS"] = parsedText("", "");
    expect(
      readAuthError(
        new URLSearchParams("code=LOGIN_NOT_ALLOWED&kind=config&provider=default&returnTo=%2Fr&prompt=select_account"),
      ),
    ).toEqual({
      code: "LOGIN_NOT_ALLOWED",
      kind: "user",
      retryUrl: "/auth/login?provider=default&returnTo=%2Fr&prompt=select_account",
    });
    expect(readAuthError({ code: "LOGIN_HOOK_FAILED", kind: "user" })).toEqual({
      code: "LOGIN_HOOK_FAILED",
      kind: "config",
    });
    expect(
      readAuthError({
        code: "UNKNOWN_TRANSACTION",
        provider: "nope",
        returnTo: "https://evil.example/",
        prompt: "none",
      }),
    ).toEqual({
      code: "UNKNOWN_TRANSACTION",
      kind: "user",
      retryUrl: "/auth/login?provider=default&returnTo=%2F",
    });
    expect(readAuthError({ code: "<script>" })).toBeUndefined();
    expect(readAuthError({ code: "toString" })).toBeUndefined();
    expect(readAuthError({ code: ["LOGIN_NOT_ALLOWED"] })).toBeUndefined();
    expect(readAuthError({})).toBeUndefined();
  });

  it("every code in the table has a kind and the status of its built-in page", () => {
    for (const [code, info] of Object.entries(AUTH_ERROR_CODES)) {
      expect(["user", "provider", "config"], code).toContain(info.kind);
      expect(info.status, code).toBeGreaterThanOrEqual(400);
    }
  });
});
