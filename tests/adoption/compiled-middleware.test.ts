import { readFileSync } from "node:fs";
import path from "node:path";
import { testCookieHeader, testIdentityCookies } from "streamlit-auth-nextjs/testing";
import { describe, expect, it } from "vitest";
import { loadEdgeMiddleware } from "../edge/edge-sandbox";
import { ADOPTION_APP_ORIGIN, ADOPTION_COOKIE_SECRET } from "./env.mjs";

/**
 * The middleware.ts `npx streamlit-auth-nextjs init --edge` wrote, compiled by the adoption app's `next build` from the
 * installed tarball, run in Vercel's edge runtime with its config from `AUTH_SECRETS` alone. tests/adoption/run.mjs
 * runs it for the Node.js 22 app, the one that adopts the edge gate (the Node.js 20 one adopts init's default, proxy.ts).
 */
const appDir = process.env["ADOPTION_APP_DIR"];
if (!appDir) throw new Error("ADOPTION_APP_DIR is not set: run `npm run test:adoption`, which builds the app.");
const distDir = path.join(appDir, ".next");
const AUTH_SECRETS = readFileSync(path.join(appDir, "secrets.toml"), "utf8");

describe("the adoption app's middleware, compiled from the installed package, in @edge-runtime/vm", () => {
  it("was compiled from the package in the app's node_modules", () => {
    const manifest = JSON.parse(
      readFileSync(path.join(appDir, "node_modules/streamlit-auth-nextjs/package.json"), "utf8"),
    );
    expect(manifest.name).toBe("streamlit-auth-nextjs");
    expect(readFileSync(path.join(appDir, "middleware.ts"), "utf8")).toContain(
      'import { authMiddleware } from "streamlit-auth-nextjs/middleware";',
    );
  });

  it("sends an anonymous visitor of the path given to --protect to log in, and lets a logged-in one through", async () => {
    const edge = await loadEdgeMiddleware({ AUTH_SECRETS }, ADOPTION_APP_ORIGIN, { distDir });
    const anonymous = await edge.call({ path: "/private" });
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.get("location")).toBe("/auth/login?returnTo=%2Fprivate");
    const cookie = testCookieHeader(
      await testIdentityCookies({ sub: "ada" }, { cookieSecret: ADOPTION_COOKIE_SECRET, url: ADOPTION_APP_ORIGIN }),
    );
    const loggedIn = await edge.call({ path: "/private", headers: { cookie } });
    expect(loggedIn.headers.get("x-middleware-next")).toBe("1");
    // Node's modules beyond the edge's are never asked for.
    expect(edge.required.filter((id) => !/^node:(buffer|events|async_hooks|assert|util)$/.test(id))).toEqual([]);
  });

  it("routes the provider's return to redirect_uri's path to the callback route", async () => {
    const edge = await loadEdgeMiddleware({ AUTH_SECRETS }, ADOPTION_APP_ORIGIN, { distDir });
    const answer = await edge.call({ path: "/oauth2callback?code=c&state=s" });
    const target = new URL(answer.headers.get("x-middleware-rewrite") ?? "missing:");
    expect(target.pathname).toBe("/auth/callback");
  });
});
