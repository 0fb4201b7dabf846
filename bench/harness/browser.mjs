// @ts-check
/**
 * With headless Chromium: the client JavaScript useUser() and <AuthProvider> add, the requests they make on first
 * render (a page rendered per request, and a static page), and logins through the local OpenID Provider.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { CLIENT, COOKIE_SECRET, SUB, configToml } from "./e2e.mjs";
import { check, round } from "./measure.mjs";
import { APPS, ROOT } from "./paths.mjs";
import { freePort, startApp } from "./process.mjs";

const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

async function launchChromium() {
  const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (set CHROMIUM_PATH, or apt-get install chromium)`);
  const { chromium } = await import("@playwright/test");
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

/**
 * Loads a page and returns the scripts it loaded (with their gzip size from the build output) and every other request.
 * With `user`, waits until the client component shows that user.
 * @param {import("@playwright/test").Browser} browser @param {string} app @param {string} url
 * @param {{ cookie?: string, user?: string }} [options]
 */
async function pageLoad(browser, app, url, { cookie, user } = {}) {
  const context = await browser.newContext();
  if (cookie) {
    const eq = cookie.indexOf("=");
    await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: new URL(url).origin }]);
  }
  const page = await context.newPage();
  /** @type {string[]} */
  const requests = [];
  page.on("request", (request) => requests.push(`${request.resourceType()} ${request.method()} ${request.url()}`));
  await page.goto(url, { waitUntil: "load" });
  const shown = page.getByTestId("client-user");
  if (user) await shown.filter({ hasText: `"sub":"${user}"` }).waitFor({ timeout: 15_000 });
  await page.waitForLoadState("networkidle");
  // A request sent late (after idle) would still count: give it a moment to show up.
  await delay(500);
  const clientUser = (await shown.textContent()) ?? "";
  await context.close();
  const scripts = requests.filter((r) => r.startsWith("script ")).map((r) => new URL(r.split(" ")[2] ?? "").pathname);
  let gzip = 0;
  let bytes = 0;
  for (const script of scripts) {
    if (!script.startsWith("/_next/static/")) throw new Error(`${app}: unexpected script ${script}`);
    const file = readFileSync(path.join(APPS, app, ".next/static", script.slice("/_next/static/".length)));
    bytes += file.length;
    gzip += gzipSync(file).length;
  }
  // Everything but the document itself and the build's static files (and the browser's own favicon probe).
  const pathname = new URL(url).pathname;
  const others = requests.filter((r) => {
    const u = new URL(r.split(" ")[2] ?? "");
    return !(r.startsWith("document ") && u.pathname === pathname) && !u.pathname.startsWith("/_next/static/") && u.pathname !== "/favicon.ico";
  });
  return { scripts, gzip, bytes, others, clientUser };
}

/** @param {any} mint */
export async function client(mint) {
  const browser = await launchChromium();
  try {
    const base = await startApp("plain", () => ({}));
    let baseLoad;
    try {
      baseLoad = await pageLoad(browser, "plain", `${base.origin}/client`);
    } finally {
      await base.stop();
    }
    const app = await startApp("readme", (port) => ({ AUTH_SECRETS: configToml(`http://127.0.0.1:${port}`) }));
    let dynamicLoad;
    let staticLoad;
    try {
      const cookie = await mint.oursCookie(COOKIE_SECRET, app.origin, SUB);
      dynamicLoad = await pageLoad(browser, "readme", `${app.origin}/client`, { cookie, user: SUB });
      staticLoad = await pageLoad(browser, "readme", `${app.origin}/client/static`, { cookie, user: SUB });
    } finally {
      await app.stop();
    }
    for (const [name, loaded] of /** @type {const} */ ([
      ["/client", dynamicLoad],
      ["/client/static", staticLoad],
    ])) {
      check(loaded.clientUser.includes(`"sub":"${SUB}"`) && loaded.clientUser.includes('"is_logged_in":true'), `useUser() on ${name}: the logged-in user`);
    }
    return {
      client_user_js_gzip_bytes: dynamicLoad.gzip - baseLoad.gzip,
      client_user_js_bytes: dynamicLoad.bytes - baseLoad.bytes,
      first_render_requests: dynamicLoad.others.length,
      static_page_user_requests: staticLoad.others.length,
      detail: {
        base: baseLoad,
        dynamic_page: dynamicLoad,
        static_page: staticLoad,
        scripts_only_with_plugin: dynamicLoad.scripts.filter((s) => !baseLoad.scripts.includes(s)),
      },
    };
  } finally {
    await browser.close();
  }
}

/** @param {number} count @param {number} deadline */
export async function logins(count, deadline) {
  const { startLocalIdp } = await import(pathToFileURL(path.join(ROOT, "scripts/local-idp.mjs")).href);
  const appPort = await freePort();
  const appOrigin = `http://localhost:${appPort}`;
  const idp = await startLocalIdp({ port: await freePort(), quiet: true, clients: [{ ...CLIENT, redirect_uris: [`${appOrigin}/oauth2callback`] }] });
  const browser = await launchChromium();
  /** @type {Awaited<ReturnType<typeof startApp>> | undefined} */
  let app;
  try {
    const metadata = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
    const backChannel = new Set(
      [metadata.token_endpoint, metadata.jwks_uri, metadata.userinfo_endpoint, `${idp.issuer}/.well-known/openid-configuration`, metadata.introspection_endpoint, metadata.revocation_endpoint]
        .filter((u) => typeof u === "string")
        .map((u) => new URL(u).pathname),
    );
    app = await startApp("readme", () => ({ AUTH_SECRETS: configToml(appOrigin, idp.issuer) }), { port: appPort, host: "localhost" });
    /** @type {Array<{ login: number, ms: number, backchannel: number, requests: Record<string, number> }>} */
    const results = [];
    for (let i = 0; i < count; i++) {
      if (Date.now() > deadline) throw new Error("deadline reached");
      await fetch(`${idp.issuer}/__requests/reset`, { method: "POST" });
      const context = await browser.newContext();
      const page = await context.newPage();
      const user = `bench-user-${i}`;
      const started = performance.now();
      try {
        await page.goto(`${appOrigin}/auth/login?returnTo=/client`);
        await page.waitForURL((url) => url.origin === idp.issuer, { timeout: 15_000 });
        await page.getByLabel("User name").fill(user);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(`${appOrigin}/client`, { timeout: 15_000 });
        await page.getByTestId("client-user").filter({ hasText: `"sub":"${user}"` }).waitFor({ timeout: 15_000 });
      } catch (error) {
        console.error(`login ${i + 1} stopped at ${page.url()}:\n${(await page.textContent("body").catch(() => "")) ?? ""}\n${app.log()}`);
        throw error;
      }
      const ms = performance.now() - started;
      await context.close();
      /** @type {Record<string, number>} */
      const requests = await (await fetch(`${idp.issuer}/__requests`)).json();
      const isBackChannel = (/** @type {string} */ key) => backChannel.has(key.slice(key.indexOf(" ") + 1));
      const backchannel = Object.entries(requests)
        .filter(([key]) => isBackChannel(key))
        .reduce((sum, [, n]) => sum + n, 0);
      results.push({ login: i + 1, ms: round(ms, 1), backchannel, requests });
      console.log(`  login ${i + 1}: ${round(ms, 1)} ms, ${backchannel} back-channel request(s) ${JSON.stringify(Object.fromEntries(Object.entries(requests).filter(([k]) => isBackChannel(k))))}`);
    }
    return results;
  } finally {
    await browser.close();
    await app?.stop();
    await idp.close();
  }
}
