import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testCookieHeader, testIdentityCookies } from "@/lib/auth/testing";

// Next's server installs this global before any request scope is created; so does this test.
globalThis.AsyncLocalStorage = AsyncLocalStorage;
const { workAsyncStorage } = await import("next/dist/server/app-render/work-async-storage.external.js");
const { workUnitAsyncStorage } = await import("next/dist/server/app-render/work-unit-async-storage.external.js");
const { actionAsyncStorage } = await import("next/dist/server/app-render/action-async-storage.external.js");
const { createRequestStoreForAPI, createRequestStoreForRender } =
  await import("next/dist/server/async-storage/request-store.js");
const { isRedirectError } = await import("next/dist/client/components/redirect-error.js");
const { getURLFromRedirectError } = await import("next/dist/client/components/redirect.js");
const { getAccessFallbackHTTPStatus, isHTTPAccessFallbackError } =
  await import("next/dist/client/components/http-access-fallback/http-access-fallback.js");
const { unauthorized } = await import("next/dist/client/components/unauthorized.js");
const { requireUser } = await import("@/lib/auth/server/require-user");
const { AuthorizationError } = await import("@/lib/auth/server/authorization-error");
const { callContext } = await import("@/lib/auth/server/call-context");

/**
 * requireUser() in each place Next runs server code, inside Next's own request scopes (built by Next's own store
 * factories) with Next's real headers(), cookies(), redirect(), unauthorized() and forbidden(): only the server around
 * them is missing. The config and the sealed cookies are real.
 */

const APP = "http://localhost:3000";
const SECRET = "require-user-cookie-secret-0123456789-abcd";
const TOML = `
[auth]
redirect_uri = "${APP}/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "app"
client_secret = "secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"

[auth.okta]
client_id = "okta-app"
client_secret = "secret"
server_metadata_url = "http://127.0.0.1:8/.well-known/openid-configuration"
`;

interface Claims {
  sub: string;
  groups?: string[];
  auth_time?: number;
}
type Place = "page" | "action" | "route";
type Outcome =
  | { kind: "user"; sub: unknown }
  | { kind: "redirect"; location: URL }
  | { kind: "status"; status: number }
  | { kind: "error"; error: unknown };

const admins = (user: { groups?: string[] }) => user.groups?.includes("admins") === true;
const now = () => Math.floor(Date.now() / 1000);

async function cookieFor(claims: Claims & { provider?: string }): Promise<string> {
  const { provider, ...rest } = claims;
  return testCookieHeader(await testIdentityCookies<Claims>(rest, { cookieSecret: SECRET, url: APP, provider }));
}

/** Runs `fn` as Next runs a page render, a server action's body or a route handler for a request to `path`. */
function runIn<T>(place: Place, path: string, headers: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const url = new URL(path, APP);
  const request = { headers };
  const workStore = { route: url.pathname, forceStatic: false, dynamicShouldError: false, isStaticGeneration: false };
  const store =
    place === "route"
      ? createRequestStoreForAPI(
          request as never,
          url as never,
          undefined as never,
          undefined,
          undefined as never,
          undefined,
        )
      : createRequestStoreForRender(
          request as never,
          undefined,
          { pathname: url.pathname, search: url.search } as never,
          {},
          undefined as never,
          undefined,
          undefined as never,
          false,
          undefined,
          null,
          null,
          undefined,
        );
  // A server action's body runs in the page's request store switched to its "action" phase (action-handler.js).
  if (place === "action") (store as { phase: string }).phase = "action";
  const actionStore =
    place === "route" ? { isAppRoute: true, isAction: false } : place === "action" ? { isAction: true } : undefined;
  const scoped = () => workAsyncStorage.run(workStore as never, () => workUnitAsyncStorage.run(store, fn));
  return actionStore ? actionAsyncStorage.run(actionStore, scoped) : scoped();
}

async function outcome(
  place: Place,
  options: Parameters<typeof requireUser<Claims>>[0],
  { cookie, path = "/admin?tab=1", referer }: { cookie?: string; path?: string; referer?: string } = {},
): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (cookie) headers["cookie"] = cookie;
  if (referer) headers["referer"] = referer;
  try {
    const user = await runIn(place, path, headers, () => requireUser<Claims>(options));
    return { kind: "user", sub: user.sub };
  } catch (error) {
    if (isRedirectError(error)) return { kind: "redirect", location: new URL(getURLFromRedirectError(error)) };
    if (isHTTPAccessFallbackError(error)) return { kind: "status", status: getAccessFallbackHTTPStatus(error) };
    return { kind: "error", error };
  }
}

