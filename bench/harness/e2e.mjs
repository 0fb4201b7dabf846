// @ts-check
/**
 * End to end: `next start` of each build, all started at the beginning of a round and stopped at its end, and
 * autocannon against their pages one at a time, anonymous or with a valid cookie minted by that build's own library.
 * Each build's checks (valid cookie accepted; missing, tampered or foreign one not) run before it is measured.
 */
import { check, get, load, median, round, settle, tamper } from "./measure.mjs";
import { startApp } from "./process.mjs";

export const COOKIE_SECRET = "bench-cookie-secret-0123456789-abcdefghijklmnop";
export const PEER_SECRET = "bench-peer-secret-0123456789-abcdefghijklmnopqr";
export const CLIENT = { client_id: "bench", client_secret: "bench-client-secret-0123456789" };
export const SUB = "110169484474386276334";
const PAGE_TEXT = "hello from a server component";

/**
 * The builds, each an app under bench/apps: started in this order in odd rounds and in the reverse order in even ones
 * (see `e2e`), the README app between the plain app and its emptied copy, the `init --edge` app beside its own.
 */
export const E2E_BUILDS = [
  { key: "plain", app: "plain", label: "no plugin (plain Next.js app)" },
  { key: "readme", app: "readme", label: "this plugin as the README says (init: proxy.ts, Node.js runtime)" },
  { key: "empty_proxy", app: "empty-proxy", label: "the README setup with an empty proxy.ts (same matcher)" },
  { key: "edge", app: "readme-edge", label: "this plugin with init --edge (middleware.ts, edge runtime)" },
  { key: "empty_edge", app: "empty-edge", label: "init --edge with an empty middleware.ts (same matcher)" },
  { key: "auth0", app: "auth0", label: "nextjs-auth0 4 as its README says (proxy.ts, every path)" },
  { key: "authjs", app: "authjs", label: "next-auth 5 as its guide says (middleware.ts, SessionProvider)" },
];

/**
 * Pages a build serves in every round's warm-up without a cell of their own: the emptied-gate apps render their
 * dynamic page (`getUser()`, logged in and not) as the README apps do, so that their processes are in the same state
 * (the storages Next enables for a dynamic render slow every later request).
 * @type {Record<string, string[]>}
 */
const WARMED_ONLY = { empty_proxy: ["/dyn/user"], empty_edge: ["/dyn/user"] };

/**
 * What is measured: a page of a build, anonymous or with that build's valid cookie.
 * `/` and `/protected` are the same one-line static page; only the matcher (or the peer's own rule) protects the latter.
 * Measured in this order (reversed every other round), so that the cells a ratio compares run close together in time.
 * @typedef {{ key: string, build: string, path: string, cookie: boolean, page: "static" | "protected" | "dynamic" }} Cell
 * @type {Cell[]}
 */
export const CELLS = [
  { key: "auth0_static", build: "auth0", path: "/", cookie: false, page: "static" },
  { key: "readme_static", build: "readme", path: "/", cookie: false, page: "static" },
  { key: "plain_static", build: "plain", path: "/", cookie: false, page: "static" },
  { key: "empty_proxy_static", build: "empty_proxy", path: "/", cookie: false, page: "static" },
  { key: "edge_static", build: "edge", path: "/", cookie: false, page: "static" },
  { key: "empty_edge_static", build: "empty_edge", path: "/", cookie: false, page: "static" },
  { key: "authjs_static", build: "authjs", path: "/", cookie: false, page: "static" },
  { key: "auth0_protected", build: "auth0", path: "/protected", cookie: true, page: "protected" },
  { key: "readme_protected", build: "readme", path: "/protected", cookie: true, page: "protected" },
  { key: "empty_proxy_protected", build: "empty_proxy", path: "/protected", cookie: true, page: "protected" },
  { key: "readme_static_logged_in", build: "readme", path: "/", cookie: true, page: "static" },
  { key: "edge_static_logged_in", build: "edge", path: "/", cookie: true, page: "static" },
  { key: "edge_protected", build: "edge", path: "/protected", cookie: true, page: "protected" },
  { key: "empty_edge_protected", build: "empty_edge", path: "/protected", cookie: true, page: "protected" },
  { key: "authjs_protected", build: "authjs", path: "/protected", cookie: true, page: "protected" },
  { key: "plain_dynamic_anonymous", build: "plain", path: "/dyn/cookies", cookie: false, page: "dynamic" },
  { key: "readme_dynamic_anonymous", build: "readme", path: "/dyn/user", cookie: false, page: "dynamic" },
  { key: "edge_dynamic_anonymous", build: "edge", path: "/dyn/user", cookie: false, page: "dynamic" },
  { key: "edge_dynamic_logged_in", build: "edge", path: "/dyn/user", cookie: true, page: "dynamic" },
  { key: "readme_dynamic_logged_in", build: "readme", path: "/dyn/user", cookie: true, page: "dynamic" },
  { key: "plain_dynamic_logged_in", build: "plain", path: "/dyn/cookies", cookie: true, page: "dynamic" },
];

