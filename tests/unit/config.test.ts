import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AuthConfigError, type AuthConfigErrorCode } from "@/lib/auth/config/errors";
import { DEFAULT_PROMPT, DEFAULT_SCOPE, MIN_SECRET_LENGTH } from "@/lib/auth/config/keys";
import { parseAuthConfig } from "@/lib/auth/config/parse";
import type { AuthConfig, ProviderConfig } from "@/lib/auth/config/types";

const SOURCE = ".streamlit/secrets.toml";
const SECRET = "0123456789abcdefghijklmnopqrstuvwxyz-secret";
const OLD_SECRET = "old-old-old-old-old-old-old-old-old-old-old";
const GOOGLE_METADATA = "https://accounts.google.com/.well-known/openid-configuration";

/** `[auth]` with the shared keys, plus `extra` lines appended to the [auth] table. */
function shared(extra = "", redirectUri = "http://localhost:3000/oauth2callback"): string {
  return `[auth]\nredirect_uri = "${redirectUri}"\ncookie_secret = "${SECRET}"\n${extra}\n`;
}

const DEFAULT_PROVIDER_KEYS = `client_id = "default-id"\nclient_secret = "default-secret"\nserver_metadata_url = "${GOOGLE_METADATA}"\n`;

/** `[auth.<key>]` with the three required keys; `key` may be a quoted TOML key. */
function provider(key: string, extra = ""): string {
  const label = key.replaceAll('"', "");
  return `\n[auth.${key}]\nclient_id = "${label}-id"\nclient_secret = "${label}-secret"\nserver_metadata_url = "${GOOGLE_METADATA}"\n${extra}\n`;
}

function describeState(text: string): string {
  const state = parseAuthConfig(text, { source: SOURCE });
  if (state.status === "ok") return "ok";
  if (state.status === "absent") return `absent: ${state.reason.message}`;
  return `invalid:\n${state.errors.map((e) => e.message).join("\n")}`;
}

function ok(text: string, port?: string): AuthConfig {
  const state = parseAuthConfig(text, { source: SOURCE, port });
  if (state.status !== "ok") throw new Error(`expected an ok config, got ${describeState(text)}`);
  return state.config;
}

function invalid(text: string): readonly AuthConfigError[] {
  const state = parseAuthConfig(text, { source: SOURCE });
  if (state.status !== "invalid") throw new Error(`expected an invalid config, got ${state.status}`);
  expect(state.source).toBe(SOURCE);
  return state.errors;
}

function only<T>(list: readonly T[]): T {
  expect(list).toHaveLength(1);
  return list[0]!;
}

function providerOf(config: AuthConfig, name: string): ProviderConfig {
  const found = config.providers.get(name);
  if (!found) throw new Error(`no provider ${name}; errors: ${JSON.stringify([...config.providerErrors.keys()])}`);
  return found;
}

function providerErrors(config: AuthConfig, name: string): readonly AuthConfigError[] {
  const errors = config.providerErrors.get(name);
  if (!errors) throw new Error(`provider ${name} has no errors`);
  expect(config.providers.has(name)).toBe(false);
  return errors;
}

interface Expected {
  code: AuthConfigErrorCode;
  section?: string;
  key?: string;
}

/** Checks the error's fields and that its message alone locates the problem and says how to fix it. */
function expectError(error: AuthConfigError | undefined, expected: Expected): AuthConfigError {
  expect(error).toBeInstanceOf(AuthConfigError);
  const e = error!;
  expect(e.code).toBe(expected.code);
  expect(e.source).toBe(SOURCE);
  expect(e.section).toBe(expected.section);
  expect(e.key).toBe(expected.key);
  expect(e.message.startsWith(SOURCE)).toBe(true);
  if (expected.section !== undefined) expect(e.message).toContain(expected.section);
  if (expected.key !== undefined) for (const key of expected.key.split(", ")) expect(e.message).toContain(key);
  expect(e.message).toContain(e.problem);
  expect(e.fix.length).toBeGreaterThan(10);
  expect(e.fix).toMatch(/\b(Add|Use|Remove|Write|Change|Fix|Point)\b/);
  expect(e.message.endsWith(e.fix)).toBe(true);
  return e;
}

