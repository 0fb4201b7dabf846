import * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { parseAuthConfig } from "@/lib/auth/config/parse";
import type { ProviderConfig } from "@/lib/auth/config/types";
import { authorizationRequest } from "@/lib/auth/protocol/authorize";
import {
  acceptedSigningAlgorithms,
  basicCredential,
  checkSigningAlgorithms,
  clientSecretBasic,
} from "@/lib/auth/protocol/client";
import { expectedIssuer } from "@/lib/auth/protocol/discovery";
import { AuthFlowError } from "@/lib/auth/protocol/errors";
import { describeError } from "@/lib/auth/protocol/http";
import { endSessionUrl } from "@/lib/auth/protocol/logout";

const CLIENT_SECRET = "very-secret-client-secret-value";

/** A provider built the way the app builds it: from secrets.toml text. */
function providerFrom(extra = "", name = "google"): ProviderConfig {
  const state = parseAuthConfig(
    `[auth]\nredirect_uri = "https://app.example/oauth2callback"\ncookie_secret = "0123456789abcdefghijklmnopqrstuvwxyz"\n\n` +
      `[auth.${name}]\nclient_id = "client-123"\nclient_secret = "${CLIENT_SECRET}"\n` +
      `server_metadata_url = "https://idp.example/.well-known/openid-configuration"\n${extra}\n`,
    { source: "secrets.toml" },
  );
  if (state.status !== "ok") throw new Error(`bad test config: ${state.status}`);
  const provider = state.config.providers.get(name);
  if (!provider)
    throw new Error(
      `bad test provider: ${JSON.stringify(state.config.providerErrors.get(name)?.map((e) => e.message))}`,
    );
  return provider;
}

function server(overrides: Partial<oauth.AuthorizationServer> = {}): oauth.AuthorizationServer {
  return {
    issuer: "https://idp.example",
    authorization_endpoint: "https://idp.example/authorize",
    token_endpoint: "https://idp.example/token",
    jwks_uri: "https://idp.example/jwks",
    ...overrides,
  };
}

describe("expectedIssuer", () => {
  it.each([
    ["Google", "https://accounts.google.com/.well-known/openid-configuration", "https://accounts.google.com/"],
    [
      "Keycloak",
      "https://kc.example/realms/my-realm/.well-known/openid-configuration",
      "https://kc.example/realms/my-realm",
    ],
    ["Auth0", "https://tenant.eu.auth0.com/.well-known/openid-configuration", "https://tenant.eu.auth0.com/"],
    [
      "Entra ID",
      "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration",
      "https://login.microsoftonline.com/tenant-id/v2.0",
    ],
    ["a loopback provider", "http://127.0.0.1:9000/.well-known/openid-configuration", "http://127.0.0.1:9000/"],
  ])("strips the well-known suffix of a %s URL", (_, url, issuer) => {
    expect(expectedIssuer(url)?.href).toBe(issuer);
  });

  it("matches the issuer strings those providers publish, as oauth4webapi compares them", () => {
    // Google publishes "https://accounts.google.com" (no slash), Auth0 "https://tenant.eu.auth0.com/" (slash).
    expect(expectedIssuer("https://accounts.google.com/.well-known/openid-configuration")?.href).toBe(
      new URL("https://accounts.google.com").href,
    );
    expect(expectedIssuer("https://tenant.eu.auth0.com/.well-known/openid-configuration")?.href).toBe(
      new URL("https://tenant.eu.auth0.com/").href,
    );
  });

  it.each([
    "https://idp.example/metadata.json",
    "https://idp.example/.well-known/oauth-authorization-server",
    "https://idp.example/.well-known/openid-configuration/",
    "https://idp.example/.well-known/openid-configuration?appid=123",
  ])("is undefined for %s", (url) => {
    expect(expectedIssuer(url)).toBeUndefined();
  });
});