/**
 * Ratios of req/s, [numerator cell, denominator cell], each taken within a round, then the median over rounds. Each
 * also has a `_cpu_ratio` twin: the denominator's server CPU per request ÷ the numerator's (so that, like req/s, above
 * 1 means the numerator is cheaper), which other work on the machine moves far less than req/s.
 * "middleware" in a name is the README setup's gate (Next 16 calls it Proxy (Middleware)); `edge_` rows are init --edge.
 */
export const RATIOS = {
  static_page_vs_no_plugin_ratio: ["readme_static", "plain_static"],
  dynamic_page_vs_cookies_anonymous_ratio: ["readme_dynamic_anonymous", "plain_dynamic_anonymous"],
  dynamic_page_vs_cookies_logged_in_ratio: ["readme_dynamic_logged_in", "plain_dynamic_logged_in"],
  middleware_protected_vs_unprotected_ratio: ["readme_protected", "readme_static_logged_in"],
  middleware_vs_empty_ratio: ["readme_protected", "empty_proxy_protected"],
  middleware_vs_auth0_ratio: ["readme_protected", "auth0_protected"],
  middleware_vs_authjs_ratio: ["readme_protected", "authjs_protected"],
  proxy_vs_middleware_ratio: ["readme_protected", "edge_protected"],
  static_page_vs_empty_gate_ratio: ["readme_static", "empty_proxy_static"],
  empty_gate_static_page_vs_no_plugin_ratio: ["empty_proxy_static", "plain_static"],
  edge_static_page_vs_no_plugin_ratio: ["edge_static", "plain_static"],
  empty_edge_static_page_vs_no_plugin_ratio: ["empty_edge_static", "plain_static"],
  edge_static_page_vs_empty_edge_ratio: ["edge_static", "empty_edge_static"],
  edge_dynamic_page_vs_cookies_anonymous_ratio: ["edge_dynamic_anonymous", "plain_dynamic_anonymous"],
  edge_dynamic_page_vs_cookies_logged_in_ratio: ["edge_dynamic_logged_in", "plain_dynamic_logged_in"],
  edge_protected_vs_unprotected_ratio: ["edge_protected", "edge_static_logged_in"],
  edge_vs_empty_edge_ratio: ["edge_protected", "empty_edge_protected"],
  edge_vs_auth0_ratio: ["edge_protected", "auth0_protected"],
  edge_vs_authjs_ratio: ["edge_protected", "authjs_protected"],
  auth0_static_page_vs_no_plugin_ratio: ["auth0_static", "plain_static"],
  authjs_static_page_vs_no_plugin_ratio: ["authjs_static", "plain_static"],
};

/**
 * The same kind of request to the app without the plugin: its static page (for static and protected pages, which are
 * the same one-line page) or its dynamic page reading cookies(), anonymous or with the cookie.
 * @param {Cell} cell
 */
export function plainCounterpart(cell) {
  if (cell.page !== "dynamic") return "plain_static";
  return cell.cookie ? "plain_dynamic_logged_in" : "plain_dynamic_anonymous";
}

/** The plugin's config for an app at `origin` (a provider that is never reached unless `idpOrigin` is given). */
export function configToml(origin, idpOrigin = "http://127.0.0.1:9") {
  return `[auth]
redirect_uri = "${origin}/oauth2callback"
cookie_secret = "${COOKIE_SECRET}"
client_id = "${CLIENT.client_id}"
client_secret = "${CLIENT.client_secret}"
server_metadata_url = "${idpOrigin}/.well-known/openid-configuration"
`;
}

/** @param {string} origin @param {string} what */
async function staticPage(origin, what, path = "/", cookie = undefined) {
  const page = await get(`${origin}${path}`, cookie);
  check(page.status === 200 && page.text.includes(PAGE_TEXT), `${what}: ${path} answers the page (got ${page.status})`);
  return page;
}

