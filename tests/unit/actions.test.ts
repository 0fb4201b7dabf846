import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startLocalIdp } from "@/scripts/local-idp.mjs";
import { AuthConfigError, AuthConfigErrors } from "@/lib/auth/config/errors";
import { readTransaction } from "@/lib/auth/cookie/transaction";
import { clearMetadataCache } from "@/lib/auth/protocol/discovery";
import { AuthFlowError, AuthFlowErrorCode } from "@/lib/auth/protocol/errors";
import type { LoginOptions } from "@/lib/auth/protocol/login-options";

/**
 * The login() and logout() server actions outside a Next.js server: only Next's request APIs (`headers()`,
 * `cookies()`, `redirect()`) are stood in for; the config, the protocol and the provider are real.
 */

const request = vi.hoisted(() => ({
  headers: new Headers(),
  cookies: new Map<string, string>(),
  written: [] as Array<{ name: string; value: string; options: Record<string, unknown> }>,
}));

class Redirect extends Error {
  constructor(readonly location: string) {
    super(`redirect to ${location}`);
  }
}

vi.mock("next/headers", () => ({
  // The Cookie header carries the same cookies as cookies(), as in a real request.
  headers: async () => {
    const headers = new Headers(request.headers);
    const cookie = [...request.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (cookie) headers.set("cookie", cookie);
    return headers;
  },
  cookies: async () => ({
    getAll: () => [...request.cookies].map(([name, value]) => ({ name, value })),
    set: (name: string, value: string, options: Record<string, unknown>) =>
      request.written.push({ name, value, options }),
  }),
}));
vi.mock("next/server", () => ({ connection: async () => undefined }));
vi.mock("next/navigation", () => ({
  redirect: (location: string) => {
    throw new Redirect(location);
  },
}));

const { login, logout } = await import("@/lib/auth/server/actions");
const { getLoginProviders } = await import("@/lib/auth/server/providers");

const APP = "http://localhost:3000";
const SECRET = "actions-test-cookie-secret-0123456789-abc";
const CLIENT = { client_id: "actions-app", client_secret: "actions-app-secret-0123456789" };
let idp: Awaited<ReturnType<typeof startLocalIdp>>;

const config = (extra = "") => `
[auth]
redirect_uri = "${APP}/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "${CLIENT.client_id}"
client_secret = "${CLIENT.client_secret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"
${extra}`;

async function redirectOf(action: () => Promise<unknown>): Promise<URL> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Redirect)) throw new Error(`expected a redirect, got ${String(error)}`);
  return new URL(error.location, APP);
}

beforeAll(async () => {
  idp = await startLocalIdp({
    port: 0,
    quiet: true,
    clients: [{ ...CLIENT, redirect_uris: [`${APP}/oauth2callback`] }],
  });
});
afterAll(async () => {
  await idp.close();
  delete process.env["AUTH_SECRETS"];
  delete process.env["__NEXT_ROUTER_BASEPATH"];
});
beforeEach(() => {
  process.env["AUTH_SECRETS"] = config();
  request.headers = new Headers({ host: "localhost:3000", referer: `${APP}/reports?q=1` });
  request.cookies = new Map();
  request.written = [];
  clearMetadataCache();
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

describe("login()", () => {
  it("starts the login at the provider, seals a transaction and comes back to the page it was called from", async () => {
    const location = await redirectOf(() => login());
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get("client_id")).toBe(CLIENT.client_id);
    expect(request.written).toHaveLength(1);
    expect(request.written[0]!.name).toMatch(/^auth_txn\./);
    expect(request.written[0]!.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
  });

  it("throws the config errors, all of them, when [auth] is broken", async () => {
    process.env["AUTH_SECRETS"] = `[auth]\nredirect_uri = "/oauth2callback"\ncookie_secret = "short"\n`;
    const error = await login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthConfigErrors);
    const messages = (error as AuthConfigErrors).errors.map((e) => e.code);
    expect(messages).toEqual(expect.arrayContaining(["INVALID_URL", "WEAK_SECRET"]));
    expect(request.written).toEqual([]);
  });

  it("throws NO_AUTH_SECTION when the secrets have no [auth]", async () => {
    process.env["AUTH_SECRETS"] = `[database]\nurl = "postgres://localhost/app"\n`;
    const error = await login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthConfigError);
    expect((error as AuthConfigError).code).toBe("NO_AUTH_SECTION");
  });

  it("throws UNKNOWN_PROVIDER naming the configured providers for a provider with no section", async () => {
    const error = await login("github").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthConfigError);
    expect((error as AuthConfigError).code).toBe("UNKNOWN_PROVIDER");
    expect((error as AuthConfigError).message).toContain("[auth.github]");
    expect((error as AuthConfigError).message).toContain("Configured providers: default");
  });

  it("hands a provider that is down to the login route, which shows a readable page", async () => {
    process.env["AUTH_SECRETS"] = config(
      `[auth.down]\nclient_id = "x"\nclient_secret = "x"\nserver_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n`,
    );
    const location = await redirectOf(() => login("down", "/after"));
    expect(location.pathname).toBe("/auth/login");
    expect(Object.fromEntries(location.searchParams)).toEqual({ provider: "down", returnTo: "/after" });
  });

  it("under a basePath, takes the app-relative page it was called from as returnTo", async () => {
    process.env["__NEXT_ROUTER_BASEPATH"] = "/docs";
    try {
      // A provider that is down, so the action hands over to the login route and the returnTo it chose shows.
      process.env["AUTH_SECRETS"] = `[auth]
redirect_uri = "${APP}/docs/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "x"
client_secret = "x"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
`;
      request.headers = new Headers({ host: "localhost:3000", referer: `${APP}/docs/reports?q=1` });
      const location = await redirectOf(() => login());
      expect(location.pathname).toBe("/docs/auth/login");
      expect(location.searchParams.get("returnTo")).toBe("/reports?q=1");
    } finally {
      delete process.env["__NEXT_ROUTER_BASEPATH"];
    }
  });
});