describe("acceptedSigningAlgorithms", () => {
  it("is RS256 when nothing is advertised", () => {
    expect(acceptedSigningAlgorithms(undefined)).toEqual(["RS256"]);
    expect(acceptedSigningAlgorithms([])).toEqual(["RS256"]);
  });

  it("keeps every advertised asymmetric algorithm, so a client registered for PS256 or ES256 works", () => {
    expect(acceptedSigningAlgorithms(["PS512", "ES256", "RS256"])).toEqual(["PS512", "ES256", "RS256"]);
    expect(acceptedSigningAlgorithms(["HS256", "EdDSA"])).toEqual(["EdDSA"]);
  });

  it("drops none and the HMAC algorithms", () => {
    expect(acceptedSigningAlgorithms(["none", "RS256", "HS256"])).toEqual(["RS256"]);
  });

  it.each([[["none", "HS256"]], [["HS256", "HS384", "HS512"]], [["none"]], [["rs256"]]])(
    "keeps nothing of %j, and a login to such a provider is refused before anyone is sent there",
    (algs) => {
      expect(acceptedSigningAlgorithms(algs)).toEqual([]);
      const as = { issuer: "https://idp.example", id_token_signing_alg_values_supported: [] };
      let thrown: unknown;
      try {
        checkSigningAlgorithms(providerFrom(), as);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AuthFlowError);
      expect((thrown as AuthFlowError).code).toBe("PROVIDER_INVALID_RESPONSE");
      expect((thrown as AuthFlowError).status).toBe(502);
      expect((thrown as AuthFlowError).message).toContain('id_token_signed_response_alg = "HS256"');
      // A provider section that pins an algorithm has made its choice.
      expect(() => checkSigningAlgorithms(providerFrom('id_token_signed_response_alg = "RS256"'), as)).not.toThrow();
    },
  );
});

describe("client_secret_basic (encoded as Authlib does, so raw-comparing providers accept it)", () => {
  it.each([
    ["my-app", "my-app"],
    ["a.b_c~d", "a.b_c~d"],
    ["Az09/", "Az09/"],
    ["a b", "a%20b"],
    ["a+b=c", "a%2Bb%3Dc"],
    ["a:b", "a%3Ab"],
    ["a%b", "a%25b"],
    ["!*'()", "%21%2A%27%28%29"],
    ["é", "%C3%A9"],
  ])("encodes %j as %j", (raw, encoded) => {
    expect(basicCredential(raw)).toBe(encoded);
    // Whatever is encoded, a provider that form-urldecodes gets the original back.
    expect(decodeURIComponent(encoded.replace(/\+/g, " "))).toBe(raw);
  });

  it("sends id and secret in one Basic header, unreserved characters as they are", async () => {
    const headers = new Headers();
    await clientSecretBasic("s3cr-et_x.y~z")(
      { issuer: "https://idp.example" },
      { client_id: "next-app" },
      new URLSearchParams(),
      headers,
    );
    expect(headers.get("authorization")).toBe(`Basic ${btoa("next-app:s3cr-et_x.y~z")}`);
  });
});