describe("a full, valid Streamlit secrets.toml", () => {
  const text = `
[auth]
redirect_uri = "https://app.example/oauth2callback"
cookie_secret = "${SECRET}"
expose_tokens = ["id", "access"]
client_id = "default-id"
client_secret = "default-secret"
server_metadata_url = "${GOOGLE_METADATA}"

[auth.google]
client_id = "google-id"
client_secret = "google-secret"
server_metadata_url = "${GOOGLE_METADATA}"
client_kwargs = { prompt = "login", hd = "example.com", login_hint = "ada@example.com" }

[auth.microsoft]
client_id = "microsoft-id"
client_secret = "microsoft-secret"
server_metadata_url = "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration"
redirect_uri = "https://app.example/oauth2callback/microsoft"
client_kwargs = { scope = "openid profile email offline_access", max_age = 300, ui_locales_fallback = true, weight = 1.5 }
`;
  const config = ok(text);

  it("reads the shared part", () => {
    expect(config.source).toBe(SOURCE);
    expect(config.redirectUri).toBe("https://app.example/oauth2callback");
    expect(config.origin).toBe("https://app.example");
    expect(config.secure).toBe(true);
    expect(config.cookieSecrets).toEqual([SECRET]);
    expect(config.exposeTokens).toEqual(["id", "access"]);
    expect(config.warnings).toEqual([]);
    expect(config.providerErrors.size).toBe(0);
    expect([...config.providers.keys()].sort()).toEqual(["default", "google", "microsoft"]);
  });

  it("turns the top-level provider keys into the default provider with Streamlit's defaults", () => {
    expect(providerOf(config, "default")).toEqual({
      name: "default",
      clientId: "default-id",
      clientSecret: "default-secret",
      serverMetadataUrl: GOOGLE_METADATA,
      redirectUri: "https://app.example/oauth2callback",
      authorizationParams: { scope: DEFAULT_SCOPE, prompt: DEFAULT_PROMPT },
      tokenEndpointAuthMethod: undefined,
      promptIsDefault: true,
      idTokenSignedResponseAlg: undefined,
      logoutParams: {},
    });
    expect(DEFAULT_SCOPE).toBe("openid email profile");
    expect(DEFAULT_PROMPT).toBe("select_account");
  });

  it("lets client_kwargs override prompt and add parameters, keeping the default scope", () => {
    const google = providerOf(config, "google");
    expect(google.promptIsDefault).toBe(false);
    expect(google.clientId).toBe("google-id");
    expect(google.clientSecret).toBe("google-secret");
    expect(google.redirectUri).toBe("https://app.example/oauth2callback");
    expect(google.authorizationParams).toEqual({
      scope: "openid email profile",
      prompt: "login",
      hd: "example.com",
      login_hint: "ada@example.com",
    });
  });

  it("lets client_kwargs override scope, keeps the default prompt and stringifies numbers and booleans", () => {
    const microsoft = providerOf(config, "microsoft");
    expect(microsoft.redirectUri).toBe("https://app.example/oauth2callback/microsoft");
    expect(microsoft.authorizationParams).toEqual({
      scope: "openid profile email offline_access",
      prompt: "select_account",
      max_age: "300",
      ui_locales_fallback: "true",
      weight: "1.5",
    });
    for (const value of Object.values(microsoft.authorizationParams)) expect(typeof value).toBe("string");
  });

  it("lists every distinct callback path", () => {
    expect(config.callbackPaths).toEqual(["/oauth2callback", "/oauth2callback/microsoft"]);
  });
});