describe("login() with options", () => {
  const transactionOf = async () => {
    const written = request.written.find((w) => w.name.startsWith("auth_txn."))!;
    const state = written.name.slice(written.name.lastIndexOf(".") + 1);
    const found = await readTransaction(state, new Map([[written.name, written.value]]), {
      secrets: [SECRET],
      secure: false,
    });
    return found!.transaction;
  };

  it("sends loginHint, prompt, maxAge and acrValues to the provider and lands on returnTo", async () => {
    const location = await redirectOf(() =>
      login("default", {
        returnTo: "/after",
        loginHint: "alice@example.test",
        prompt: "login",
        maxAge: 0,
        acrValues: ["urn:example:mfa", "urn:example:pwd"],
      }),
    );
    expect(location.origin).toBe(idp.issuer);
    const p = location.searchParams;
    expect([p.get("login_hint"), p.get("prompt"), p.get("max_age"), p.get("acr_values")]).toEqual([
      "alice@example.test",
      "login",
      "0",
      "urn:example:mfa urn:example:pwd",
    ]);
    const transaction = await transactionOf();
    expect(transaction.returnTo).toBe("/after");
    expect(transaction.maxAge).toBe(0);
    expect(transaction.request).toEqual({
      prompt: "login",
      loginHint: "alice@example.test",
      maxAge: 0,
      acrValues: "urn:example:mfa urn:example:pwd",
    });
  });

  it("a string second argument stays returnTo; without returnTo in the options, the page it was called from", async () => {
    await redirectOf(() => login("default", "/reports/2"));
    expect((await transactionOf()).returnTo).toBe("/reports/2");
    request.written = [];
    await redirectOf(() => login("default", { maxAge: 60 }));
    expect((await transactionOf()).returnTo).toBe("/reports?q=1");
  });

  it("a wrong option throws INVALID_LOGIN_OPTION before anything is written or redirected", async () => {
    for (const options of [{ prompt: "none consent" }, { maxAge: -1 }, { login_hint: "x" }, { nonce: "n" }]) {
      const error = await login("default", options as LoginOptions).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(AuthFlowError);
      expect((error as AuthFlowError).code).toBe(AuthFlowErrorCode.INVALID_LOGIN_OPTION);
    }
    expect(request.written).toEqual([]);
  });

  it("a form's login_hint, prompt, max_age and acr_values fields reach the provider", async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries({
      returnTo: "/step-up",
      login_hint: "bob",
      prompt: "consent",
      max_age: "300",
      acr_values: "urn:a",
      state: "from-the-form",
      $ACTION_ID_0123: "",
    }))
      form.set(name, value);
    const p = (await redirectOf(() => login(form))).searchParams;
    expect([p.get("login_hint"), p.get("prompt"), p.get("max_age"), p.get("acr_values")]).toEqual([
      "bob",
      "consent",
      "300",
      "urn:a",
    ]);
    expect(p.get("state")).not.toBe("from-the-form");
    expect((await transactionOf()).returnTo).toBe("/step-up");
  });

  it("login.bind(null, provider) as a form action: the bound provider wins, the form's other fields are read", async () => {
    const form = new FormData();
    form.set("provider", "not-this-one");
    form.set("returnTo", "/bound");
    form.set("login_hint", "carol");
    const bound = login.bind(null, "default");
    const location = await redirectOf(() => bound(form));
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get("login_hint")).toBe("carol");
    const transaction = await transactionOf();
    expect([transaction.provider, transaction.returnTo]).toEqual(["default", "/bound"]);
  });

  it("a form with a wrong value goes to the login route, whose page names it (the browser sent it)", async () => {
    const form = new FormData();
    form.set("provider", "default");
    form.set("max_age", "soon");
    form.set("state", "dropped");
    const location = await redirectOf(() => login(form));
    expect(location.href).toBe(`${APP}/auth/login?provider=default&max_age=soon&returnTo=%2Freports%3Fq%3D1`);
    expect(request.written).toEqual([]);
  });

  it("keeps the options when it hands a provider that is down to the login route", async () => {
    process.env["AUTH_SECRETS"] = config(
      `[auth.down]\nclient_id = "x"\nclient_secret = "x"\nserver_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n`,
    );
    const location = await redirectOf(() => login("down", { returnTo: "/after", maxAge: 0, prompt: "login" }));
    expect(location.pathname).toBe("/auth/login");
    expect(Object.fromEntries(location.searchParams)).toEqual({
      provider: "down",
      returnTo: "/after",
      prompt: "login",
      max_age: "0",
    });
  });
});

