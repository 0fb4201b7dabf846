// @ts-check
/**
 * `npm run loadtest` (after `npm run build`): the built app under load and faults, on loopback only, bounded in count
 * and time. Not part of `npm test`.
 *
 * 1. 200 logins through the local OpenID Provider, 20 at a time: all must succeed.
 * 2. 20,000 requests to a protected page at 50 concurrent connections, mixing valid, tampered, foreign-secret and
 *    missing identity cookies: zero 5xx, and each the right answer for its cookie.
 * 3. The provider goes down for a few seconds mid-run (and comes back with new signing keys): logins in that window
 *    end on a clean 502/504 page, logins after it succeed, and the protected-page traffic running alongside never notices.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { sealData } from "iron-session";
import { startLocalIdp } from "./local-idp.mjs";

const APP_PORT = Number(process.env.LOADTEST_APP_PORT ?? 3300);
const IDP_PORT = Number(process.env.LOADTEST_IDP_PORT ?? 4300);
const APP = `http://localhost:${APP_PORT}`;
const REDIRECT_URI = `${APP}/oauth2callback`;
const CLIENT = { client_id: "loadtest", client_secret: "loadtest-client-secret-0123456789" };
const SECRET = "loadtest-cookie-secret-0123456789-abcdefgh";
const FOREIGN_SECRET = "another-cookie-secret-0123456789-abcdefgh";
const DEADLINE = Date.now() + 8 * 60_000;

const startIdp = () =>
  startLocalIdp({ port: IDP_PORT, quiet: true, clients: [{ ...CLIENT, redirect_uris: [REDIRECT_URI] }] });

/** @param {string} label @param {boolean} ok @param {string} detail */
function check(label, ok, detail) {
  console.log(`${ok ? "PASS" : "FAIL"}  ${label}: ${detail}`);
  if (!ok) process.exitCode = 1;
}