describe("providers", () => {
  it("uses [auth.default] as the default provider", () => {
    const config = ok(shared() + provider("default"));
    expect(providerOf(config, "default").clientId).toBe("default-id");
    expect(config.warnings).toEqual([]);
  });

  it("warns when both top-level provider keys and [auth.default] exist, and uses [auth.default]", () => {
    const config = ok(
      shared(`client_id = "top-level-id"\nclient_secret = "x"\nserver_metadata_url = "${GOOGLE_METADATA}"`) +
        provider("default"),
    );
    expect(providerOf(config, "default").clientId).toBe("default-id");
    const warning = only(config.warnings);
    expect(warning).toContain(SOURCE);
    expect(warning).toContain("[auth.default]");
    expect(warning).toContain("ignored");
  });

  it("has no providers when none is configured", () => {
    const config = ok(shared());
    expect(config.providers.size).toBe(0);
    expect(config.providerErrors.size).toBe(0);
  });

  it("fills scope and prompt only when absent", () => {
    const both = providerOf(
      ok(shared() + provider("p", 'client_kwargs = { scope = "openid", prompt = "consent" }')),
      "p",
    );
    expect(both.authorizationParams).toEqual({ scope: "openid", prompt: "consent" });
    const none = providerOf(ok(shared() + provider("p")), "p");
    expect(none.authorizationParams).toEqual({ scope: "openid email profile", prompt: "select_account" });
  });

  it("accepts client_kwargs written as a sub-table", () => {
    const config = ok(
      shared() + provider("okta") + '[auth.okta.client_kwargs]\nprompt = "login"\nlogin_hint = "x@y.z"\n',
    );
    expect(providerOf(config, "okta").authorizationParams).toEqual({
      scope: DEFAULT_SCOPE,
      prompt: "login",
      login_hint: "x@y.z",
    });
  });

  it("reports a provider missing all three keys in ONE error, in order, and keeps the other providers", () => {
    const config = ok(shared() + provider("google") + '\n[auth.okta]\nclient_kwargs = { prompt = "login" }\n');
    expect(providerOf(config, "google").clientId).toBe("google-id");
    const error = only(providerErrors(config, "okta"));
    expectError(error, {
      code: "MISSING_KEY",
      section: "[auth.okta]",
      key: "client_id, client_secret, server_metadata_url",
    });
    expect(error.message.indexOf("client_id")).toBeLessThan(error.message.indexOf("client_secret"));
    expect(error.message.indexOf("client_secret")).toBeLessThan(error.message.indexOf("server_metadata_url"));
  });

  it("reports a missing key of the default provider in the [auth] section", () => {
    const config = ok(shared('client_id = "x"\nclient_secret = "y"'));
    const error = only(providerErrors(config, "default"));
    expectError(error, { code: "MISSING_KEY", section: "[auth] (default provider)", key: "server_metadata_url" });
  });

  it("refuses a non-string client_id", () => {
    const config = ok(
      shared() +
        '\n[auth.p]\nclient_id = 12345\nclient_secret = "s"\nserver_metadata_url = "https://idp.example/.well-known/openid-configuration"\n',
    );
    expectError(only(providerErrors(config, "p")), { code: "WRONG_TYPE", section: "[auth.p]", key: "client_id" });
  });

  it("refuses an http:// server_metadata_url for a non-loopback host but accepts a loopback one", () => {
    const bad = ok(
      shared() +
        '\n[auth.p]\nclient_id = "a"\nclient_secret = "s"\nserver_metadata_url = "http://idp.example/.well-known/openid-configuration"\n',
    );
    expectError(only(providerErrors(bad, "p")), {
      code: "INSECURE_URL",
      section: "[auth.p]",
      key: "server_metadata_url",
    });
    const good = ok(
      shared() +
        '\n[auth.p]\nclient_id = "a"\nclient_secret = "s"\nserver_metadata_url = "http://127.0.0.1:9000/.well-known/openid-configuration"\n',
    );
    expect(providerOf(good, "p").serverMetadataUrl).toBe("http://127.0.0.1:9000/.well-known/openid-configuration");
  });

  it.each(['"my provider"', '"a.b"', '"-leading-dash"', `"${"x".repeat(65)}"`])(
    "refuses the provider name %s",
    (quoted) => {
      const name = JSON.parse(quoted) as string;
      const config = ok(shared() + provider(quoted) + provider("good"));
      const error = only(providerErrors(config, name));
      expectError(error, { code: "INVALID_PROVIDER_NAME", section: `[auth.${name}]` });
      expect(error.message).toContain(`"${name}"`);
      expect(providerOf(config, "good").clientId).toBe("good-id");
    },
  );

  it("accepts provider names with letters, digits, - and _", () => {
    const config = ok(shared() + provider("entra-id_2") + provider(`"${"a".repeat(64)}"`));
    expect(providerOf(config, "entra-id_2").name).toBe("entra-id_2");
    expect(config.providers.has("a".repeat(64))).toBe(true);
  });

  it("refuses client_kwargs that is not a table", () => {
    const config = ok(shared() + provider("p", 'client_kwargs = "prompt=login"'));
    expectError(only(providerErrors(config, "p")), { code: "WRONG_TYPE", section: "[auth.p]", key: "client_kwargs" });
  });

  it.each([
    ["a table", "extra = { a = 1 }"],
    ["a list", 'extra = ["a", "b"]'],
    ["a date", "extra = 1979-05-27"],
  ])("refuses a client_kwargs value that is %s", (_, entry) => {
    const config = ok(shared() + provider("p", `client_kwargs = { ${entry} }`));
    const error = expectError(only(providerErrors(config, "p")), {
      code: "WRONG_TYPE",
      section: "[auth.p]",
      key: "client_kwargs",
    });
    expect(error.message).toContain("client_kwargs.extra");
  });

  it.each(["state", "nonce", "code_challenge", "redirect_uri", "response_type", "client_id"])(
    "refuses the protected parameter client_kwargs.%s",
    (key) => {
      const config = ok(shared() + provider("p", `client_kwargs = { ${key} = "x" }`) + provider("other"));
      const error = expectError(only(providerErrors(config, "p")), {
        code: "PROTECTED_PARAMETER",
        section: "[auth.p]",
        key: "client_kwargs",
      });
      expect(error.message).toContain(`client_kwargs.${key}`);
      expect(error.fix).toContain(`Remove ${key}`);
      expect(config.providers.has("other")).toBe(true);
    },
  );

  it("refuses code_challenge_method = plain", () => {
    const config = ok(shared() + provider("p", 'client_kwargs = { code_challenge_method = "plain" }'));
    const error = expectError(only(providerErrors(config, "p")), {
      code: "PROTECTED_PARAMETER",
      section: "[auth.p]",
      key: "client_kwargs",
    });
    expect(error.message).toContain('"plain"');
  });

  it("allows code_challenge_method = S256 without sending it as a parameter", () => {
    const p = providerOf(
      ok(shared() + provider("p", 'client_kwargs = { code_challenge_method = "S256", prompt = "login" }')),
      "p",
    );
    expect(p.authorizationParams).toEqual({ scope: DEFAULT_SCOPE, prompt: "login" });
    expect("code_challenge_method" in p.authorizationParams).toBe(false);
  });

  it.each(["client_secret_basic", "client_secret_post"] as const)(
    "stores token_endpoint_auth_method = %s outside the parameters",
    (method) => {
      const p = providerOf(
        ok(shared() + provider("p", `client_kwargs = { token_endpoint_auth_method = "${method}" }`)),
        "p",
      );
      expect(p.tokenEndpointAuthMethod).toBe(method);
      expect(p.authorizationParams).toEqual({ scope: DEFAULT_SCOPE, prompt: DEFAULT_PROMPT });
    },
  );

  it("refuses an unsupported token_endpoint_auth_method", () => {
    const config = ok(shared() + provider("p", 'client_kwargs = { token_endpoint_auth_method = "private_key_jwt" }'));
    const error = expectError(only(providerErrors(config, "p")), {
      code: "INVALID_VALUE",
      section: "[auth.p]",
      key: "client_kwargs",
    });
    expect(error.message).toContain("private_key_jwt");
  });

  it("ignores logout_params.state with a warning: the library sends its own state on every logout", () => {
    const config = ok(
      shared('logout_params = { state = "x", logout_hint = "{email}" }') +
        provider("p", 'logout_params = { state = "y" }'),
    );
    expect(providerOf(config, "p").logoutParams).toEqual({ logout_hint: "{email}" });
    expect(config.warnings.filter((w) => w.includes("logout_params.state is ignored"))).toHaveLength(2);
  });

  describe("id_token_signed_response_alg (HMAC-signed ID tokens only by opt-in)", () => {
    const longSecret = "x".repeat(64);
    const withAlg = (alg: string, secret = longSecret) =>
      ok(
        shared() +
          provider("p", `id_token_signed_response_alg = "${alg}"`).replace(
            /client_secret = "[^"]*"/,
            `client_secret = "${secret}"`,
          ),
      );

    it.each(["HS256", "HS384", "HS512", "RS256", "PS256", "ES256", "EdDSA"])(
      "accepts %s as the pinned algorithm",
      (alg) => {
        expect(providerOf(withAlg(alg), "p").idTokenSignedResponseAlg).toBe(alg);
      },
    );

    it("is unset by default, also for the default provider, which may set it directly in [auth]", () => {
      expect(providerOf(ok(shared() + provider("p")), "p").idTokenSignedResponseAlg).toBeUndefined();
      const top = ok(shared(DEFAULT_PROVIDER_KEYS + 'id_token_signed_response_alg = "RS256"\n'));
      expect(providerOf(top, "default").idTokenSignedResponseAlg).toBe("RS256");
    });

    it.each(["none", "None"])("refuses id_token_signed_response_alg = %s", (alg) => {
      const error = expectError(only(providerErrors(withAlg(alg), "p")), {
        code: "INVALID_VALUE",
        section: "[auth.p]",
        key: "id_token_signed_response_alg",
      });
      expect(error.message).toContain("never accepted");
    });

    it.each(["hs256", "RS999", "A256GCM"])("refuses the unsupported id_token_signed_response_alg %s", (alg) => {
      const error = expectError(only(providerErrors(withAlg(alg), "p")), {
        code: "INVALID_VALUE",
        section: "[auth.p]",
        key: "id_token_signed_response_alg",
      });
      expect(error.message).toContain("is not supported");
      expect(error.message).toContain("RS256");
    });

    it("refuses a non-string id_token_signed_response_alg", () => {
      const config = ok(shared() + provider("p", "id_token_signed_response_alg = 256"));
      expectError(only(providerErrors(config, "p")), {
        code: "WRONG_TYPE",
        section: "[auth.p]",
        key: "id_token_signed_response_alg",
      });
    });

    it("refuses an HMAC algorithm with a client secret shorter than the hash, without echoing the secret", () => {
      const secret = "short-secret-0123456789-0123456"; // 31 bytes
      const error = expectError(only(providerErrors(withAlg("HS256", secret), "p")), {
        code: "WEAK_SECRET",
        section: "[auth.p]",
        key: "id_token_signed_response_alg",
      });
      expect(error.message).toContain("at least 32 bytes long (it is 31)");
      expect(error.message).not.toContain(secret);
      expect(providerErrors(withAlg("HS512", "y".repeat(63)), "p")).toHaveLength(1);
      expect(providerOf(withAlg("HS512", "y".repeat(64)), "p").idTokenSignedResponseAlg).toBe("HS512");
    });
  });

  it("refuses response_mode = form_post and accepts query", () => {
    const bad = ok(shared() + provider("p", 'client_kwargs = { response_mode = "form_post" }'));
    const error = expectError(only(providerErrors(bad, "p")), {
      code: "PROTECTED_PARAMETER",
      section: "[auth.p]",
      key: "client_kwargs",
    });
    expect(error.message).toContain("form_post");
    const good = ok(shared() + provider("p", 'client_kwargs = { response_mode = "query" }'));
    expect(providerOf(good, "p").authorizationParams["response_mode"]).toBe("query");
  });

  it("refuses a scope without openid", () => {
    const config = ok(shared() + provider("p", 'client_kwargs = { scope = "email profile openidx" }'));
    const error = expectError(only(providerErrors(config, "p")), {
      code: "INVALID_VALUE",
      section: "[auth.p]",
      key: "client_kwargs",
    });
    expect(error.message).toContain('"openid"');
  });

  it("refuses a per-provider redirect_uri on another origin and accepts one on the same origin", () => {
    const config = ok(
      shared() +
        provider("bad", 'redirect_uri = "http://127.0.0.1:3000/oauth2callback/bad"') +
        provider("port", 'redirect_uri = "http://localhost:3001/oauth2callback/port"') +
        provider("good", 'redirect_uri = "http://localhost:3000/cb/good"'),
    );
    for (const name of ["bad", "port"]) {
      const error = expectError(only(providerErrors(config, name)), {
        code: "INVALID_VALUE",
        section: `[auth.${name}]`,
        key: "redirect_uri",
      });
      expect(error.message).toContain("http://localhost:3000");
    }
    expect(providerOf(config, "good").redirectUri).toBe("http://localhost:3000/cb/good");
    expect(config.callbackPaths).toEqual(["/oauth2callback", "/cb/good"]);
  });

  it("lists a shared callback path once", () => {
    const config = ok(
      shared() + provider("a") + provider("b", 'redirect_uri = "http://localhost:3000/oauth2callback"'),
    );
    expect(config.callbackPaths).toEqual(["/oauth2callback"]);
  });

  it("does not treat a top-level client_kwargs table as a provider", () => {
    const config = ok(shared(`${DEFAULT_PROVIDER_KEYS}client_kwargs = { prompt = "login" }`));
    expect([...config.providers.keys()]).toEqual(["default"]);
    expect(providerOf(config, "default").authorizationParams["prompt"]).toBe("login");
  });
});

