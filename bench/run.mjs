// @ts-check
/**
 * `npm run bench`: the plugin measured against its peers and the hardware, on loopback only, bounded in time.
 * Not part of `npm test`. Prints a table and writes bench/results/latest.json.
 *
 * 1. In process (bench/src/micro.ts): µs to turn an identity cookie into a user, the same cookie again and again and a
 *    fresh one each time, beside next-auth's `decode`, nextjs-auth0's `decrypt` and the WebCrypto floor; and
 *    (bench/sessions.mjs) µs per getAccessToken() with a valid token, and requests to the provider per refresh.
 * 2. End to end: `next build` + `next start` of one static page in five builds (no middleware, an empty edge
 *    middleware, ours, nextjs-auth0 v4, next-auth v5), interleaved A B C D E, A B C D E, ..., each with a valid cookie
 *    minted by its own library, autocannon with 10 connections, a warm-up, then the measured window.
 * 3. A dynamic page calling getUser() against the same page reading only the raw Cookie header (same server).
 * 4-6. With the local OpenID Provider and headless Chromium: requests the server makes to the provider per warm
 *    login, the client JavaScript useUser() and its provider add (gzip) and the requests they make on first render,
 *    and the time of a full login.
 *
 * Settings (environment): BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP (3), BENCH_CONNECTIONS (10),
 * BENCH_LOGINS (8), MICRO_OPS (1000), MICRO_ROUNDS (7), BENCH_ONLY (comma list of: micro,e2e,client,login),
 * BENCH_REBUILD=1 (rebuild apps even when their inputs did not change), CHROMIUM_PATH.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { sessionRows } from "./sessions.mjs";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, "..");
const APPS = path.join(BENCH, "apps");
const OUT = path.join(BENCH, ".out");
const NEXT_BIN = path.join(BENCH, "node_modules/next/dist/bin/next");
/** The library's source, copied here before building (Turbopack's root is bench/). */
const LIB_COPY = path.join(APPS, "_lib");

const num = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const SETTINGS = {
  rounds: num("BENCH_ROUNDS", 3),
  seconds: num("BENCH_SECONDS", 10),
  warmup: num("BENCH_WARMUP", 3),
  connections: num("BENCH_CONNECTIONS", 10),
  get_user_seconds: num("BENCH_GET_USER_SECONDS", 3),
  /** A round whose windows saw the machine busier than this (other work beside the benchmark) is "contended". */
  contended_cpu: num("BENCH_CONTENDED_CPU", 0.8),
  logins: num("BENCH_LOGINS", 8),
  micro_ops: num("MICRO_OPS", 1000),
  micro_rounds: num("MICRO_ROUNDS", 7),
};
const ONLY = new Set((process.env["BENCH_ONLY"] ?? "micro,e2e,client,login").split(",").map((s) => s.trim()));
/** The whole run stops by itself after this long. */
const DEADLINE = Date.now() + num("BENCH_DEADLINE_MINUTES", 25) * 60_000;

const COOKIE_SECRET = "bench-cookie-secret-0123456789-abcdefghijklmnop";
const PEER_SECRET = "bench-peer-secret-0123456789-abcdefghijklmnopqr";
const CLIENT = { client_id: "bench", client_secret: "bench-client-secret-0123456789" };
const SUB = "110169484474386276334";
const PAGE_TEXT = "hello from a server component";

/** The end-to-end builds, in the order each round runs them. */
const E2E_BUILDS = [
  { key: "none", app: "none", label: "no middleware" },
  { key: "empty", app: "empty-middleware", label: "empty edge middleware" },
  { key: "ours", app: "ours", label: "ours (valid cookie)" },
  { key: "auth0", app: "auth0", label: "nextjs-auth0 4 (valid cookie)" },
  { key: "authjs", app: "authjs", label: "next-auth 5 (valid cookie)" },
];

// ---------------------------------------------------------------------------------------------------------------
// Processes: every child in its own process group, all ended on exit.
// ---------------------------------------------------------------------------------------------------------------

/** @type {Set<import("node:child_process").ChildProcess>} */
const children = new Set();
function killAll() {
  for (const child of children) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
process.on("exit", killAll);
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * @param {string} command @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs: number, quiet?: boolean }} options
 * @returns {Promise<string>} stdout
 */