describe("authorizationRequest", () => {
  const provider = providerFrom(
    'client_kwargs = { prompt = "login", login_hint = "ada@example.com", hd = "example.com" }',
  );

  it("builds a code flow request with PKCE S256, state, nonce and the client_kwargs", async () => {
    const { url, transaction } = await authorizationRequest(provider, server(), "/dashboard");
    const params = url.searchParams;
    expect(url.origin + url.pathname).toBe("https://idp.example/authorize");
    expect(params.get("response_type")).toBe("code");
    expect(params.get("client_id")).toBe("client-123");
    expect(params.get("redirect_uri")).toBe("https://app.example/oauth2callback");
    expect(params.get("scope")).toBe("openid email profile");
    expect(params.get("prompt")).toBe("login");
    expect(params.get("login_hint")).toBe("ada@example.com");
    expect(params.get("hd")).toBe("example.com");
    expect(params.get("state")).toBe(transaction.state);
    expect(params.get("nonce")).toBe(transaction.nonce);
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toBe(await oauth.calculatePKCECodeChallenge(transaction.codeVerifier));
    expect(transaction.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(transaction.state).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
    for (const key of new Set(params.keys())) expect(params.getAll(key), key).toHaveLength(1);
    expect([...params.keys()].sort()).toEqual(
      [
        "client_id",
        "code_challenge",
        "code_challenge_method",
        "hd",
        "login_hint",
        "nonce",
        "prompt",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
      ].sort(),
    );
  });

  it("never sends the client secret or the code verifier", async () => {
    const { url, transaction } = await authorizationRequest(provider, server(), "/");
    expect(url.searchParams.has("client_secret")).toBe(false);
    expect(url.href).not.toContain(CLIENT_SECRET);
    expect(url.href).not.toContain(transaction.codeVerifier);
  });

  it("returns the transaction the callback needs", async () => {
    const { transaction } = await authorizationRequest(provider, server(), "/reports?id=1");
    expect(transaction).toMatchObject({
      provider: "google",
      issuer: "https://idp.example",
      redirectUri: "https://app.example/oauth2callback",
      returnTo: "/reports?id=1",
    });
  });

  it("keeps the authorization endpoint's own query parameters, ours winning on conflicts", async () => {
    const as = server({
      authorization_endpoint: "https://idp.example/oauth2/authorize?tenant=t1&ui=dark&response_type=token",
    });
    const { url } = await authorizationRequest(provider, as, "/");
    expect(url.pathname).toBe("/oauth2/authorize");
    expect(url.searchParams.get("tenant")).toBe("t1");
    expect(url.searchParams.get("ui")).toBe("dark");
    expect(url.searchParams.getAll("response_type")).toEqual(["code"]);
    expect(url.href.split("?")).toHaveLength(2);
  });

  it("uses the provider's own redirect_uri and default parameters", async () => {
    const own = providerFrom('redirect_uri = "https://app.example/oauth2callback/okta"', "okta");
    const { url, transaction } = await authorizationRequest(own, server(), "/");
    expect(url.searchParams.get("redirect_uri")).toBe("https://app.example/oauth2callback/okta");
    expect(url.searchParams.get("prompt")).toBe("select_account");
    expect(transaction.redirectUri).toBe("https://app.example/oauth2callback/okta");
    expect(transaction.provider).toBe("okta");
  });

  it("does not send token_endpoint_auth_method or code_challenge_method from client_kwargs", async () => {
    const p = providerFrom(
      'client_kwargs = { token_endpoint_auth_method = "client_secret_post", code_challenge_method = "S256" }',
    );
    const { url } = await authorizationRequest(p, server(), "/");
    expect(url.searchParams.has("token_endpoint_auth_method")).toBe(false);
    expect(url.searchParams.getAll("code_challenge_method")).toEqual(["S256"]);
  });

  it("generates fresh state, nonce and verifier on every call", async () => {
    const first = await authorizationRequest(provider, server(), "/");
    const second = await authorizationRequest(provider, server(), "/");
    expect(second.transaction.state).not.toBe(first.transaction.state);
    expect(second.transaction.nonce).not.toBe(first.transaction.nonce);
    expect(second.transaction.codeVerifier).not.toBe(first.transaction.codeVerifier);
    expect(second.url.searchParams.get("code_challenge")).not.toBe(first.url.searchParams.get("code_challenge"));
  });
});

describe("endSessionUrl", () => {
  const provider = providerFrom();

  it("is undefined without an end_session_endpoint", () => {
    expect(endSessionUrl(provider, server(), "id-token")).toBeUndefined();
  });

  it.each(["not a url", "javascript:alert(1)", "ftp://idp.example/logout", "data:text/html,x"])(
    "is undefined for the endpoint %j",
    (endpoint) => {
      expect(endSessionUrl(provider, server({ end_session_endpoint: endpoint }), "id-token")).toBeUndefined();
    },
  );

  it("sends client_id, post_logout_redirect_uri and id_token_hint", () => {
    const url = endSessionUrl(
      provider,
      server({ end_session_endpoint: "https://idp.example/logout" }),
      "header.payload.sig",
    );
    expect(url?.origin + (url?.pathname ?? "")).toBe("https://idp.example/logout");
    expect(Object.fromEntries(url?.searchParams ?? [])).toEqual({
      client_id: "client-123",
      post_logout_redirect_uri: "https://app.example/oauth2callback",
      id_token_hint: "header.payload.sig",
    });
    expect(url?.href).not.toContain(CLIENT_SECRET);
  });

  it("leaves out id_token_hint when there is no ID token", () => {
    const url = endSessionUrl(provider, server({ end_session_endpoint: "https://idp.example/logout" }), undefined);
    expect(url?.searchParams.has("id_token_hint")).toBe(false);
    expect(url?.searchParams.get("client_id")).toBe("client-123");
    expect(url?.searchParams.get("post_logout_redirect_uri")).toBe("https://app.example/oauth2callback");
  });

  it("keeps the endpoint's query, with exactly one ?, ours winning on conflicts", () => {
    const url = endSessionUrl(
      provider,
      server({ end_session_endpoint: "https://idp.example/v2/logout?returnTo=x&client_id=someone-else" }),
      "tok",
    );
    expect(url).toBeDefined();
    expect(url!.href.split("?")).toHaveLength(2);
    expect(url!.searchParams.get("returnTo")).toBe("x");
    expect(url!.searchParams.getAll("client_id")).toEqual(["client-123"]);
    expect(url!.searchParams.get("id_token_hint")).toBe("tok");
  });

  it("refuses a plain-http endpoint on another host than loopback (the ID token would travel in clear)", () => {
    for (const endpoint of ["http://idp.example/logout", "http://10.0.0.1/logout"]) {
      expect(() => endSessionUrl(provider, server({ end_session_endpoint: endpoint }), "id-token")).toThrow(
        /end_session_endpoint .* is not https/,
      );
    }
  });

  it("accepts a plain-http loopback endpoint only from a loopback http provider, as for the other endpoints", () => {
    const local = { ...provider, serverMetadataUrl: "http://127.0.0.1:9400/.well-known/openid-configuration" };
    const url = endSessionUrl(local, server({ end_session_endpoint: "http://127.0.0.1:9400/logout" }), "id-token");
    expect(url?.origin).toBe("http://127.0.0.1:9400");
    // An https provider announcing a plain-http endpoint, even on loopback, is refused.
    expect(() =>
      endSessionUrl(provider, server({ end_session_endpoint: "http://127.0.0.1:9400/logout" }), "id-token"),
    ).toThrow(/is not https/);
  });

  it("uses the provider's own redirect_uri as post_logout_redirect_uri", () => {
    const own = providerFrom('redirect_uri = "https://app.example/oauth2callback/okta"', "okta");
    const url = endSessionUrl(own, server({ end_session_endpoint: "https://idp.example/logout" }), undefined);
    expect(url?.searchParams.get("post_logout_redirect_uri")).toBe("https://app.example/oauth2callback/okta");
  });
});

it("expectedIssuer ignores a #fragment on server_metadata_url", () => {
  expect(expectedIssuer("https://idp.example/.well-known/openid-configuration#x")?.href).toBe("https://idp.example/");
});

describe("endSessionUrl with logout_params (Streamlit's proposal)", () => {
  const as = server({ end_session_endpoint: "https://idp.example/logout" });
  const claims = { sub: "u1", email: "ada@example.com", groups: ["a"] };

  it("Cognito: redirect_uri instead of post_logout_redirect_uri, no id_token_hint", () => {
    const provider = providerFrom(
      'logout_params = { redirect_uri = "{post_logout_redirect_uri}", post_logout_redirect_uri = "", id_token_hint = "" }',
    );
    const url = endSessionUrl(provider, as, "id.token.value", claims)!;
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "client-123",
      redirect_uri: "https://app.example/oauth2callback",
    });
  });

  it("a claim template: logout_hint from the user's email", () => {
    const provider = providerFrom('logout_params = { logout_hint = "{email}", id_token_hint = "" }');
    const url = endSessionUrl(provider, as, "id.token.value", claims)!;
    expect(url.searchParams.get("logout_hint")).toBe("ada@example.com");
    expect(url.searchParams.has("id_token_hint")).toBe(false);
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe("https://app.example/oauth2callback");
  });

  it("leaves out a parameter whose field does not exist (or is not a plain value)", () => {
    const provider = providerFrom('logout_params = { a = "{nope}", b = "{groups}", c = "x-{sub}" }');
    const url = endSessionUrl(provider, as, undefined, claims)!;
    expect(url.searchParams.has("a")).toBe(false);
    expect(url.searchParams.has("b")).toBe(false);
    expect(url.searchParams.get("c")).toBe("x-u1");
  });

  it("merges [auth] logout_params under the provider's own", () => {
    const state = parseAuthConfig(
      `[auth]\nredirect_uri = "https://app.example/cb"\ncookie_secret = "${"x".repeat(40)}"\nlogout_params = { a = "shared", b = "shared" }\n` +
        `[auth.p]\nclient_id = "c"\nclient_secret = "s"\nserver_metadata_url = "https://idp.example/.well-known/openid-configuration"\nlogout_params = { b = "own" }\n`,
      { source: "secrets.toml" },
    );
    expect(state.status === "ok" && [...state.config.providers.keys()]).toEqual(["p"]);
    expect(state.status === "ok" && state.config.providers.get("p")?.logoutParams).toEqual({ a: "shared", b: "own" });
  });

  it.each([
    ['logout_params = "x"', '"logout_params" must be a table'],
    ["logout_params = { a = 1 }", "logout_params.a must be a string"],
  ])("refuses %s", (line, problem) => {
    const state = parseAuthConfig(
      `[auth]\nredirect_uri = "https://app.example/cb"\ncookie_secret = "${"x".repeat(40)}"\n${line}\n`,
      { source: "secrets.toml" },
    );
    expect(state.status).toBe("invalid");
    expect(state.status === "invalid" && state.errors[0]?.message).toContain(problem);
  });
});

describe("describeError (log lines)", () => {
  it("names an error by its code, never by a minified class name", () => {
    class ew extends Error {
      code = "OAUTH_WWW_AUTHENTICATE_CHALLENGE";
    }
    class K extends Error {}
    expect(describeError(new ew("server responded with a challenge"))).toBe(
      "OAUTH_WWW_AUTHENTICATE_CHALLENGE: server responded with a challenge",
    );
    expect(describeError(new K("boom"))).toBe("Error: boom");
    expect(describeError(new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") }))).toBe(
      "TypeError: fetch failed (cause: ECONNREFUSED)",
    );
  });
});
