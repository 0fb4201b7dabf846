// @ts-check
/**
 * `npm run bench`: the plugin measured in the setup its users have, beside the same app without it, its peers and the
 * hardware; loopback only, bounded in time. Not part of `npm test`. Prints tables and writes
 * bench/results/latest.json (`node bench/report.mjs` turns that into the README's Markdown).
 *
 * 1. In process (bench/src/micro.ts): µs to turn an identity cookie into a user, the same cookie again and again and a
 *    fresh one each time, beside next-auth's `decode`, nextjs-auth0's `decrypt` and the WebCrypto floor; the gate's own
 *    µs per request with a valid cookie beside an empty middleware (bench/src/gate.ts); and
 *    (bench/sessions.mjs) µs per getAccessToken() with a valid token, and the provider requests of one refresh.
 * 2. End to end (harness/e2e.mjs): `next build` + `next start` of seven apps, started afresh and warmed up every round, then
 *    measured interleaved: the same small app without the plugin; set up as the README says (the
 *    packed package and its init: <AuthProvider> in the root layout, proxy.ts protecting /protected,
 *    instrumentation.ts, the auth routes), and the same with init --edge (middleware.ts, edge runtime);
 *    nextjs-auth0 4 and next-auth 5 set up as their own docs say; the two README apps with their gate emptied.
 *    Their static, protected and dynamic pages under autocannon, anonymous and with a valid cookie minted by each
 *    library.
 * 3. With the local OpenID Provider and headless Chromium (harness/browser.mjs): the client JavaScript useUser() and
 *    <AuthProvider> add (gzip), the requests they make on a page rendered per request and on a static page, the
 *    requests the server makes to the provider per warm login, and the time of a full login.
 *
 * Settings (environment): BENCH_ROUNDS (3), BENCH_SECONDS (5, per page and round), BENCH_WARMUP_FIRST (6, every page
 * once per round, after the servers start), BENCH_WARMUP and BENCH_WARMUP_MAX (3 and 10: before each page in every
 * round, load until the server's CPU per request stops falling, for at least and at most this many seconds),
 * BENCH_CONNECTIONS (10), BENCH_LOGINS (8), MICRO_OPS (1000), MICRO_ROUNDS (7), BENCH_ONLY (comma list of:
 * micro,e2e,client,login), BENCH_REBUILD=1 (rebuild apps even when their inputs did not change),
 * BENCH_DEADLINE_MINUTES (40), CHROMIUM_PATH.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { client, logins } from "./harness/browser.mjs";
import { buildApps, bundle, ensureDependencies, generateReadmeApps } from "./harness/build.mjs";
import { E2E_BUILDS, e2e, e2eMetrics } from "./harness/e2e.mjs";
import { median, round } from "./harness/measure.mjs";
import { BENCH, OUT, RESULTS, ROOT } from "./harness/paths.mjs";
import { killAll, run } from "./harness/process.mjs";
import { DEFAULT_ROUNDS, DEFAULT_SECONDS, evaluateTargets, printConsole } from "./harness/report.mjs";
import { sessionRows } from "./sessions.mjs";

const num = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const SETTINGS = {
  rounds: num("BENCH_ROUNDS", DEFAULT_ROUNDS),
  seconds: num("BENCH_SECONDS", DEFAULT_SECONDS),
  warmup_first: num("BENCH_WARMUP_FIRST", 6),
  warmup: num("BENCH_WARMUP", 3),
  warmup_max: num("BENCH_WARMUP_MAX", 10),
  connections: num("BENCH_CONNECTIONS", 10),
  /** A round whose windows saw the machine busier than this (other work beside the benchmark) is "contended". */
  contended_cpu: num("BENCH_CONTENDED_CPU", 0.8),
  logins: num("BENCH_LOGINS", 8),
  micro_ops: num("MICRO_OPS", 1000),
  micro_rounds: num("MICRO_ROUNDS", 7),
};
const SECTIONS = ["micro", "e2e", "client", "login"];
const ONLY = new Set((process.env["BENCH_ONLY"] ?? SECTIONS.join(",")).split(",").map((s) => s.trim()));
/** The whole run stops by itself after this long. */
const DEADLINE = Date.now() + num("BENCH_DEADLINE_MINUTES", 40) * 60_000;