function run(command, args, { cwd = ROOT, env = process.env, timeoutMs, quiet = false }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => {
      stderr += d;
      if (!quiet) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // gone
      }
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code ?? signal}\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`));
    });
  });
}

/** @returns {Promise<number>} a free loopback port */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `next start` of a built app on a loopback port (a free one unless given); resolves once it answers.
 * The login app runs on `localhost` (as the end-to-end tests do): under `-H 127.0.0.1` Next treats the middleware's
 * rewrite of the callback path as external and drops the header the callback route checks.
 * @param {string} app @param {(port: number) => NodeJS.ProcessEnv} envFor
 * @param {{ port?: number, host?: "127.0.0.1" | "localhost" }} [options]
 */
async function startApp(app, envFor, { port: fixedPort, host = "127.0.0.1" } = {}) {
  const port = fixedPort ?? (await freePort());
  const origin = `http://${host}:${port}`;
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", host], {
    cwd: path.join(APPS, app),
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), ...envFor(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let log = "";
  child.stdout?.on("data", (d) => (log = (log + d).slice(-4000)));
  child.stderr?.on("data", (d) => (log = (log + d).slice(-4000)));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app}: next start exited\n${log}`);
    if (Date.now() - started > 60_000) throw new Error(`${app}: next start did not answer within 60 s\n${log}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual", signal: AbortSignal.timeout(2000) }).catch(() =>
        fetch(`${origin}/`, { redirect: "manual", signal: AbortSignal.timeout(2000) }),
      );
      break;
    } catch {
      await delay(100);
    }
  }
  return {
    origin,
    port,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // gone
        }
        const exited = new Promise((resolve) => child.once("exit", resolve));
        if ((await Promise.race([exited.then(() => true), delay(5000).then(() => false)])) === false && child.pid) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // gone
          }
          await exited;
        }
      }
      children.delete(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Setup: dependencies, bundles, builds
// ---------------------------------------------------------------------------------------------------------------

async function ensureDependencies() {
  // The root's devDependencies: Playwright (Chromium driver) and oidc-provider (the local provider).
  if (!existsSync(path.join(ROOT, "node_modules/@playwright/test")) || !existsSync(path.join(ROOT, "node_modules/oidc-provider"))) {
    console.log("· npm ci (repository root)");
    await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: ROOT, timeoutMs: 10 * 60_000 });
  }
  const needed = ["autocannon", "next-auth", "@auth0/nextjs-auth0", "esbuild", "next", "iron-session"];
  if (needed.some((name) => !existsSync(path.join(BENCH, "node_modules", name, "package.json")))) {
    console.log("· npm ci (bench/: next-auth, @auth0/nextjs-auth0, autocannon, esbuild, next, ...)");
    await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: BENCH, timeoutMs: 10 * 60_000 });
  }
}

/** A fresh copy of the library's source inside bench/ for the apps to import. */
function copyLibrary() {
  rmSync(LIB_COPY, { recursive: true, force: true });
  cpSync(path.join(ROOT, "lib"), LIB_COPY, { recursive: true });
}