describe("logout()", () => {
  it("deletes the identity cookies and, nobody being logged in at a provider, lands on the page it was called from", async () => {
    request.cookies = new Map([["auth_user", "garbage"]]);
    const location = await redirectOf(() => logout());
    expect(location.href).toBe(`${APP}/reports?q=1`);
    expect(request.written.map((w) => [w.name, w.options["maxAge"]])).toEqual([["auth_user", 0]]);
  });

  it("lands on a form's returnTo field, and never off the app (returnTo or Referer of another site)", async () => {
    const form = new FormData();
    form.set("returnTo", "/settings?tab=1");
    expect((await redirectOf(() => logout(form))).href).toBe(`${APP}/settings?tab=1`);
    form.set("returnTo", "//evil.example/x");
    expect((await redirectOf(() => logout(form))).href).toBe(`${APP}/`);
    request.headers = new Headers({ host: "localhost:3000", referer: "https://evil.example/phish" });
    expect((await redirectOf(() => logout())).href).toBe(`${APP}/`);
  });
});

/**
 * Next's redirect() adds the basePath to a path only when the action was called by the client router (fetch); a form
 * posted without JavaScript gets the path as it is in `Location`. So the actions hand it full URLs.
 */
describe("under a basePath, login() and logout() redirect to full URLs inside it", () => {
  beforeEach(() => {
    process.env["__NEXT_ROUTER_BASEPATH"] = "/docs";
    request.headers = new Headers({ host: "localhost:3000", origin: APP, referer: `${APP}/docs/reports` });
  });
  afterEach(() => {
    delete process.env["__NEXT_ROUTER_BASEPATH"];
  });

  it("login() hands a provider that is down to the login route inside the base path", async () => {
    process.env["AUTH_SECRETS"] = `[auth]
redirect_uri = "${APP}/docs/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "x"
client_secret = "x"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
`;
    const error = await login("default", "/after").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Redirect);
    expect((error as Redirect).location).toBe(`${APP}/docs/auth/login?provider=default&returnTo=%2Fafter`);
  });

  it("logout() lands on the page it was called from inside the base path, or on its home without a config", async () => {
    process.env["AUTH_SECRETS"] = config().replace(`${APP}/oauth2callback`, `${APP}/docs/oauth2callback`);
    expect(((await logout().catch((e: unknown) => e)) as Redirect).location).toBe(`${APP}/docs/reports`);
    process.env["AUTH_SECRETS"] = `[database]\nurl = "postgres://localhost/app"\n`;
    expect(((await logout().catch((e: unknown) => e)) as Redirect).location).toBe(`${APP}/docs/`);
  });
});

describe("getLoginProviders()", () => {
  it("lists the default provider first, then named and broken sections, but no stray plain value of [auth]", async () => {
    process.env["AUTH_SECRETS"] = config(
      `prompt = "consent"\n[auth.okta]\nclient_id = "x"\nclient_secret = "x"\nserver_metadata_url = "https://okta.example/.well-known/openid-configuration"\n[auth.broken]\nclient_id = "x"\n`,
    );
    expect(await getLoginProviders()).toEqual(["default", "okta", "broken"]);
    const error = await login("prompt").catch((e: unknown) => e);
    expect((error as AuthConfigError).code).toBe("WRONG_TYPE");
  });
});
