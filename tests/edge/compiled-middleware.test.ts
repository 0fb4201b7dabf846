import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { publishHandoff } from "@/lib/auth/config/handoff";
import { registerAuth } from "@/lib/auth/instrumentation";
import { ARRIVAL_PARAM, verifyArrival } from "@/lib/auth/routes/arrival";
import { testCookieHeader, testIdentityCookies } from "@/lib/auth/testing";
import {
  DIST_DIR,
  EDGE_NODE_MODULES,
  loadEdgeMiddleware,
  readMiddlewareEntry,
  type EdgeMiddleware,
} from "./edge-sandbox";

/**
 * The built middleware (`.next/`, from `npm run test:e2e`'s `next build`) run in Vercel's edge runtime with its
 * configuration from environment variables only: the proof that it needs no file, no Node API beyond the edge's and
 * nothing compiled in.
 */

const TOML = readFileSync(join(process.cwd(), "tests/e2e/secrets.e2e.toml"), "utf8");
const ORIGIN = "http://localhost:3100";
const COOKIE_SECRET = (() => {
  const auth = parse(TOML)["auth"] as Record<string, unknown>;
  const secret = auth["cookie_secret"];
  if (typeof secret !== "string") throw new Error("tests/e2e/secrets.e2e.toml has no cookie_secret string");
  return secret;
})();

/** Every cookie_secret and client_secret string in the TOML, at any depth. */
function secretValues(value: unknown, key = ""): string[] {
  if (typeof value === "string") return key === "cookie_secret" || key === "client_secret" ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => secretValues(item, key));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => secretValues(v, k));
  return [];
}

async function loggedInCookie(secret = COOKIE_SECRET): Promise<string> {
  return testCookieHeader(
    await testIdentityCookies({ sub: "ada", email: "ada@example.com" }, { cookieSecret: secret, url: ORIGIN }),
  );
}

/** The same cookie with one character of its seal changed. */
function tampered(header: string): string {
  const eq = header.indexOf("=");
  let i = eq + Math.floor((header.length - eq) / 2);
  while (!/[A-Za-z0-9]/.test(header[i] ?? "")) i += 1;
  return header.slice(0, i) + (header[i] === "A" ? "B" : "A") + header.slice(i + 1);
}

// Next's adapter makes a same-origin redirect relative, as the server sends it.
const LOGIN_FOR_PROTECTED = "/auth/login?returnTo=%2Fprotected";