describe("shared [auth] errors", () => {
  it("reports TOML syntax errors with the line", () => {
    const errors = invalid('[auth]\nredirect_uri = "http://localhost:3000/oauth2callback"\ncookie_secret = unquoted\n');
    const error = only(errors);
    expect(error.code).toBe("TOML_SYNTAX");
    expect(error.source).toBe(SOURCE);
    expect(error.line).toBe(3);
    expect(error.section).toBeUndefined();
    expect(error.message.startsWith(`${SOURCE}:3`)).toBe(true);
    expect(error.message).toContain("not valid TOML");
    expect(error.message.endsWith(error.fix)).toBe(true);
    expect(error.fix).toContain("Fix the syntax");
  });

  it("is absent, with NO_AUTH_SECTION, when there is no [auth]", () => {
    for (const text of ["", "# nothing\n", '[server]\nport = 8501\n[other]\nkey = "v"\n']) {
      const state = parseAuthConfig(text, { source: SOURCE });
      expect(state.status).toBe("absent");
      if (state.status !== "absent") continue;
      expect(state.reason).toBeInstanceOf(AuthConfigError);
      expect(state.reason.code).toBe("NO_AUTH_SECTION");
      expect(state.reason.source).toBe(SOURCE);
      expect(state.reason.message).toContain(SOURCE);
      expect(state.reason.message).toContain("[auth]");
      expect(state.reason.fix).toContain("Add an [auth] section");
    }
  });

  it.each([
    ["a string", 'auth = "yes"\n'],
    ["an array of tables", '[[auth]]\nredirect_uri = "http://localhost:3000/cb"\n'],
    ["a number", "auth = 1\n"],
  ])("refuses auth that is %s", (_, text) => {
    const error = only(invalid(text));
    expect(error.code).toBe("WRONG_TYPE");
    expect(error.key).toBe("auth");
    expect(error.source).toBe(SOURCE);
    expect(error.message).toContain(SOURCE);
    expect(error.message).toContain('"auth"');
    expect(error.message.endsWith(error.fix)).toBe(true);
    expect(error.fix).toContain("[auth]");
  });

  it("reports a missing redirect_uri", () => {
    const error = expectError(only(invalid(`[auth]\ncookie_secret = "${SECRET}"\n${DEFAULT_PROVIDER_KEYS}`)), {
      code: "MISSING_KEY",
      section: "[auth]",
      key: "redirect_uri",
    });
    expect(error.fix).toContain('redirect_uri = "http://localhost:3000/oauth2callback"');
  });

  it("reports a missing cookie_secret", () => {
    const error = expectError(
      only(invalid(`[auth]\nredirect_uri = "http://localhost:3000/oauth2callback"\n${DEFAULT_PROVIDER_KEYS}`)),
      {
        code: "MISSING_KEY",
        section: "[auth]",
        key: "cookie_secret",
      },
    );
    expect(error.fix).toContain("openssl rand");
  });

  it("lists both missing keys at once", () => {
    const errors = invalid(`[auth]\n${DEFAULT_PROVIDER_KEYS}`);
    expect(errors).toHaveLength(2);
    expectError(
      errors.find((e) => e.key === "redirect_uri"),
      { code: "MISSING_KEY", section: "[auth]", key: "redirect_uri" },
    );
    expectError(
      errors.find((e) => e.key === "cookie_secret"),
      { code: "MISSING_KEY", section: "[auth]", key: "cookie_secret" },
    );
  });

  it("refuses a short cookie_secret without echoing it", () => {
    const secret = "my-private-but-short-value";
    const error = expectError(
      only(invalid(`[auth]\nredirect_uri = "http://localhost:3000/cb"\ncookie_secret = "${secret}"\n`)),
      {
        code: "WEAK_SECRET",
        section: "[auth]",
        key: "cookie_secret",
      },
    );
    expect(error.message).toContain(`${secret.length} characters`);
    expect(error.message).toContain(String(MIN_SECRET_LENGTH));
    expect(error.message).not.toContain(secret);
    expect(error.problem).not.toContain(secret);
    expect(error.fix).not.toContain(secret);
  });

  it("accepts a cookie_secret of exactly the minimum length", () => {
    const secret = "s".repeat(MIN_SECRET_LENGTH);
    expect(
      ok(`[auth]\nredirect_uri = "http://localhost:3000/cb"\ncookie_secret = "${secret}"\n`).cookieSecrets,
    ).toEqual([secret]);
  });

  it("keeps a cookie_secret list in order, newest first", () => {
    const config = ok(
      `[auth]\nredirect_uri = "http://localhost:3000/cb"\ncookie_secret = ["${SECRET}", "${OLD_SECRET}"]\n`,
    );
    expect(config.cookieSecrets).toEqual([SECRET, OLD_SECRET]);
  });

  it("refuses an empty cookie_secret list", () => {
    expectError(only(invalid(`[auth]\nredirect_uri = "http://localhost:3000/cb"\ncookie_secret = []\n`)), {
      code: "WRONG_TYPE",
      section: "[auth]",
      key: "cookie_secret",
    });
  });

  it("refuses a cookie_secret list with a short entry, naming the entry but not its value", () => {
    const error = expectError(
      only(
        invalid(
          `[auth]\nredirect_uri = "http://localhost:3000/cb"\ncookie_secret = ["${SECRET}", "short-old-secret"]\n`,
        ),
      ),
      {
        code: "WEAK_SECRET",
        section: "[auth]",
        key: "cookie_secret",
      },
    );
    expect(error.message).toContain("entry 2");
    expect(error.message).not.toContain("short-old-secret");
  });

  it.each([
    ["a number entry", `["${SECRET}", 42]`],
    ["a number", "1234567890"],
    ["a table", `{ value = "${SECRET}" }`],
  ])("refuses a cookie_secret with %s", (_, value) => {
    expectError(only(invalid(`[auth]\nredirect_uri = "http://localhost:3000/cb"\ncookie_secret = ${value}\n`)), {
      code: "WRONG_TYPE",
      section: "[auth]",
      key: "cookie_secret",
    });
  });

  it.each([
    ["a relative URL", "/oauth2callback", "INVALID_URL"],
    ["an ftp:// URL", "ftp://localhost/oauth2callback", "INVALID_URL"],
    ["http:// to a non-loopback host", "http://app.example/oauth2callback", "INSECURE_URL"],
    ["http:// to a loopback look-alike", "http://localhost.evil.test/oauth2callback", "INSECURE_URL"],
    ["http:// to 0.0.0.0", "http://0.0.0.0:3000/oauth2callback", "INSECURE_URL"],
    ["credentials", "https://user:pass@app.example/oauth2callback", "INVALID_URL"],
    ["a user name only", "https://user@app.example/oauth2callback", "INVALID_URL"],
  ] as const)("refuses a redirect_uri with %s", (_, url, code) => {
    const error = expectError(only(invalid(shared("", url))), { code, section: "[auth]", key: "redirect_uri" });
    if (code === "INSECURE_URL") expect(error.fix).toContain("https://");
  });

  it("refuses a non-string redirect_uri", () => {
    expectError(only(invalid(`[auth]\nredirect_uri = 3000\ncookie_secret = "${SECRET}"\n`)), {
      code: "WRONG_TYPE",
      section: "[auth]",
      key: "redirect_uri",
    });
  });

  it.each([
    "http://localhost:3000/oauth2callback",
    "http://127.0.0.1:8501/oauth2callback",
    "http://[::1]:3000/oauth2callback",
    "http://localhost/cb",
  ])("accepts the loopback http:// redirect_uri %s (not secure)", (url) => {
    const config = ok(shared("", url));
    expect(config.redirectUri).toBe(url);
    expect(config.origin).toBe(new URL(url).origin);
    expect(config.secure).toBe(false);
  });

  it("is secure for an https redirect_uri", () => {
    const config = ok(shared("", "https://app.example:8443/cb"));
    expect(config.secure).toBe(true);
    expect(config.origin).toBe("https://app.example:8443");
  });

  it("replaces {port} with the port option, 3000 by default", () => {
    const text =
      shared("", "http://localhost:{port}/oauth2callback") +
      provider("p", 'redirect_uri = "http://localhost:{port}/oauth2callback/p"');
    const withPort = ok(text, "8501");
    expect(withPort.redirectUri).toBe("http://localhost:8501/oauth2callback");
    expect(withPort.origin).toBe("http://localhost:8501");
    expect(providerOf(withPort, "p").redirectUri).toBe("http://localhost:8501/oauth2callback/p");
    const withDefault = ok(text);
    expect(withDefault.redirectUri).toBe("http://localhost:3000/oauth2callback");
    expect(providerOf(withDefault, "p").redirectUri).toBe("http://localhost:3000/oauth2callback/p");
  });

  it.each([
    ['"id"', ["id"]],
    ['["id", "access"]', ["id", "access"]],
    ['["access", "access"]', ["access"]],
    ["[]", []],
  ])("reads expose_tokens = %s", (value, expected) => {
    expect(ok(shared(`expose_tokens = ${value}`)).exposeTokens).toEqual(expected);
  });

  it("defaults expose_tokens to none", () => {
    expect(ok(shared()).exposeTokens).toEqual([]);
  });

  it.each(['["id", "bogus"]', "123", '"refresh"'])("refuses expose_tokens = %s", (value) => {
    const error = expectError(only(invalid(shared(`expose_tokens = ${value}`))), {
      code: "INVALID_VALUE",
      section: "[auth]",
      key: "expose_tokens",
    });
    expect(error.fix).toContain('expose_tokens = ["id", "access"]');
  });
});