let savedSecrets: string | undefined;
let savedFlag: string | undefined;
beforeEach(() => {
  savedSecrets = process.env["AUTH_SECRETS"];
  savedFlag = process.env["__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS"];
  process.env["AUTH_SECRETS"] = TOML;
  // What `experimental.authInterrupts: true` compiles into the app's server bundle.
  process.env["__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS"] = "true";
});
afterEach(() => {
  for (const [key, value] of [
    ["AUTH_SECRETS", savedSecrets],
    ["__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS", savedFlag],
    ["__NEXT_ROUTER_BASEPATH", undefined],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("requireUser() in a page or layout", () => {
  it("returns the logged-in user with the app's claims", async () => {
    const cookie = await cookieFor({ sub: "ada", groups: ["admins"] });
    expect(await outcome("page", { allow: admins }, { cookie })).toEqual({ kind: "user", sub: "ada" });
  });

  it("sends an anonymous visitor to log in and back to this page (its path and query)", async () => {
    const result = await outcome("page", {}, { path: "/admin?tab=1&_rsc=abc" });
    if (result.kind !== "redirect") throw new Error(`expected a redirect, got ${JSON.stringify(result)}`);
    expect(result.location.origin).toBe(APP);
    expect(result.location.pathname).toBe("/auth/login");
    expect([...result.location.searchParams]).toEqual([["returnTo", "/admin?tab=1"]]);
  });

  it("logs in with the provider asked for, to the returnTo asked for, inside the basePath", async () => {
    process.env["__NEXT_ROUTER_BASEPATH"] = "/docs";
    process.env["AUTH_SECRETS"] = TOML.replace(`${APP}/oauth2callback`, `${APP}/docs/oauth2callback`);
    const result = await outcome("page", { provider: "okta", returnTo: "/reports" });
    if (result.kind !== "redirect") throw new Error(`expected a redirect, got ${JSON.stringify(result)}`);
    expect(result.location.pathname).toBe("/docs/auth/login");
    expect(Object.fromEntries(result.location.searchParams)).toEqual({ provider: "okta", returnTo: "/reports" });
  });

  it("never sends the user back to another site", async () => {
    const result = await outcome("page", { returnTo: "https://evil.example/x" });
    expect(result.kind === "redirect" && result.location.searchParams.get("returnTo")).toBe("/");
  });

  it("answers 403 (Next's forbidden(), the app's forbidden.tsx) to a logged-in user that allow refuses", async () => {
    const cookie = await cookieFor({ sub: "bob", groups: ["staff"] });
    expect(await outcome("page", { allow: admins }, { cookie })).toEqual({ kind: "status", status: 403 });
  });

  it("sends a login older than maxAge, or one without auth_time, to log in again with max_age (same provider)", async () => {
    const old = await cookieFor({ sub: "ada", auth_time: now() - 600, provider: "okta" });
    const missing = await cookieFor({ sub: "ada" });
    const fresh = await cookieFor({ sub: "ada", auth_time: now() - 30 });
    for (const cookie of [old, missing]) {
      const result = await outcome("page", { maxAge: 300 }, { cookie });
      if (result.kind !== "redirect") throw new Error(`expected a redirect, got ${JSON.stringify(result)}`);
      expect(result.location.searchParams.get("max_age")).toBe("300");
      expect(result.location.searchParams.get("returnTo")).toBe("/admin?tab=1");
      expect(result.location.searchParams.get("prompt")).toBeNull();
    }
    const oldResult = await outcome("page", { maxAge: 300 }, { cookie: old });
    expect(oldResult.kind === "redirect" && oldResult.location.searchParams.get("provider")).toBe("okta");
    expect(await outcome("page", { maxAge: 300 }, { cookie: fresh })).toEqual({ kind: "user", sub: "ada" });
  });

  it("checks the login's age before allow: a fresh login may bring new groups", async () => {
    const cookie = await cookieFor({ sub: "bob", auth_time: now() - 600 });
    expect((await outcome("page", { maxAge: 60, allow: admins }, { cookie })).kind).toBe("redirect");
  });

  it("at build time (a prerender without a config) leaves the page dynamic before it reads the config", async () => {
    delete process.env["AUTH_SECRETS"];
    const { isDynamicServerError } = await import("next/dist/client/components/hooks-server-context.js");
    const workStore = { route: "/account", forceStatic: false, dynamicShouldError: false, isStaticGeneration: true };
    const prerender = { type: "prerender-legacy", phase: "render", revalidate: 1, tags: [] };
    const error = await workAsyncStorage
      .run(workStore as never, () => workUnitAsyncStorage.run(prerender as never, () => requireUser({ maxAge: 60 })))
      .catch((e: unknown) => e);
    expect(isDynamicServerError(error)).toBe(true);
  });

  it("refuses a maxAge that is not a whole number of seconds", async () => {
    const result = await outcome("page", { maxAge: -1 });
    expect(result.kind === "error" && result.error).toMatchObject({ code: "INVALID_LOGIN_OPTION" });
    expect(result.kind === "error" && String(result.error)).toMatch(
      /requireUser\(\): maxAge \(max_age\) -1 is invalid/,
    );
  });

  it("without experimental.authInterrupts, still redirects anonymous visitors and throws a typed FORBIDDEN error", async () => {
    delete process.env["__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS"];
    expect((await outcome("page", {})).kind).toBe("redirect");
    const result = await outcome("page", { allow: admins }, { cookie: await cookieFor({ sub: "bob" }) });
    if (result.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(result)}`);
    expect(result.error).toBeInstanceOf(AuthorizationError);
    expect(result.error).toMatchObject({ code: "FORBIDDEN", status: 403 });
    expect(String(result.error)).toMatch(/experimental\.authInterrupts/);
  });
});

describe("requireUser() in a server action", () => {
  it("answers 401 to an anonymous caller and to a login older than maxAge (never a redirect)", async () => {
    expect(await outcome("action", {})).toEqual({ kind: "status", status: 401 });
    const cookie = await cookieFor({ sub: "ada", auth_time: now() - 600 });
    expect(await outcome("action", { maxAge: 60 }, { cookie })).toEqual({ kind: "status", status: 401 });
  });

  it("answers 403 to a refused user and returns an allowed one", async () => {
    expect(await outcome("action", { allow: admins }, { cookie: await cookieFor({ sub: "bob" }) })).toEqual({
      kind: "status",
      status: 403,
    });
    const admin = await cookieFor({ sub: "ada", groups: ["admins"] });
    expect(await outcome("action", { allow: admins }, { cookie: admin })).toEqual({ kind: "user", sub: "ada" });
  });

  it("without experimental.authInterrupts, sends an anonymous caller to log in and back to the calling page", async () => {
    delete process.env["__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS"];
    const result = await outcome("action", {}, { referer: `${APP}/admin/users?x=1` });
    expect(result.kind === "redirect" && result.location.searchParams.get("returnTo")).toBe("/admin/users?x=1");
    const refused = await outcome("action", { allow: admins }, { cookie: await cookieFor({ sub: "bob" }) });
    expect(refused.kind === "error" && refused.error).toBeInstanceOf(AuthorizationError);
  });
});

describe("requireUser() in a route handler", () => {
  it("answers 401 to anonymous requests and too-old logins, 403 to refused users, with or without the flag", async () => {
    const bob = await cookieFor({ sub: "bob", auth_time: now() - 600 });
    for (const flag of ["true", undefined]) {
      if (flag === undefined) delete process.env["__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS"];
      expect(await outcome("route", {}), `flag ${flag}`).toEqual({ kind: "status", status: 401 });
      expect(await outcome("route", { maxAge: 60 }, { cookie: bob })).toEqual({ kind: "status", status: 401 });
      expect(await outcome("route", { allow: admins }, { cookie: bob })).toEqual({ kind: "status", status: 403 });
      expect(await outcome("route", {}, { cookie: bob })).toEqual({ kind: "user", sub: "bob" });
    }
  });
});

describe("the Next internals requireUser() reads (an upgrade that changes them fails here)", () => {
  const next = (file: string) => readFileSync(createRequire(import.meta.url).resolve(`next/dist/${file}`), "utf8");

  it("tells the three places apart from Next's own stores", async () => {
    expect(await runIn("page", "/a", {}, async () => callContext())).toBe("page");
    expect(await runIn("action", "/a", {}, async () => callContext())).toBe("action");
    expect(await runIn("route", "/a", {}, async () => callContext())).toBe("route");
    expect(callContext()).toBe("page");
  });

  it("Next marks route handlers isAppRoute and runs an action's body in the 'action' phase, then renders in 'render'", () => {
    expect(next("server/route-modules/app-route/module.js")).toMatch(/isAppRoute: true/);
    const actions = next("server/app-render/action-handler.js");
    expect(actions).toMatch(/actionAsyncStorage\.run\(\{\s*isAction: true/);
    expect(actions).toMatch(/requestStore\.phase = 'action'/);
    expect(actions).toMatch(/requestStore\.phase = 'render'/);
  });

  it("Next's unauthorized() throws the error a route handler's 401 is made of, and only with the flag", () => {
    const thrown = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        return error as { digest?: string };
      }
      throw new Error("did not throw");
    };
    expect(thrown(unauthorized).digest).toBe("NEXT_HTTP_ERROR_FALLBACK;401");
    delete process.env["__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS"];
    expect(thrown(unauthorized).digest).toBeUndefined();
    expect(next("server/route-modules/app-route/module.js")).toMatch(
      /isHTTPAccessFallbackError\)\(err\)\) \{\s*const httpStatus = \(0, _httpaccessfallback\.getAccessFallbackHTTPStatus\)\(err\);\s*return new Response\(null, \{\s*status: httpStatus/,
    );
  });
});