describe("compiled middleware in @edge-runtime/vm, configured by AUTH_SECRETS only", () => {
  let edge: EdgeMiddleware;
  beforeAll(async () => {
    edge = await loadEdgeMiddleware({ AUTH_SECRETS: TOML }, ORIGIN);
  });

  it("runs without Node APIs beyond the edge runtime's, and sees no variable of this process", async () => {
    // A runtime of its own, so that the probe's require() calls are not counted as the bundle's.
    const { vm } = await loadEdgeMiddleware({ AUTH_SECRETS: TOML }, ORIGIN);
    const probe = vm.evaluate<Record<string, unknown>>(`({
      envKeys: Object.keys(process.env),
      processKeys: Object.keys(process),
      buffer: typeof Buffer,
      setImmediate: typeof setImmediate,
      dirname: typeof __dirname,
      module: typeof module,
      fs: (() => { try { require("node:fs"); return "loaded"; } catch (e) { return e.message; } })(),
      childProcess: (() => { try { require("child_process"); return "loaded"; } catch (e) { return e.message; } })(),
      evalAllowed: (() => { try { return eval("1") === 1; } catch { return false; } })(),
      edgeRuntime: typeof EdgeRuntime,
    })`);
    expect(probe).toEqual({
      envKeys: ["AUTH_SECRETS"],
      processKeys: ["env"],
      buffer: "undefined",
      setImmediate: "undefined",
      dirname: "undefined",
      module: "undefined",
      fs: "Native module not found: node:fs",
      childProcess: "Native module not found: child_process",
      evalAllowed: false,
      edgeRuntime: "string",
    });
  });

  it("sends an anonymous visitor of a protected path to the login, with the path to return to", async () => {
    const answer = await edge.call({ path: "/protected" });
    expect(answer.status).toBe(307);
    expect(answer.headers.get("location")).toBe(LOGIN_FOR_PROTECTED);
    expect(answer.headers.get("x-middleware-next")).toBeNull();

    const deep = await edge.call({ path: "/protected/page?tab=2" });
    expect(deep.status).toBe(307);
    expect(deep.headers.get("location")).toBe("/auth/login?returnTo=%2Fprotected%2Fpage%3Ftab%3D2");
  });

  it("lets a visitor with an identity cookie minted for the same cookie_secret through", async () => {
    const answer = await edge.call({ path: "/protected", headers: { cookie: await loggedInCookie() } });
    expect(answer.headers.get("x-middleware-next")).toBe("1");
    expect(answer.headers.get("location")).toBeNull();
    expect(answer.headers.get("set-cookie")).toBeNull();
  });

  it("treats a tampered cookie, or one sealed with another secret, as logged out", async () => {
    const valid = await loggedInCookie();
    const changed = tampered(valid);
    expect(changed).not.toBe(valid);
    for (const cookie of [changed, await loggedInCookie("another-cookie-secret-0123456789-abcdefghij")]) {
      const answer = await edge.call({ path: "/protected", headers: { cookie } });
      expect(answer.status).toBe(307);
      expect(answer.headers.get("location")).toBe(LOGIN_FOR_PROTECTED);
    }
  });

  it("lets anyone through on a path that is not protected", async () => {
    for (const path of ["/", "/protectedness", "/auth/login?returnTo=%2Fprotected"]) {
      const answer = await edge.call({ path });
      expect(answer.headers.get("x-middleware-next"), path).toBe("1");
      expect(answer.headers.get("location"), path).toBeNull();
    }
  });

  it("routes the callback path of redirect_uri, which it knows from AUTH_SECRETS alone, to the callback handler", async () => {
    const answer = await edge.call({ path: "/oauth2callback?code=c&state=s" });
    const target = new URL(answer.headers.get("x-middleware-rewrite") ?? "missing:");
    expect(target.origin + target.pathname).toBe(`${ORIGIN}/auth/callback`);
    expect(target.searchParams.get("code")).toBe("c");
    // The arrival path, MACed with the cookie_secret from AUTH_SECRETS, for the callback's mix-up check.
    expect(await verifyArrival(target.searchParams.get(ARRIVAL_PARAM), "s", [COOKIE_SECRET])).toBe("/oauth2callback");
  });

  it("has no secret of the config in the evaluated files or in the manifest's env", () => {
    const secrets = secretValues(parse(TOML));
    expect(secrets).toContain(COOKIE_SECRET);
    expect(secrets.length).toBeGreaterThan(1);
    const entry = readMiddlewareEntry();
    const texts = [
      ...entry.files.map((file) => ({ file, text: readFileSync(join(DIST_DIR, file), "utf8") })),
      {
        file: "server/middleware-manifest.json",
        text: readFileSync(join(DIST_DIR, "server/middleware-manifest.json"), "utf8"),
      },
    ];
    for (const { file, text } of texts) {
      for (const secret of secrets) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });

  it("names neither CompressionStream nor DecompressionStream (Next refuses them): it inflates identities in plain code", () => {
    const entry = readMiddlewareEntry();
    for (const file of entry.files) {
      const text = readFileSync(join(DIST_DIR, file), "utf8");
      expect(text.match(/\b(?:De)?[Cc]ompressionStream\b/g), file).toBeNull();
    }
  });

  it("lets a user with a compressed identity (300 groups) through a protected path", async () => {
    const groups = Array.from({ length: 300 }, (_, i) => `engineering-platform-group-${String(i).padStart(3, "0")}`);
    const cookies = await testIdentityCookies({ sub: "ada", groups }, { cookieSecret: COOKIE_SECRET, url: ORIGIN });
    // Sealing only ever adds to the JSON's size: a cookie shorter than the claims is a compressed one.
    expect(cookies.map((c) => c.value).join("").length).toBeLessThan(JSON.stringify(groups).length);
    const answer = await edge.call({ path: "/protected", headers: { cookie: testCookieHeader(cookies) } });
    expect(answer.headers.get("x-middleware-next")).toBe("1");
  });

  it("asked for no Node module but those the edge runtime offers while loading and answering", () => {
    // Next's own compiled code imports node:buffer; the library itself uses Web APIs only.
    for (const id of edge.required) expect(EDGE_NODE_MODULES).toContain(id);
  });
});

describe("compiled middleware in @edge-runtime/vm, configured by the server's handoff (instrumentation.ts) only", () => {
  afterEach(() => {
    publishHandoff(undefined);
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("Next's sandbox still gives the middleware the server's performance object, which carries the handoff", () => {
    const sandbox = readFileSync(join(process.cwd(), "node_modules/next/dist/server/web/sandbox/context.js"), "utf8");
    expect(sandbox).toContain("context.performance = performance;");
  });

  it("checks the cookie and routes the callback with the config registerAuth() handed over, with no environment", async () => {
    vi.stubEnv("AUTH_SECRETS", "");
    vi.stubEnv("AUTH_SECRETS_FILE", join(process.cwd(), "tests/e2e/secrets.e2e.toml"));
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    registerAuth();
    const edge = await loadEdgeMiddleware({}, ORIGIN, { shareServerPerformance: true });
    expect(
      (await edge.call({ path: "/protected", headers: { cookie: await loggedInCookie() } })).headers.get(
        "x-middleware-next",
      ),
    ).toBe("1");
    expect(
      (await edge.call({ path: "/protected", headers: { cookie: tampered(await loggedInCookie()) } })).status,
    ).toBe(307);
    const callback = await edge.call({ path: "/oauth2callback?code=c&state=s" });
    expect(new URL(callback.headers.get("x-middleware-rewrite")!).pathname).toBe("/auth/callback");
    // What the middleware's realm can read holds no client secret.
    const handed = String(
      edge.vm.evaluate(`JSON.stringify(performance[Symbol.for("streamlit-auth-nextjs.edge-config")])`),
    );
    expect(handed).toContain(COOKIE_SECRET);
    for (const secret of secretValues(parse(TOML)).filter((s) => s !== COOKIE_SECRET))
      expect(handed).not.toContain(secret);
  });
});

describe("compiled middleware in @edge-runtime/vm without any config", () => {
  it("still answers: protected paths go to the login (which explains the missing config), others pass", async () => {
    const edge = await loadEdgeMiddleware({}, ORIGIN);
    const protectedAnswer = await edge.call({ path: "/protected", headers: { cookie: await loggedInCookie() } });
    expect(protectedAnswer.status).toBe(307);
    expect(protectedAnswer.headers.get("location")).toBe(LOGIN_FOR_PROTECTED);
    for (const path of ["/", "/oauth2callback?code=c&state=s"]) {
      const answer = await edge.call({ path });
      expect(answer.headers.get("x-middleware-next"), path).toBe("1");
      expect(answer.headers.get("x-middleware-rewrite"), path).toBeNull();
    }
  });
});