describe("unknown keys", () => {
  it("warns with a suggestion for near misses and without one otherwise", () => {
    const config = ok(
      shared(`redirect_url = "http://localhost:3000/x"\n"favourite colour" = "blue"`) +
        '\n[auth.google]\nclient_id = "g"\nclient_secrte = "s"\nserver_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"\n',
    );
    const [redirect, colour, secret, ...rest] = config.warnings;
    expect(rest).toEqual([]);
    expect(redirect).toBe(`${SOURCE} [auth]: unknown key "redirect_url" is ignored. Did you mean "redirect_uri"?`);
    expect(colour).toBe(`${SOURCE} [auth]: unknown key "favourite colour" is ignored.`);
    expect(secret).toBe(
      `${SOURCE} [auth.google]: unknown key "client_secrte" is ignored. Did you mean "client_secret"?`,
    );
    // The misspelt key does not count as client_secret.
    expectError(only(providerErrors(config, "google")), {
      code: "MISSING_KEY",
      section: "[auth.google]",
      key: "client_secret",
    });
  });

  it.each([
    ["a string", 'microsoft = "https://login.microsoftonline.com/common/v2.0"', "a string"],
    ["a list", 'microsoft = ["client-id", "client-secret"]', "a list"],
    ["a number", "microsoft = 42", "number"],
  ])("refuses a provider section that is %s, as an error of that provider only", (_, line, got) => {
    const config = ok(shared(`${line}\n${DEFAULT_PROVIDER_KEYS}`));
    expect(config.warnings).toEqual([]);
    expect(config.providers.has("default")).toBe(true);
    const error = only(providerErrors(config, "microsoft"));
    expectError(error, { code: "WRONG_TYPE", section: "[auth]", key: "microsoft" });
    expect(error.message).toContain(`"microsoft" is neither a setting of [auth] nor a provider section (got ${got}`);
    expect(error.fix).toContain("[auth.microsoft], with client_id, client_secret and server_metadata_url");
    expect(error.message).not.toContain("microsoftonline"); // a value may be a secret: never echoed
  });

  it("suggests shared keys for misspellings in [auth]", () => {
    const config = ok(shared('cookie_secrets = "x"\nexpose_token = "id"'));
    expect(config.warnings).toEqual([
      `${SOURCE} [auth]: unknown key "cookie_secrets" is ignored. Did you mean "cookie_secret"?`,
      `${SOURCE} [auth]: unknown key "expose_token" is ignored. Did you mean "expose_tokens"?`,
    ]);
  });

  it("warns about the default provider's unknown keys in [auth.default]", () => {
    const config = ok(shared() + provider("default", 'client_kwarg = { prompt = "login" }'));
    expect(config.warnings).toEqual([
      `${SOURCE} [auth] (default provider): unknown key "client_kwarg" is ignored. Did you mean "client_kwargs"?`,
    ]);
  });
});