/** Environment, a valid cookie and the checks of each build. @param {any} mint */
function setups(mint) {
  const ours = (origin) => mint.oursCookie(COOKIE_SECRET, origin, SUB);
  /** Our config, for an app on `port`. @param {number} port */
  const oursEnv = (port) => ({ AUTH_SECRETS: configToml(`http://127.0.0.1:${port}`) });
  /** The README setup's gate, as proxy.ts or (init --edge) middleware.ts. @param {string} what */
  const gateChecks = (what) => async (origin, cookie) => {
    const home = await staticPage(origin, what);
    check(home.setCookie.length === 0, `${what}: no Set-Cookie on the home page`);
    const ok = await staticPage(origin, `${what} (valid cookie)`, "/protected", cookie);
    check(ok.setCookie.length === 0, `${what}: no Set-Cookie on an ordinary request`);
    for (const [name, sent] of [
      ["no cookie", undefined],
      ["a tampered cookie", tamper(cookie)],
      ["a cookie sealed with another secret", await mint.oursCookie(PEER_SECRET, origin, SUB)],
    ]) {
      const refused = await get(`${origin}/protected`, sent);
      check(refused.status === 307 && refused.location.includes("/auth/login"), `${what}: /protected with ${name} is sent to log in (got ${refused.status})`);
    }
  };
  /** The gate's checks, then getUser()'s on the dynamic page. @param {string} what */
  const userChecks = (what) => async (origin, cookie) => {
    await gateChecks(what)(origin, cookie);
    check((await get(`${origin}/dyn/user`, cookie)).text.includes(SUB), `${what}: getUser() page: the valid cookie is read`);
    check((await get(`${origin}/dyn/user`, tamper(cookie))).text.includes("nobody"), `${what}: getUser() page: a tampered cookie is not`);
    check((await get(`${origin}/dyn/user`)).text.includes("nobody"), `${what}: getUser() page: anonymous`);
  };
  /** The emptied gate lets /protected through; the app's getUser() still reads the cookie. @param {string} what */
  const emptyGateChecks = (what) => async (origin, cookie) => {
    await staticPage(origin, what, "/protected", cookie);
    check((await get(`${origin}/dyn/user`, cookie)).text.includes(SUB), `${what}: getUser() page: the valid cookie is read`);
  };
  return {
    plain: {
      env: () => ({}),
      cookie: ours,
      async check(origin, cookie) {
        await staticPage(origin, "plain");
        check((await get(`${origin}/dyn/cookies`, cookie)).text.includes("cookie"), "plain: /dyn/cookies reads the cookie");
        check((await get(`${origin}/dyn/cookies`)).text.includes("nobody"), "plain: /dyn/cookies without a cookie");
      },
    },
    readme: { env: oursEnv, cookie: ours, check: userChecks("README setup (proxy.ts)") },
    edge: { env: oursEnv, cookie: ours, check: userChecks("init --edge (middleware.ts)") },
    auth0: {
      env: (port) => ({
        AUTH0_DOMAIN: "bench.example.auth0.com",
        AUTH0_CLIENT_ID: "bench",
        AUTH0_CLIENT_SECRET: "bench-client-secret",
        AUTH0_SECRET: PEER_SECRET,
        APP_BASE_URL: `http://127.0.0.1:${port}`,
      }),
      cookie: () => mint.auth0Cookie(PEER_SECRET, SUB),
      async check(origin, cookie) {
        await staticPage(origin, "auth0");
        const ok = await staticPage(origin, "auth0 (valid cookie)", "/protected", cookie);
        check(ok.setCookie.some((c) => c.startsWith("__session=") && !/max-age=0/i.test(c)), "auth0: the session is rolled (re-encrypted, Set-Cookie)");
        const profile = await get(`${origin}/auth/profile`, cookie);
        check(profile.status === 200 && profile.text.includes(SUB), `auth0: /auth/profile with the cookie shows the user (got ${profile.status})`);
        for (const [name, sent] of [
          ["no cookie", undefined],
          ["a tampered cookie", tamper(cookie)],
        ]) {
          const refused = await get(`${origin}/protected`, sent);
          check(refused.status >= 300 && refused.status < 400 && refused.location.includes("/auth/login"), `auth0: /protected with ${name} is sent to log in (got ${refused.status})`);
        }
      },
    },
    authjs: {
      env: () => ({ AUTH_SECRET: PEER_SECRET }),
      cookie: () => mint.authjsCookie(PEER_SECRET, SUB),
      async check(origin, cookie) {
        await staticPage(origin, "authjs");
        const ok = await staticPage(origin, "authjs (valid cookie)", "/protected", cookie);
        check(ok.setCookie.some((c) => c.startsWith("authjs.session-token=")), "authjs: the session is re-encoded (Set-Cookie)");
        for (const [name, sent] of [
          ["no cookie", undefined],
          ["a tampered cookie", tamper(cookie)],
        ]) {
          const refused = await get(`${origin}/protected`, sent);
          check(refused.status >= 300 && refused.status < 400 && refused.location.includes("signin"), `authjs: /protected with ${name} is sent to sign in (got ${refused.status})`);
        }
      },
    },
    empty_proxy: { env: oursEnv, cookie: ours, check: emptyGateChecks("empty proxy.ts") },
    empty_edge: { env: oursEnv, cookie: ours, check: emptyGateChecks("empty edge middleware") },
  };
}