/** Bundles bench/src/*.ts (our TypeScript compiled in, packages external) into bench/.out. */
async function bundle() {
  const { build } = await import("esbuild");
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: [path.join(BENCH, "src/micro.ts"), path.join(BENCH, "src/mint.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outdir: OUT,
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
}

/** @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if ([".next", "node_modules", "next-env.d.ts", ".bench-build"].includes(entry.name) || entry.name.endsWith(".tsbuildinfo")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out.sort();
}

/** A build is reused when nothing it is made from changed: its sources, the library, the lockfiles. */
function buildInputsHash(app) {
  const hash = createHash("sha256");
  const inputs = [
    ...filesUnder(path.join(APPS, app)),
    ...filesUnder(LIB_COPY),
    path.join(APPS, "next.config.shared.mjs"),
    path.join(BENCH, "package-lock.json"),
  ];
  for (const file of inputs) hash.update(path.relative(ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

/** @param {string[]} apps */
async function buildApps(apps) {
  /** @type {Record<string, { seconds: number, cached: boolean }>} */
  const builds = {};
  for (const app of apps) {
    const marker = path.join(APPS, app, ".bench-build");
    const hash = buildInputsHash(app);
    const fresh = existsSync(path.join(APPS, app, ".next/BUILD_ID")) && existsSync(marker) && readFileSync(marker, "utf8") === hash;
    if (fresh && !process.env["BENCH_REBUILD"]) {
      builds[app] = { seconds: 0, cached: true };
      console.log(`· next build ${app}: unchanged, reused`);
      continue;
    }
    const started = Date.now();
    await run(process.execPath, [NEXT_BIN, "build"], {
      cwd: path.join(APPS, app),
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      timeoutMs: 5 * 60_000,
      quiet: true,
    });
    writeFileSync(marker, hash);
    builds[app] = { seconds: round((Date.now() - started) / 1000, 1), cached: false };
    console.log(`· next build ${app}: ${builds[app].seconds} s`);
  }
  return builds;
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------------------------

/** Machine-wide CPU busy fraction between two /proc/stat readings (Linux), for marking contended windows. */
function cpuTimes() {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { idle, total: values.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}
/** @param {ReturnType<typeof cpuTimes>} a @param {ReturnType<typeof cpuTimes>} b */
function busyBetween(a, b) {
  if (!a || !b || b.total === a.total) return null;
  return round(1 - (b.idle - a.idle) / (b.total - a.total), 3);
}

/** @type {any} */
let autocannon;

/**
 * @param {string} url @param {string | undefined} cookie @param {number} seconds
 * @returns {Promise<{ rps: number, p50: number, p99: number, mean: number, requests: number, non2xx: number, errors: number, busy: number | null }>}
 */
async function load(url, cookie, seconds) {
  const before = cpuTimes();
  const result = await autocannon({
    url,
    connections: SETTINGS.connections,
    duration: seconds,
    headers: cookie ? { cookie } : {},
    timeout: 10,
  });
  return {
    rps: round(result.requests.average, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: round(result.latency.average, 2),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    busy: busyBetween(before, cpuTimes()),
  };
}

/** @param {string} url @param {string | undefined} cookie */
async function get(url, cookie) {
  const response = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, location: response.headers.get("location") ?? "", setCookie: response.headers.getSetCookie(), text: await response.text() };
}

/** @param {boolean} ok @param {string} what */
function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
}

/** @param {string} cookie */
function tamper(cookie) {
  const at = cookie.length - 12;
  return cookie.slice(0, at) + (cookie[at] === "A" ? "B" : "A") + cookie.slice(at + 1);
}

function configToml(origin, idpOrigin = "http://127.0.0.1:9") {
  return `[auth]
redirect_uri = "${origin}/oauth2callback"
cookie_secret = "${COOKIE_SECRET}"
client_id = "${CLIENT.client_id}"
client_secret = "${CLIENT.client_secret}"
server_metadata_url = "${idpOrigin}/.well-known/openid-configuration"
`;
}

/** Environment and a valid cookie for each end-to-end build; checks that the build really accepts that cookie. */
function e2eSetup(mint) {
  return {
    none: {
      // The same request bytes as ours (the cookie is also what /dyn/user reads).
      env: (port) => ({ AUTH_SECRETS: configToml(`http://127.0.0.1:${port}`) }),
      cookie: (origin) => mint.oursCookie(COOKIE_SECRET, origin, SUB),
      async check(origin) {
        const page = await get(`${origin}/`);
        check(page.status === 200 && page.text.includes(PAGE_TEXT), "none: / answers the page");
      },
    },
    empty: {
      env: () => ({}),
      // The same request bytes as ours: the controls get our cookie too.
      cookie: (origin) => mint.oursCookie(COOKIE_SECRET, origin, SUB),
      async check(origin) {
        const page = await get(`${origin}/`);
        check(page.status === 200 && page.text.includes(PAGE_TEXT), "empty middleware: / answers the page");
      },
    },
    ours: {
      env: (port) => ({ AUTH_SECRETS: configToml(`http://127.0.0.1:${port}`) }),
      cookie: (origin) => mint.oursCookie(COOKIE_SECRET, origin, SUB),
      async check(origin, cookie) {
        const ok = await get(`${origin}/`, cookie);
        check(ok.status === 200 && ok.text.includes(PAGE_TEXT), `ours: the valid cookie gets the page (got ${ok.status})`);
        check(ok.setCookie.length === 0, "ours: no Set-Cookie on an ordinary request");
        const anonymous = await get(`${origin}/`);
        check(anonymous.status === 307 && anonymous.location.includes("/auth/login"), `ours: no cookie is sent to log in (got ${anonymous.status})`);
        const tampered = await get(`${origin}/`, tamper(cookie));
        check(tampered.status === 307, `ours: a tampered cookie is sent to log in (got ${tampered.status})`);
        const foreign = await get(`${origin}/`, await mint.oursCookie(PEER_SECRET, origin, SUB));
        check(foreign.status === 307, `ours: a cookie sealed with another secret is sent to log in (got ${foreign.status})`);
      },
    },
    auth0: {
      env: (port) => ({ AUTH0_SECRET: PEER_SECRET, APP_BASE_URL: `http://127.0.0.1:${port}` }),
      cookie: () => mint.auth0Cookie(PEER_SECRET, SUB),
      async check(origin, cookie) {
        const ok = await get(`${origin}/`, cookie);
        check(ok.status === 200 && ok.text.includes(PAGE_TEXT), `auth0: the valid cookie gets the page (got ${ok.status})`);
        check(ok.setCookie.some((c) => c.startsWith("__session=") && !/max-age=0/i.test(c)), "auth0: the session is rolled (re-encrypted, Set-Cookie)");
        const profile = await get(`${origin}/auth/profile`, cookie);
        check(profile.status === 200 && profile.text.includes(SUB), `auth0: /auth/profile with the cookie shows the user (got ${profile.status})`);
        const anonymous = await get(`${origin}/auth/profile`);
        check(anonymous.status !== 200 || !anonymous.text.includes(SUB), "auth0: /auth/profile without the cookie shows no user");
        const tampered = await get(`${origin}/auth/profile`, tamper(cookie));
        check(!tampered.text.includes(SUB), "auth0: a tampered cookie shows no user");
      },
    },
    authjs: {
      env: () => ({ AUTH_SECRET: PEER_SECRET }),
      cookie: () => mint.authjsCookie(PEER_SECRET, SUB),
      async check(origin, cookie) {
        const ok = await get(`${origin}/`, cookie);
        check(ok.status === 200 && ok.text.includes(PAGE_TEXT), `authjs: the valid cookie gets the page (got ${ok.status})`);
        check(ok.setCookie.some((c) => c.startsWith("authjs.session-token=")), "authjs: the session is re-encoded (Set-Cookie)");
        const anonymous = await get(`${origin}/`);
        check(anonymous.status >= 300 && anonymous.status < 400 && anonymous.location.includes("signin"), `authjs: no cookie is sent to sign in (got ${anonymous.status})`);
        const tampered = await get(`${origin}/`, tamper(cookie));
        check(tampered.status >= 300 && tampered.status < 400, `authjs: a tampered cookie is sent to sign in (got ${tampered.status})`);
      },
    },
  };
}

async function e2e(mint) {
  const setup = e2eSetup(mint);
  /** @type {Array<Record<string, unknown>>} */
  const raw = [];
  /** @type {Array<Record<string, unknown>>} */
  const getUserRaw = [];
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    for (const build of E2E_BUILDS) {
      if (Date.now() > DEADLINE) throw new Error("deadline reached");
      const s = setup[/** @type {keyof typeof setup} */ (build.key)];
      const server = await startApp(build.app, s.env);
      try {
        const cookie = await s.cookie(server.origin);
        await s.check(server.origin, /** @type {string} */ (cookie));
        await load(`${server.origin}/`, cookie, SETTINGS.warmup);
        const measured = await load(`${server.origin}/`, cookie, SETTINGS.seconds);
        if (measured.non2xx > 0 || measured.errors > 0) throw new Error(`${build.key}: ${measured.non2xx} non-2xx and ${measured.errors} errors under load`);
        raw.push({ round, build: build.key, ...measured });
        console.log(`  round ${round} ${build.key.padEnd(6)} ${String(measured.rps).padStart(7)} req/s  p50 ${measured.p50} ms  p99 ${measured.p99} ms  cpu ${measured.busy}`);
        if (build.key === "none") {
          const user = await get(`${server.origin}/dyn/user`, cookie);
          check(user.status === 200 && user.text.includes(SUB), "getUser page: the valid cookie is read");
          check((await get(`${server.origin}/dyn/user`, tamper(/** @type {string} */ (cookie)))).text.includes("nobody"), "getUser page: a tampered cookie is not");
          // A B B A (then B A A B): each page measured twice per round, neither always first or last.
          for (const page of ["raw", "user"]) await load(`${server.origin}/dyn/${page}`, cookie, 2);
          const order = round % 2 ? ["raw", "user", "user", "raw"] : ["user", "raw", "raw", "user"];
          for (const page of order) {
            const result = await load(`${server.origin}/dyn/${page}`, cookie, SETTINGS.get_user_seconds);
            if (result.non2xx > 0 || result.errors > 0) throw new Error(`/dyn/${page}: ${result.non2xx} non-2xx and ${result.errors} errors`);
            getUserRaw.push({ round, page, ...result });
            console.log(`  round ${round} /dyn/${page.padEnd(4)} ${String(result.rps).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  cpu ${result.busy}`);
          }
        }
      } catch (error) {
        console.error(server.log());
        throw error;
      } finally {
        await server.stop();
      }
    }
  }
  return { raw, getUserRaw };
}

// ---------------------------------------------------------------------------------------------------------------
// Browser: client JavaScript, first-render requests, logins
// ---------------------------------------------------------------------------------------------------------------

const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

async function launchChromium() {
  const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (set CHROMIUM_PATH, or apt-get install chromium)`);
  const { chromium } = await import("@playwright/test");
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

/**
 * Loads `/` and returns the scripts it loaded (with their gzip size from the build output) and every other request.
 * @param {import("@playwright/test").Browser} browser @param {string} app @param {string} origin @param {string | undefined} cookie
 */
async function pageLoad(browser, app, origin, cookie) {
  const context = await browser.newContext();
  if (cookie) {
    const eq = cookie.indexOf("=");
    await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: origin }]);
  }
  const page = await context.newPage();
  /** @type {string[]} */
  const requests = [];
  page.on("request", (request) => requests.push(`${request.resourceType()} ${request.method()} ${request.url()}`));
  await page.goto(`${origin}/`, { waitUntil: "load" });
  await page.waitForLoadState("networkidle");
  await delay(500);
  const clientUser = (await page.getByTestId("client-user").textContent()) ?? "";
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
  const others = requests.filter((r) => {
    const url = new URL(r.split(" ")[2] ?? "");
    return !(r.startsWith("document ") && url.pathname === "/") && !url.pathname.startsWith("/_next/static/") && url.pathname !== "/favicon.ico";
  });
  return { scripts, gzip, bytes, others, clientUser };
}

async function client(mint) {
  const browser = await launchChromium();
  try {
    const base = await startApp("client-base", () => ({}));
    let baseLoad;
    try {
      baseLoad = await pageLoad(browser, "client-base", base.origin, undefined);
    } finally {
      await base.stop();
    }
    const user = await startApp("client-user", (port) => ({ AUTH_SECRETS: configToml(`http://127.0.0.1:${port}`) }));
    let userLoad;
    try {
      userLoad = await pageLoad(browser, "client-user", user.origin, await mint.oursCookie(COOKIE_SECRET, user.origin, SUB));
    } finally {
      await user.stop();
    }
    check(userLoad.clientUser.includes(`"sub":"${SUB}"`) && userLoad.clientUser.includes('"is_logged_in":true'), "useUser(): the logged-in user on first render");
    const added = userLoad.scripts.filter((s) => !baseLoad.scripts.includes(s));
    return {
      client_user_js_gzip_bytes: userLoad.gzip - baseLoad.gzip,
      client_user_js_bytes: userLoad.bytes - baseLoad.bytes,
      first_render_requests: userLoad.others.length,
      detail: { base: baseLoad, user: userLoad, scripts_only_in_user: added },
    };
  } finally {
    await browser.close();
  }
}

async function logins(mint) {
  void mint;
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
    app = await startApp("client-user", () => ({ AUTH_SECRETS: configToml(appOrigin, idp.issuer) }), { port: appPort, host: "localhost" });
    /** @type {Array<{ login: number, ms: number, backchannel: number, requests: Record<string, number> }>} */
    const results = [];
    for (let i = 0; i < SETTINGS.logins; i++) {
      if (Date.now() > DEADLINE) throw new Error("deadline reached");
      await fetch(`${idp.issuer}/__requests/reset`, { method: "POST" });
      const context = await browser.newContext();
      const page = await context.newPage();
      const user = `bench-user-${i}`;
      const started = performance.now();
      try {
        await page.goto(`${appOrigin}/auth/login`);
        await page.waitForURL((url) => url.origin === idp.issuer, { timeout: 15_000 });
        await page.getByLabel("User name").fill(user);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(`${appOrigin}/`, { timeout: 15_000 });
        await page.getByTestId("client-user").filter({ hasText: `"sub":"${user}"` }).waitFor({ timeout: 15_000 });
      } catch (error) {
        console.error(`login ${i + 1} stopped at ${page.url()}:\n${(await page.textContent("body").catch(() => "")) ?? ""}\n${app.log()}`);
        throw error;
      }
      const ms = performance.now() - started;
      await context.close();
      /** @type {Record<string, number>} */
      const requests = await (await fetch(`${idp.issuer}/__requests`)).json();
      const backchannel = Object.entries(requests)
        .filter(([key]) => backChannel.has(key.slice(key.indexOf(" ") + 1)))
        .reduce((sum, [, n]) => sum + n, 0);
      results.push({ login: i + 1, ms: round(ms, 1), backchannel, requests });
      console.log(`  login ${i + 1}: ${round(ms, 1)} ms, ${backchannel} back-channel request(s) ${JSON.stringify(Object.fromEntries(Object.entries(requests).filter(([k]) => backChannel.has(k.slice(k.indexOf(" ") + 1)))))}`);
    }
    return results;
  } finally {
    await browser.close();
    await app?.stop();
    await idp.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------------

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? /** @type {number} */ (s[m]) : (/** @type {number} */ (s[m - 1]) + /** @type {number} */ (s[m])) / 2;
}
/** @param {number} x @param {number} [digits] */
function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function versionOf(pkgDir) {
  try {
    return JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

async function main() {
  const started = Date.now();
  await ensureDependencies();
  autocannon = (await import("autocannon")).default;
  await bundle();
  const mint = await import(pathToFileURL(path.join(OUT, "mint.mjs")).href);
  const loadStart = os.loadavg();

  /** @type {Record<string, unknown>} */
  const metrics = {};
  /** @type {Record<string, unknown>} */
  const rawResults = {};

  if (ONLY.has("micro")) {
    console.log("\n[1] identity cookie → user, in process (µs per call, median of rounds)");
    const out = await run(process.execPath, [path.join(OUT, "micro.mjs")], {
      env: { ...process.env, MICRO_OPS: String(SETTINGS.micro_ops), MICRO_ROUNDS: String(SETTINGS.micro_rounds) },
      timeoutMs: 5 * 60_000,
    });
    const micro = JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
    rawResults["micro"] = micro;
    for (const [name, value] of Object.entries(micro.cases)) metrics[`${name}_us`] = /** @type {{ median: number }} */ (value).median;
    for (const [name, value] of Object.entries(micro.cases)) console.log(`  ${name.padEnd(22)} ${String(/** @type {any} */ (value).median).padStart(8)}  (rounds ${/** @type {any} */ (value).rounds.join(" ")})`);
    // getAccessToken() and refresh rows (bench/sessions.mjs).
    const sessions = await sessionRows({ out: OUT, ops: SETTINGS.micro_ops, rounds: SETTINGS.micro_rounds });
    rawResults["sessions"] = sessions.raw;
    Object.assign(metrics, sessions.metrics);
    for (const [name, value] of Object.entries(sessions.metrics)) console.log(`  ${name.padEnd(28)} ${value}`);
  }

  const buildList = [...(ONLY.has("e2e") ? E2E_BUILDS.map((b) => b.app) : []), ...(ONLY.has("client") || ONLY.has("login") ? ["client-base", "client-user"] : [])];
  if (buildList.length > 0) {
    console.log("\n· building the benchmark apps (next build)");
    copyLibrary();
    rawResults["builds"] = await buildApps([...new Set(buildList)]);
  }

  if (ONLY.has("e2e")) {
    console.log(`\n[2] end to end: ${SETTINGS.rounds} rounds × ${E2E_BUILDS.length} builds, ${SETTINGS.warmup} s warm-up + ${SETTINGS.seconds} s, ${SETTINGS.connections} connections`);
    const { raw, getUserRaw } = await e2e(mint);
    rawResults["e2e"] = raw;
    rawResults["get_user"] = getUserRaw;
    // Rounds in which something else loaded the machine are set aside when at least two clean ones remain.
    const busy = (r) => typeof r["busy"] === "number" && r["busy"] >= SETTINGS.contended_cpu;
    const contended = [];
    for (let round = 1; round <= SETTINGS.rounds; round++) {
      if ([...raw, ...getUserRaw].some((r) => r["round"] === round && busy(r))) contended.push(round);
    }
    const clean = Array.from({ length: SETTINGS.rounds }, (_, i) => i + 1).filter((r) => !contended.includes(r));
    const used = clean.length >= 2 ? clean : Array.from({ length: SETTINGS.rounds }, (_, i) => i + 1);
    metrics["e2e_rounds_used"] = used;
    metrics["e2e_rounds_contended"] = contended;
    const inUsed = (r) => used.includes(/** @type {number} */ (r["round"]));
    const of = (key, field) => raw.filter((r) => r["build"] === key && inUsed(r)).map((r) => /** @type {number} */ (r[field]));
    /** paired: the ratio within each round, then the median over rounds */
    const paired = (a, b) => {
      const ratios = [];
      for (const round of used) {
        const x = raw.find((r) => r["round"] === round && r["build"] === a);
        const y = raw.find((r) => r["round"] === round && r["build"] === b);
        if (x && y) ratios.push(/** @type {number} */ (x["rps"]) / /** @type {number} */ (y["rps"]));
      }
      return round(median(ratios), 3);
    };
    for (const build of E2E_BUILDS) {
      metrics[`e2e_${build.key}_rps`] = round(median(of(build.key, "rps")), 1);
      metrics[`e2e_${build.key}_p50_ms`] = median(of(build.key, "p50"));
      metrics[`e2e_${build.key}_p99_ms`] = median(of(build.key, "p99"));
    }
    metrics["middleware_vs_empty_ratio"] = paired("ours", "empty");
    metrics["middleware_vs_auth0_ratio"] = paired("ours", "auth0");
    metrics["middleware_vs_authjs_ratio"] = paired("ours", "authjs");
    metrics["middleware_vs_none_ratio"] = paired("ours", "none");
    metrics["empty_vs_none_ratio"] = paired("empty", "none");
    const sum = (rows) => rows.reduce((total, r) => total + /** @type {number} */ (r["rps"]), 0);
    const userRatios = [];
    for (const round of used) {
      const rows = getUserRaw.filter((r) => r["round"] === round);
      const raws = rows.filter((r) => r["page"] === "raw");
      const users = rows.filter((r) => r["page"] === "user");
      if (raws.length && users.length) userRatios.push(sum(users) / users.length / (sum(raws) / raws.length));
    }
    metrics["get_user_page_ratio"] = round(median(userRatios), 3);
    const usedGetUser = getUserRaw.filter(inUsed);
    metrics["get_user_page_rps"] = round(median(usedGetUser.filter((r) => r["page"] === "user").map((r) => /** @type {number} */ (r["rps"]))), 1);
    metrics["raw_cookie_page_rps"] = round(median(usedGetUser.filter((r) => r["page"] === "raw").map((r) => /** @type {number} */ (r["rps"]))), 1);
    metrics["get_user_page_p50_ms"] = median(usedGetUser.filter((r) => r["page"] === "user").map((r) => /** @type {number} */ (r["p50"])));
    metrics["raw_cookie_page_p50_ms"] = median(usedGetUser.filter((r) => r["page"] === "raw").map((r) => /** @type {number} */ (r["p50"])));
  }

  if (ONLY.has("client")) {
    console.log("\n[5] client JavaScript of useUser() + its provider, and first-render requests (headless Chromium)");
    const result = await client(mint);
    rawResults["client"] = result.detail;
    metrics["client_user_js_gzip_bytes"] = result.client_user_js_gzip_bytes;
    metrics["client_user_js_bytes"] = result.client_user_js_bytes;
    metrics["first_render_requests"] = result.first_render_requests;
    console.log(`  +${result.client_user_js_gzip_bytes} B gzip (+${result.client_user_js_bytes} B), ${result.first_render_requests} request(s) on first render`);
  }

  if (ONLY.has("login")) {
    console.log(`\n[4, 6] ${SETTINGS.logins} logins through the local provider (headless Chromium)`);
    const results = await logins(mint);
    rawResults["logins"] = results;
    const warm = results.slice(1);
    metrics["warm_login_backchannel_requests"] = Math.max(...warm.map((r) => r.backchannel));
    metrics["cold_login_backchannel_requests"] = results[0]?.backchannel ?? null;
    metrics["login_roundtrip_ms"] = round(median(warm.map((r) => r.ms)), 1);
    metrics["login_roundtrip_first_ms"] = results[0]?.ms ?? null;
  }

  const targets = evaluateTargets(metrics);
  const report = {
    generated_at: new Date().toISOString(),
    duration_s: round((Date.now() - started) / 1000, 0),
    node: process.version,
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? null,
    loadavg_start: loadStart.map((x) => round(x, 2)),
    loadavg_end: os.loadavg().map((x) => round(x, 2)),
    versions: {
      next: versionOf(path.join(ROOT, "node_modules/next")),
      react: versionOf(path.join(ROOT, "node_modules/react")),
      "iron-session": versionOf(path.join(ROOT, "node_modules/iron-session")),
      "next-auth": versionOf(path.join(BENCH, "node_modules/next-auth")),
      "@auth/core": versionOf(path.join(BENCH, "node_modules/@auth/core")),
      "@auth0/nextjs-auth0": versionOf(path.join(BENCH, "node_modules/@auth0/nextjs-auth0")),
      jose: versionOf(path.join(BENCH, "node_modules/jose")),
      autocannon: versionOf(path.join(BENCH, "node_modules/autocannon")),
    },
    settings: SETTINGS,
    metrics,
    targets,
    raw: rawResults,
  };
  const resultsDir = path.join(BENCH, "results");
  mkdirSync(resultsDir, { recursive: true });
  const partial = ONLY.size < 4;
  const file = path.join(resultsDir, partial ? "partial.json" : "latest.json");
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  printTable(report);
  console.log(`\nwrote ${path.relative(ROOT, file)} (${report.duration_s} s)`);
}

/** @param {Record<string, unknown>} m */
function evaluateTargets(m) {
  /** @type {Array<[string, string, (v: number) => boolean, number | undefined]>} */
  const rules = [
    ["identity_read_repeat_us", "≤ 20", (v) => v <= 20, undefined],
    ["identity_read_cold_us", "≤ authjs_decode_us", (v) => v <= /** @type {number} */ (m["authjs_decode_us"]), /** @type {number} */ (m["authjs_decode_us"])],
    ["middleware_vs_empty_ratio", "≥ 0.95", (v) => v >= 0.95, undefined],
    ["middleware_vs_auth0_ratio", "≥ 2", (v) => v >= 2, undefined],
    ["middleware_vs_authjs_ratio", "≥ 2.5", (v) => v >= 2.5, undefined],
    ["get_user_page_ratio", "≥ 0.95", (v) => v >= 0.95, undefined],
    ["warm_login_backchannel_requests", "= 1", (v) => v === 1, undefined],
    ["client_user_js_gzip_bytes", "≤ 1024", (v) => v <= 1024, undefined],
    ["first_render_requests", "= 0", (v) => v === 0, undefined],
  ];
  /** @type {Record<string, { target: string, value: unknown, met: boolean | null }>} */
  const out = {};
  for (const [name, target, test] of rules) {
    const value = m[name];
    out[name] = { target, value: value ?? null, met: typeof value === "number" && Number.isFinite(value) ? test(value) : null };
  }
  return out;
}

/** @param {any} report */
function printTable(report) {
  const m = report.metrics;
  const rows = [];
  const add = (metric, value, target, met, note = "") => rows.push([metric, value === undefined || value === null ? "–" : String(value), target ?? "", met === null || met === undefined ? "" : met ? "met" : "MISSED", note]);
  for (const [name, t] of Object.entries(report.targets)) {
    const note =
      name === "identity_read_cold_us" ? `authjs_decode_us ${m["authjs_decode_us"] ?? "–"}` : name.startsWith("middleware_vs") ? "" : "";
    add(name, /** @type {any} */ (t).value, /** @type {any} */ (t).target, /** @type {any} */ (t).met, note);
  }
  add("login_roundtrip_ms", m["login_roundtrip_ms"], "", null, "median of warm logins");
  console.log(`\nResults (Node ${report.node}, ${report.cores} cores, load ${report.loadavg_start.join(" ")} → ${report.loadavg_end.join(" ")})`);
  printRows(["metric", "value", "target", "", "note"], rows);
  if (m["e2e_none_rps"] !== undefined) {
    console.log("");
    const e2eRows = E2E_BUILDS.map((b) => [b.label, String(m[`e2e_${b.key}_rps`]), String(round(m[`e2e_${b.key}_rps`] / m["e2e_none_rps"], 3)), String(m[`e2e_${b.key}_p50_ms`]), String(m[`e2e_${b.key}_p99_ms`])]);
    e2eRows.push(["dynamic page, raw Cookie header", String(m["raw_cookie_page_rps"]), "", String(m["raw_cookie_page_p50_ms"]), ""]);
    e2eRows.push(["dynamic page, getUser()", String(m["get_user_page_rps"]), "", String(m["get_user_page_p50_ms"]), ""]);
    printRows(["build", "req/s", "÷ none", "p50 ms", "p99 ms"], e2eRows);
    const contended = /** @type {number[]} */ (m["e2e_rounds_contended"]);
    console.log(`rounds used: ${m["e2e_rounds_used"].join(", ")}${contended.length ? `; contended (machine ≥ ${report.settings.contended_cpu * 100}% busy): ${contended.join(", ")}` : ""}`);
  }
  if (m["identity_read_repeat_us"] !== undefined) {
    console.log("");
    const microRows = ["identity_read_repeat", "identity_read_cold", "authjs_decode", "auth0_decrypt", "webcrypto_floor", "iron_unseal"].map((n) => [n, String(m[`${n}_us`])]);
    printRows(["in process", "µs/call"], microRows);
  }
  if (m["get_access_token_hot_us"] !== undefined) {
    console.log("");
    printRows(["sessions", "value"], [["get_access_token_hot_us", String(m["get_access_token_hot_us"])], ["refresh_backchannel_requests", String(m["refresh_backchannel_requests"])]]);
  }
}

/** @param {string[]} header @param {string[][]} rows */
function printRows(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells) => `| ${cells.map((c, i) => (c ?? "").padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const row of rows) console.log(line(row));
}

main().catch((error) => {
  console.error(error);
  killAll();
  process.exit(1);
});