describe("deployment settings from the environment", () => {
  const text =
    shared(DEFAULT_PROVIDER_KEYS) + provider("okta", 'redirect_uri = "http://localhost:3000/callbacks/okta"');

  it("AUTH_ORIGIN moves every redirect_uri to this deployment's origin, keeping the paths", () => {
    const state = parseAuthConfig(text, { source: SOURCE, origin: "https://my-app-git-feature.vercel.app" });
    if (state.status !== "ok") throw new Error(describeState(text));
    expect(state.config.redirectUri).toBe("https://my-app-git-feature.vercel.app/oauth2callback");
    expect(state.config.origin).toBe("https://my-app-git-feature.vercel.app");
    expect(state.config.secure).toBe(true);
    expect(providerOf(state.config, "okta").redirectUri).toBe("https://my-app-git-feature.vercel.app/callbacks/okta");
    expect(state.config.callbackPaths).toEqual(["/oauth2callback", "/callbacks/okta"]);
  });

  it("keeps a path that starts with // on AUTH_ORIGIN's host", () => {
    const tricky = shared(DEFAULT_PROVIDER_KEYS, "http://localhost:3000//evil.example/cb");
    const state = parseAuthConfig(tricky, { source: SOURCE, origin: "https://preview.example" });
    if (state.status !== "ok") throw new Error(describeState(tricky));
    expect(state.config.origin).toBe("https://preview.example");
    expect(new URL(state.config.redirectUri).host).toBe("preview.example");
  });

  it("still refuses a provider redirect_uri on another origin than [auth]'s when AUTH_ORIGIN is set", () => {
    const mixed =
      shared(DEFAULT_PROVIDER_KEYS) + provider("okta", 'redirect_uri = "http://127.0.0.1:3000/callbacks/okta"');
    const state = parseAuthConfig(mixed, { source: SOURCE, origin: "https://preview.example" });
    if (state.status !== "ok") throw new Error(describeState(mixed));
    expectError(only(providerErrors(state.config, "okta")), {
      code: "INVALID_VALUE",
      section: "[auth.okta]",
      key: "redirect_uri",
    });
  });

  it.each([
    ["a path", "https://preview.example/app", "INVALID_VALUE", "without a path"],
    ["plain http to a public host", "http://preview.example", "INSECURE_URL", "http://"],
    ["no scheme", "preview.example", "INVALID_URL", "absolute URL"],
  ])("refuses an AUTH_ORIGIN with %s, naming the variable and the fix", (_, origin, code, words) => {
    const state = parseAuthConfig(text, { source: SOURCE, origin });
    if (state.status !== "invalid") throw new Error(`expected invalid, got ${state.status}`);
    const error = only(state.errors);
    expect(error.code).toBe(code);
    expect(error.source).toBe("AUTH_ORIGIN");
    expect(error.message).toContain("AUTH_ORIGIN");
    expect(error.message).toContain(words);
    expect(error.fix).toContain("AUTH_ORIGIN");
  });

  it("accepts redirect URIs inside the app's basePath", () => {
    const inside = text.replaceAll("http://localhost:3000/", "http://localhost:3000/docs/");
    const state = parseAuthConfig(inside, { source: SOURCE, basePath: "/docs" });
    if (state.status !== "ok") throw new Error(describeState(inside));
    expect(state.config.callbackPaths).toEqual(["/docs/oauth2callback", "/docs/callbacks/okta"]);
  });

  it.each(["/auth/login", "/auth/logout/", "/auth/user"])(
    "refuses a redirect_uri at the library's own route %s",
    (path) => {
      const text = shared(DEFAULT_PROVIDER_KEYS, `http://localhost:3000${path}`);
      const error = only(invalid(text));
      expect(error.code).toBe("INVALID_VALUE");
      expect(error.message).toContain("points at the library's");
      expect(error.fix).toContain("/oauth2callback");
    },
  );

  it("accepts a redirect_uri at /auth/callback, at the root, or at any other path", () => {
    for (const path of ["/auth/callback", "/", "/api/auth/callback/google", "/auth/loginhelp"]) {
      expect(ok(shared(DEFAULT_PROVIDER_KEYS, `http://localhost:3000${path}`)).callbackPaths).toEqual([path]);
    }
  });

  it("refuses a redirect_uri outside the app's basePath: the callback would never reach the app", () => {
    const state = parseAuthConfig(text, { source: SOURCE, basePath: "/docs" });
    if (state.status !== "invalid") throw new Error(`expected invalid, got ${state.status}`);
    const error = only(state.errors);
    expect(error.code).toBe("INVALID_VALUE");
    expect(error.key).toBe("redirect_uri");
    expect(error.message).toContain("outside the app's basePath /docs");
    expect(error.fix).toContain("http://localhost:3000/docs/oauth2callback");
  });
});