/**
 * Every round starts every build (each checked first: its edge sandbox, if any, starts then, as it would on a live
 * site), loads every cell for `settings.warmup_first` seconds so that each server's JIT has settled (a dynamic page
 * needs about 10 s of load; cold, it costs half again as much CPU) and each server has served all its pages, then
 * measures every cell in CELLS order (reversed in even rounds), each once its server's CPU per request has settled under
 * that cell's own load (see `settle`), and stops them.
 * Fresh processes every round, because two `next start` processes of the same build settle at speeds up to 5 % apart:
 * the median over rounds is then over processes too. The builds start in the reverse order every other round: three
 * processes of the same build, started one after the other, served 1.04 and 1.12 times the first one's req/s in one
 * measured run of 4 rounds (and within 3 % of it in the next), so a fixed order could favour one side of a ratio in
 * every round.
 * @param {any} mint
 * @param {{ rounds: number, seconds: number, warmup: number, warmup_max: number, warmup_first: number, connections: number }} settings
 * @param {number} deadline
 */
export async function e2e(mint, settings, deadline) {
  const setup = setups(mint);
  /** @type {Array<Record<string, unknown>>} */
  const raw = [];
  /** How each build served its home page: from the prerendered HTML, or rendered for the request. */
  /** @type {Record<string, { status: number, prerendered: boolean, cache_control: string | null }>} */
  const served = {};
  for (let round = 1; round <= settings.rounds; round++) {
    /** @type {Map<string, { server: Awaited<ReturnType<typeof startApp>>, cookie: string }>} */
    const running = new Map();
    try {
      for (const build of round % 2 ? E2E_BUILDS : [...E2E_BUILDS].reverse()) {
        const s = setup[/** @type {keyof ReturnType<typeof setups>} */ (build.key)];
        const server = await startApp(build.app, s.env);
        running.set(build.key, { server, cookie: "" });
        const cookie = /** @type {string} */ (await s.cookie(server.origin));
        try {
          await s.check(server.origin, cookie);
        } catch (error) {
          console.error(server.log());
          throw error;
        }
        running.set(build.key, { server, cookie });
        if (round === 1) {
          const home = await get(`${server.origin}/`);
          const prerender = home.headers.get("x-nextjs-prerender") ?? "";
          served[build.key] = { status: home.status, prerendered: /\b1\b/.test(prerender), cache_control: home.headers.get("cache-control") };
        }
      }
      /** @param {string} build */
      const started = (build) => /** @type {{ server: Awaited<ReturnType<typeof startApp>>, cookie: string }} */ (running.get(build));
      /** @param {Cell} cell */
      const target = (cell) => {
        const t = started(cell.build);
        return { url: `${t.server.origin}${cell.path}`, cookie: cell.cookie ? t.cookie : undefined, server: t.server };
      };
      console.log(`  round ${round}: warming up every page for ${settings.warmup_first} s`);
      for (const cell of CELLS) {
        const { url, cookie } = target(cell);
        await load(url, cookie, settings.warmup_first, settings.connections);
      }
      for (const [build, paths] of Object.entries(WARMED_ONLY)) {
        const { server, cookie } = started(build);
        for (const page of paths) {
          for (const sent of [undefined, cookie]) await load(`${server.origin}${page}`, sent, settings.warmup_first / 2, settings.connections);
        }
      }
      for (const cell of round % 2 ? CELLS : [...CELLS].reverse()) {
        if (Date.now() > deadline) throw new Error("deadline reached");
        const { url, cookie, server } = target(cell);
        const warmed = await settle(url, cookie, settings.connections, server.pgid, settings.warmup, settings.warmup_max);
        const measured = await load(url, cookie, settings.seconds, settings.connections, server.pgid);
        if (measured.non2xx > 0 || measured.errors > 0) {
          console.error(server.log());
          throw new Error(`${cell.key}: ${measured.non2xx} non-2xx and ${measured.errors} errors under load`);
        }
        raw.push({ round, cell: cell.key, build: cell.build, path: cell.path, cookie: cell.cookie, warmup_s: warmed, ...measured });
        console.log(`  round ${round} ${cell.key.padEnd(26)} (settled in ${warmed} s) ${String(measured.rps).padStart(7)} req/s  p50 ${measured.p50} ms  p99 ${measured.p99} ms  server ${measured.cpu_us} µs CPU/req  ${measured.bytes} B  machine busy ${measured.busy}`);
      }
    } finally {
      for (const { server } of running.values()) await server.stop();
    }
  }
  return { raw, served };
}