class Jar {
  /** @type {Map<string, string>} */ cookies = new Map();
  /** @param {Response} response */
  apply(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (/max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** @param {string} url @param {Jar} jar @param {RequestInit} [init] */
async function go(url, jar, init = {}) {
  const response = await fetch(url, {
    ...init,
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
    headers: {
      .../** @type {Record<string, string>} */ (init.headers ?? {}),
      cookie: jar.header(),
      "sec-fetch-site": "same-origin",
    },
  });
  jar.apply(response);
  return response;
}

/**
 * One whole login with fetch, as a browser would: /auth/login -> provider sign-in -> callback -> the home page.
 * @param {string} user
 * @returns {Promise<{ ok: boolean, status: number, step: string, ms: number, jar: Jar }>}
 */
async function login(user) {
  const started = Date.now();
  const app = new Jar();
  const idp = new Jar();
  const result = (/** @type {boolean} */ ok, /** @type {number} */ status, /** @type {string} */ step) => ({
    ok,
    status,
    step,
    ms: Date.now() - started,
    jar: app,
  });
  try {
    const start = await go(`${APP}/auth/login`, app);
    if (start.status !== 302) return result(false, start.status, "login");
    let url = start.headers.get("location") ?? "";
    /** @type {RequestInit} */
    let init = {};
    for (let hop = 0; hop < 10 && !url.startsWith(REDIRECT_URI); hop++) {
      const response = await go(url, idp, init);
      init = {};
      const location = response.headers.get("location");
      if (location) url = new URL(location, url).href;
      else if (response.status === 200 && url.includes("/interaction/")) {
        url = `${url.replace(/\/$/, "")}/login`;
        init = {
          method: "POST",
          body: new URLSearchParams({ login: user }),
          headers: { "content-type": "application/x-www-form-urlencoded" },
        };
      } else return result(false, response.status, "provider");
    }
    const callback = await go(url, app);
    if (callback.status !== 303 || !app.cookies.has("auth_user")) return result(false, callback.status, "callback");
    const home = await go(`${APP}/`, app);
    const body = await home.text();
    return result(home.status === 200 && body.includes(`&quot;sub&quot;: &quot;${user}&quot;`), home.status, "home");
  } catch (error) {
    return result(false, 0, `error ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Runs `tasks` with at most `limit` in flight. @template T @param {number} limit @param {Array<() => Promise<T>>} tasks */
async function pool(limit, tasks) {
  /** @type {T[]} */ const results = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length && Date.now() < DEADLINE) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

/** @param {number[]} values @param {number} q */
const quantile = (values, q) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;

/** The four kinds of identity cookie: from a real login, that one tampered, one sealed with another secret, none. */
async function cookieMix() {
  const valid = (await login("mix-user")).jar.header();
  const value = valid.slice("auth_user=".length);
  const tampered = `auth_user=${value.slice(0, 60)}${value[60] === "A" ? "B" : "A"}${value.slice(61)}`;
  const foreign = `auth_user=${await sealData({ v: 1, u: { c: { sub: "intruder", provider: "default" } } }, { password: FOREIGN_SECRET, ttl: 3600 })}`;
  return { valid, tampered, foreign, missing: "" };
}

/** @param {Record<string, string>} mix @param {number} count @param {number} concurrency */
async function protectedTraffic(mix, count, concurrency) {
  const kinds = Object.keys(mix);
  const tally = { total: 0, wrong: 0, fiveXX: 0, /** @type {number[]} */ ms: [] };
  const tasks = Array.from({ length: count }, (_, i) => async () => {
    const kind = kinds[i % kinds.length] ?? "missing";
    const started = Date.now();
    const response = await fetch(`${APP}/protected`, {
      redirect: "manual",
      headers: mix[kind] ? { cookie: mix[kind] } : {},
    });
    await response.arrayBuffer();
    tally.ms.push(Date.now() - started);
    tally.total++;
    if (response.status >= 500) tally.fiveXX++;
    const expected = kind === "valid" ? 200 : 307;
    if (response.status !== expected) tally.wrong++;
  });
  await pool(concurrency, tasks);
  return tally;
}

async function main() {
  let idp = await startIdp();
  const toml = [
    "[auth]",
    `redirect_uri = "${REDIRECT_URI}"`,
    `cookie_secret = "${SECRET}"`,
    `client_id = "${CLIENT.client_id}"`,
    `client_secret = "${CLIENT.client_secret}"`,
    `server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"`,
    'client_kwargs = { prompt = "login" }',
  ].join("\n");
  const app = spawn(
    process.execPath,
    [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(APP_PORT)],
    {
      env: { ...process.env, AUTH_SECRETS: toml, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${APP}/`)).ok) break;
      } catch {
        if (i > 100) throw new Error("the app did not start: run `npm run build` first");
        await delay(100);
      }
    }

    // 1. 200 logins, 20 at a time.
    const started = Date.now();
    const logins = await pool(
      20,
      Array.from({ length: 200 }, (_, i) => () => login(`user${i}`)),
    );
    const failed = logins.filter((r) => !r.ok);
    const ms = logins.map((r) => r.ms);
    check(
      "200 logins, 20 concurrent",
      failed.length === 0 && logins.length === 200,
      `${logins.length - failed.length}/200 ok in ${((Date.now() - started) / 1000).toFixed(1)} s; per login p50 ${quantile(ms, 0.5)} ms, p99 ${quantile(ms, 0.99)} ms` +
        (failed.length ? `; first failure: ${JSON.stringify({ ...failed[0], jar: undefined })}` : ""),
    );

    // 2. 20,000 requests, 50 concurrent, four kinds of cookie.
    const mix = await cookieMix();
    const trafficStart = Date.now();
    const traffic = await protectedTraffic(mix, 20_000, 50);
    const seconds = (Date.now() - trafficStart) / 1000;
    check(
      "20,000 protected-page requests, 50 concurrent (valid, tampered, foreign-secret, missing cookies)",
      traffic.total === 20_000 && traffic.fiveXX === 0 && traffic.wrong === 0,
      `${traffic.total} done in ${seconds.toFixed(1)} s (${Math.round(traffic.total / seconds)} req/s), 5xx ${traffic.fiveXX}, wrong answers ${traffic.wrong}, p50 ${quantile(traffic.ms, 0.5)} ms, p99 ${quantile(traffic.ms, 0.99)} ms`,
    );

    // 3. The provider goes down for a few seconds while logins and page traffic continue.
    const pending = await pool(
      10,
      Array.from({ length: 10 }, (_, i) => async () => {
        // Logins that reached the provider before the outage: their callbacks come back during it.
        const jar = new Jar();
        const start = await go(`${APP}/auth/login`, jar);
        return { jar, authorize: start.headers.get("location") ?? "", user: `outage${i}` };
      }),
    );
    const background = protectedTraffic(mix, 4_000, 20);
    await idp.close();
    const duringOutage = await pool(
      10,
      pending.map((p) => async () => {
        // Simulate the provider's redirect back with a code it can no longer redeem.
        const state = new URL(p.authorize).searchParams.get("state");
        const response = await go(
          `${REDIRECT_URI}?code=lost-in-outage&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
          p.jar,
        );
        const body = await response.text();
        return {
          status: response.status,
          clean: body.includes('data-testid="auth-error"') && !/at \w+ \(|node_modules/.test(body),
        };
      }),
    );
    const statuses = duringOutage.map((r) => r.status);
    check(
      "callbacks while the provider is down end on a clean 502/504 page",
      duringOutage.every((r) => (r.status === 502 || r.status === 504) && r.clean),
      `statuses ${JSON.stringify([...new Set(statuses)])}`,
    );
    await delay(3_000);
    idp = await startIdp(); // back, with new signing keys: the app refetches the JWKS once
    const after = await pool(
      10,
      Array.from({ length: 20 }, (_, i) => () => login(`after${i}`)),
    );
    check(
      "logins after the outage succeed (new provider keys)",
      after.every((r) => r.ok),
      `${after.filter((r) => r.ok).length}/20 ok`,
    );
    const alongside = await background;
    check(
      "protected-page traffic during the outage never noticed",
      alongside.fiveXX === 0 && alongside.wrong === 0,
      `${alongside.total} requests, 5xx ${alongside.fiveXX}, wrong answers ${alongside.wrong}`,
    );
    console.log(
      `\nrss of this load generator: ${Math.round(process.memoryUsage().rss / 1e6)} MB; Node ${process.version}`,
    );
  } finally {
    app.kill("SIGTERM");
    await idp.close().catch(() => {});
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