describe("secrets.example.toml", () => {
  it("parses as a valid config", () => {
    const path = fileURLToPath(new URL("../../secrets.example.toml", import.meta.url));
    const state = parseAuthConfig(readFileSync(path, "utf8"), { source: "secrets.example.toml" });
    expect(state.status).toBe("ok");
    if (state.status !== "ok") return;
    expect(state.config.redirectUri).toBe("http://localhost:3000/oauth2callback");
    expect(state.config.providers.get("default")?.authorizationParams).toEqual({
      scope: DEFAULT_SCOPE,
      prompt: DEFAULT_PROMPT,
    });
    expect(state.config.providerErrors.size).toBe(0);
    expect(state.config.warnings).toEqual([]);
  });
});

describe("regressions", () => {
  const secret = `cookie_secret = "${"x".repeat(40)}"`;

  it("never echoes a password embedded in a URL", () => {
    const state = parseAuthConfig(
      `[auth]\nredirect_uri = "https://user:hunter2-password@app.example/cb"\n${secret}\n`,
      { source: "secrets.toml" },
    );
    expect(state.status).toBe("invalid");
    if (state.status !== "invalid") return;
    expect(state.errors[0]!.message).not.toContain("hunter2-password");
    expect(state.errors[0]!.message).toContain("//***@app.example");
  });

  it("points at a likely typo when a required key is missing", () => {
    const state = parseAuthConfig(`[auth]\nredirect_url = "http://localhost:3000/cb"\n${secret}\n`, {
      source: "secrets.toml",
    });
    expect(state.status).toBe("invalid");
    if (state.status !== "invalid") return;
    expect(state.errors.map((e) => e.message).join("\n")).toContain('found "redirect_url"');
    expect(state.warnings.join("\n")).toContain('Did you mean "redirect_uri"');
  });

  it("points at a typo in a provider section", () => {
    const state = parseAuthConfig(
      `[auth]\nredirect_uri = "http://localhost:3000/cb"\n${secret}\n[auth.google]\nclient_id = "a"\nclient_secrte = "b"\nserver_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"\n`,
      { source: "secrets.toml" },
    );
    expect(state.status).toBe("ok");
    if (state.status !== "ok") return;
    expect(state.config.providerErrors.get("google")![0]!.message).toContain('found "client_secrte"');
  });
});

it("lists the default provider first, then named providers in file order", () => {
  const state = parseAuthConfig(
    `[auth.zeta]\nclient_id = "a"\nclient_secret = "b"\nserver_metadata_url = "https://z.example/.well-known/openid-configuration"\n` +
      `[auth]\nredirect_uri = "http://localhost:3000/cb"\ncookie_secret = "${"x".repeat(40)}"\nclient_id = "a"\nclient_secret = "b"\nserver_metadata_url = "https://d.example/.well-known/openid-configuration"\n` +
      `[auth.alpha]\nclient_id = "a"\nclient_secret = "b"\nserver_metadata_url = "https://a.example/.well-known/openid-configuration"\n`,
    { source: "secrets.toml" },
  );
  expect(state.status === "ok" && [...state.config.providers.keys()]).toEqual(["default", "zeta", "alpha"]);
});