/**
 * Metrics of the end-to-end section: per cell the median req/s, p50 and p99 over the rounds used, and every ratio.
 * Rounds in which something else loaded the machine are set aside when at least two clean ones remain.
 * @param {Array<Record<string, any>>} raw @param {number} rounds @param {number} contendedCpu
 */
export function e2eMetrics(raw, rounds, contendedCpu) {
  /** @type {Record<string, unknown>} */
  const metrics = {};
  const all = Array.from({ length: rounds }, (_, i) => i + 1);
  const contended = all.filter((r) => raw.some((x) => x["round"] === r && typeof x["busy"] === "number" && x["busy"] >= contendedCpu));
  const clean = all.filter((r) => !contended.includes(r));
  const used = clean.length >= 2 ? clean : all;
  metrics["e2e_rounds_used"] = used;
  metrics["e2e_rounds_contended"] = contended;
  const rows = (cell) => raw.filter((r) => r["cell"] === cell && used.includes(r["round"]));
  for (const cell of CELLS) {
    metrics[`e2e_${cell.key}_rps`] = round(median(rows(cell.key).map((r) => r["rps"])), 1);
    metrics[`e2e_${cell.key}_p50_ms`] = median(rows(cell.key).map((r) => r["p50"]));
    metrics[`e2e_${cell.key}_p99_ms`] = median(rows(cell.key).map((r) => r["p99"]));
    metrics[`e2e_${cell.key}_cpu_us`] = round(median(rows(cell.key).map((r) => r["cpu_us"] ?? NaN)), 0);
    metrics[`e2e_${cell.key}_bytes`] = median(rows(cell.key).map((r) => r["bytes"] ?? NaN));
  }
  /** @param {string} a @param {string} b @param {(x: Record<string, any>, y: Record<string, any>) => number} ratio */
  const perRound = (a, b, ratio = (x, y) => x["rps"] / y["rps"]) => {
    const ratios = [];
    for (const r of used) {
      const x = raw.find((row) => row["round"] === r && row["cell"] === a);
      const y = raw.find((row) => row["round"] === r && row["cell"] === b);
      if (x && y) ratios.push(ratio(x, y));
    }
    return ratios.filter(Number.isFinite);
  };
  /** @param {string} a @param {string} b @param {(x: Record<string, any>, y: Record<string, any>) => number} [ratio] */
  const paired = (a, b, ratio) => round(median(perRound(a, b, ratio)), 3);
  /** @param {Record<string, any>} x @param {Record<string, any>} y */
  const cpuRatio = (x, y) => (x["cpu_us"] > 0 && y["cpu_us"] > 0 ? y["cpu_us"] / x["cpu_us"] : NaN);
  for (const [name, [a, b]] of Object.entries(RATIOS)) {
    const rounds = perRound(a, b);
    metrics[name] = round(median(rounds), 3);
    // The ratio of each round, in round order: how far apart the rounds were (processes of one build differ by a few %).
    metrics[`${name}_rounds`] = rounds.map((x) => round(x, 3));
    metrics[name.replace(/_ratio$/, "_cpu_ratio")] = paired(a, b, cpuRatio);
  }
  for (const cell of CELLS) metrics[`e2e_${cell.key}_vs_plain`] = paired(cell.key, plainCounterpart(cell));
  const anonymous = /** @type {number} */ (metrics["dynamic_page_vs_cookies_anonymous_ratio"]);
  const loggedIn = /** @type {number} */ (metrics["dynamic_page_vs_cookies_logged_in_ratio"]);
  metrics["dynamic_page_vs_cookies_ratio"] = Math.min(anonymous, loggedIn);
  metrics["dynamic_page_vs_cookies_cpu_ratio"] = Math.min(
    /** @type {number} */ (metrics["dynamic_page_vs_cookies_anonymous_cpu_ratio"]),
    /** @type {number} */ (metrics["dynamic_page_vs_cookies_logged_in_cpu_ratio"]),
  );
  metrics["edge_dynamic_page_vs_cookies_ratio"] = Math.min(
    /** @type {number} */ (metrics["edge_dynamic_page_vs_cookies_anonymous_ratio"]),
    /** @type {number} */ (metrics["edge_dynamic_page_vs_cookies_logged_in_ratio"]),
  );
  return metrics;
}