function versionOf(pkgDir) {
  try {
    return JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

/**
 * Runs one of the in-process benchmarks (bench/src/*.ts, bundled into bench/.out) and records each case's median µs
 * in `metrics` as `<case>_us`. @param {string} script @param {Record<string, unknown>} metrics
 */
async function microCases(script, metrics) {
  const out = await run(process.execPath, [path.join(OUT, script)], {
    env: { ...process.env, MICRO_OPS: String(SETTINGS.micro_ops), MICRO_ROUNDS: String(SETTINGS.micro_rounds) },
    timeoutMs: 5 * 60_000,
  });
  const result = JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
  for (const [name, value] of Object.entries(result.cases)) {
    const { median: us, rounds } = /** @type {{ median: number, rounds: number[] }} */ (value);
    metrics[`${name}_us`] = us;
    console.log(`  ${name.padEnd(22)} ${String(us).padStart(8)}  (rounds ${rounds.join(" ")})`);
  }
  return result;
}

async function main() {
  const started = Date.now();
  await ensureDependencies();
  await bundle();
  const mint = await import(pathToFileURL(path.join(OUT, "mint.mjs")).href);
  const loadStart = os.loadavg();

  /** @type {Record<string, unknown>} */
  let metrics = {};
  /** @type {Record<string, unknown>} */
  const rawResults = {};
  /** @type {Record<string, number>} */
  const sectionSeconds = {};
  let sectionStarted = Date.now();
  const sectionDone = (/** @type {string} */ name) => {
    sectionSeconds[name] = round((Date.now() - sectionStarted) / 1000, 0);
    sectionStarted = Date.now();
  };

  if (ONLY.has("micro")) {
    console.log("\n[1] identity cookie → user, in process (µs per call, median of rounds)");
    rawResults["micro"] = await microCases("micro.mjs", metrics);
    // The gate's own work on a protected path with a valid cookie, beside an empty middleware (bench/src/gate.ts).
    rawResults["gate_micro"] = await microCases("gate.mjs", metrics);
    // getAccessToken() with a valid token, and the provider requests of one refresh (bench/sessions.mjs).
    const sessions = await sessionRows({ out: OUT, ops: SETTINGS.micro_ops, rounds: SETTINGS.micro_rounds });
    rawResults["sessions"] = sessions.raw;
    Object.assign(metrics, sessions.metrics);
    for (const [name, value] of Object.entries(sessions.metrics)) console.log(`  ${name.padEnd(28)} ${value}`);
    sectionDone("micro");
  }

  const buildList = [...(ONLY.has("e2e") ? E2E_BUILDS.map((b) => b.app) : []), ...(ONLY.has("client") ? ["plain", "readme"] : []), ...(ONLY.has("login") ? ["readme"] : [])];
  if (buildList.length > 0) {
    console.log("\n· the README setup: the packed package, and npx streamlit-auth-nextjs init --protect /protected (and --edge)");
    rawResults["init_wrote"] = await generateReadmeApps();
    console.log("· building the benchmark apps (next build)");
    const builds = await buildApps([...new Set(buildList)]);
    rawResults["builds"] = builds;
    if (builds["readme"]) {
      metrics["static_page_prerendered"] = builds["readme"].routes["/"] ?? null;
      metrics["protected_page_prerendered"] = builds["readme"].routes["/protected"] ?? null;
    }
    sectionDone("builds");
  }

  if (ONLY.has("e2e")) {
    console.log(`\n[2] end to end: ${E2E_BUILDS.length} builds, ${SETTINGS.rounds} rounds, each: start, every page warmed up ${SETTINGS.warmup_first} s, then ${SETTINGS.warmup}–${SETTINGS.warmup_max} s until settled + ${SETTINGS.seconds} s per page, ${SETTINGS.connections} connections`);
    const { raw, served } = await e2e(mint, SETTINGS, DEADLINE);
    rawResults["e2e"] = raw;
    rawResults["home_page_served"] = served;
    metrics = { ...metrics, ...e2eMetrics(raw, SETTINGS.rounds, SETTINGS.contended_cpu) };
    sectionDone("e2e");
  }

  if (ONLY.has("client")) {
    console.log("\n[3] client JavaScript of useUser() + <AuthProvider>, and the requests they make (headless Chromium)");
    const result = await client(mint);
    rawResults["client"] = result.detail;
    metrics["client_user_js_gzip_bytes"] = result.client_user_js_gzip_bytes;
    metrics["client_user_js_bytes"] = result.client_user_js_bytes;
    metrics["first_render_requests"] = result.first_render_requests;
    metrics["static_page_user_requests"] = result.static_page_user_requests;
    console.log(`  +${result.client_user_js_gzip_bytes} B gzip (+${result.client_user_js_bytes} B); requests: ${result.first_render_requests} on a page rendered per request, ${result.static_page_user_requests} on a static page`);
    sectionDone("client");
  }

  if (ONLY.has("login")) {
    console.log(`\n[4] ${SETTINGS.logins} logins through the local provider (headless Chromium)`);
    const results = await logins(SETTINGS.logins, DEADLINE);
    rawResults["logins"] = results;
    const warm = results.slice(1);
    metrics["warm_login_backchannel_requests"] = Math.max(...warm.map((r) => r.backchannel));
    metrics["cold_login_backchannel_requests"] = results[0]?.backchannel ?? null;
    metrics["login_roundtrip_ms"] = round(median(warm.map((r) => r.ms)), 1);
    metrics["login_roundtrip_first_ms"] = results[0]?.ms ?? null;
    sectionDone("login");
  }

  const report = {
    generated_at: new Date().toISOString(),
    duration_s: round((Date.now() - started) / 1000, 0),
    node: process.version,
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? null,
    loadavg_start: loadStart.map((x) => round(x, 2)),
    loadavg_end: os.loadavg().map((x) => round(x, 2)),
    versions: {
      next: versionOf(path.join(BENCH, "node_modules/next")),
      react: versionOf(path.join(BENCH, "node_modules/react")),
      "iron-session": versionOf(path.join(BENCH, "node_modules/iron-session")),
      "next-auth": versionOf(path.join(BENCH, "node_modules/next-auth")),
      "@auth/core": versionOf(path.join(BENCH, "node_modules/@auth/core")),
      "@auth0/nextjs-auth0": versionOf(path.join(BENCH, "node_modules/@auth0/nextjs-auth0")),
      jose: versionOf(path.join(BENCH, "node_modules/jose")),
      autocannon: versionOf(path.join(BENCH, "node_modules/autocannon")),
    },
    settings: SETTINGS,
    section_seconds: sectionSeconds,
    metrics,
    targets: evaluateTargets(metrics),
    raw: rawResults,
  };
  mkdirSync(RESULTS, { recursive: true });
  const partial = SECTIONS.some((s) => !ONLY.has(s));
  const file = path.join(RESULTS, partial ? "partial.json" : "latest.json");
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  printConsole(report);
  console.log(`\nwrote ${path.relative(ROOT, file)} (${report.duration_s} s)${partial ? "" : "; node bench/report.mjs prints it as Markdown"}`);
}

main().catch((error) => {
  console.error(error);
  killAll();
  process.exit(1);
});
