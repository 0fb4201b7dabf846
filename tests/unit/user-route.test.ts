import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { handleUser } from "@/lib/auth/routes/user";
import { testCookieHeader, testIdentityCookies } from "@/lib/auth/testing";

/** GET /auth/user, the JSON useUser() asks on static pages, called with real Requests. */

const APP = "http://localhost:3000";
const SECRET = "user-route-test-cookie-secret-0123456789-abc";
const config = (extra = "") => `
[auth]
redirect_uri = "${APP}/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "user-route-app"
client_secret = "user-route-app-secret-0123456789"
server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"
${extra}`;

/** What useUser() sends: a same-origin fetch with the x-auth-user header. */
const fromApp = (cookie?: string, headers: Record<string, string> = {}) =>
  new Request(`${APP}/auth/user`, {
    headers: { "sec-fetch-site": "same-origin", "x-auth-user": "1", ...(cookie ? { cookie } : {}), ...headers },
  });

const mint = async (claims: { sub: string } & Record<string, unknown>, secret = SECRET) =>
  testCookieHeader(
    await testIdentityCookies(claims, { cookieSecret: secret, url: APP, tokens: { id: "raw.id.token", access: "at" } }),
  );

/** The cookie header with one character of the sealed value changed. */
function tamper(header: string): string {
  const at = header.length - 20;
  return header.slice(0, at) + (header[at] === "A" ? "B" : "A") + header.slice(at + 1);
}

let emptyDir: string;
beforeEach(() => {
  process.env["AUTH_SECRETS"] = config();
  emptyDir = mkdtempSync(path.join(os.tmpdir(), "auth-user-route-"));
  vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  delete process.env["AUTH_SECRETS"];
  vi.restoreAllMocks();
  rmSync(emptyDir, { recursive: true, force: true });
});

function expectPrivateJson(response: Response) {
  expect(response.headers.get("cache-control")).toBe("private, no-store");
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  expect([...response.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
  expect(response.headers.get("set-cookie")).toBeNull();
}

describe("GET /auth/user", () => {
  it("answers the logged-in user's plain claims, never the tokens, even with expose_tokens", async () => {
    process.env["AUTH_SECRETS"] = config('expose_tokens = ["id", "access"]');
    const response = await handleUser(fromApp(await mint({ sub: "ada", email: "ada@example.test" })));
    expect(response.status).toBe(200);
    expectPrivateJson(response);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      is_logged_in: true,
      sub: "ada",
      email: "ada@example.test",
      provider: "default",
    });
    expect(text).not.toContain("raw.id.token");
    expect(text).not.toContain("tokens");
  });

  it("answers is_logged_in false without a cookie", async () => {
    const response = await handleUser(fromApp());
    expect(response.status).toBe(200);
    expectPrivateJson(response);
    expect(await response.json()).toEqual({ is_logged_in: false });
  });

  it.each([
    ["a tampered cookie", async () => tamper(await mint({ sub: "eve" }))],
    ["a cookie sealed with another secret", () => mint({ sub: "eve" }, "another-secret-0123456789-0123456789-abc")],
    ["garbage", async () => "auth_user=%%%not-a-seal%%%; auth_user.1=\u00ff"],
  ])("answers is_logged_in false, not an error, for %s", async (_, cookie) => {
    const response = await handleUser(fromApp(await cookie()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ is_logged_in: false });
  });

  it("answers {} when auth is not configured, as getUser() does", async () => {
    delete process.env["AUTH_SECRETS"];
    vi.spyOn(process, "cwd").mockReturnValue(emptyDir);
    const response = await handleUser(fromApp(await mint({ sub: "ada" })));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  it("answers is_logged_in false when the config is broken", async () => {
    process.env["AUTH_SECRETS"] = '[auth]\nredirect_uri = "http://localhost:3000/cb"\n';
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await handleUser(fromApp(await mint({ sub: "ada" })));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ is_logged_in: false });
  });

  it.each([
    ["a cross-site request", { "sec-fetch-site": "cross-site" }],
    ["a same-site request from another origin", { "sec-fetch-site": "same-site" }],
    ["a typed URL or bookmark (no x-auth-user)", { "sec-fetch-site": "none", "x-auth-user": "" }],
    ["a request without the x-auth-user header", { "x-auth-user": "" }],
    ["another value of the header", { "x-auth-user": "yes" }],
  ])("refuses %s with the same 403 whoever is logged in", async (_, headers) => {
    const loggedIn = await handleUser(fromApp(await mint({ sub: "ada" }), headers));
    const anonymous = await handleUser(fromApp(undefined, headers));
    expect(loggedIn.status).toBe(403);
    expectPrivateJson(loggedIn);
    const body = await loggedIn.text();
    expect(body).not.toContain("ada");
    expect(JSON.parse(body)).toMatchObject({ error: "NOT_SAME_ORIGIN" });
    expect(await anonymous.text()).toBe(body);
  });

  it("answers a client that sends no Sec-Fetch-Site (curl, older browsers) when it sends the header", async () => {
    const response = await handleUser(
      new Request(`${APP}/auth/user`, { headers: { "x-auth-user": "1", cookie: await mint({ sub: "cli" }) } }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ is_logged_in: true, sub: "cli" });
  });
});
