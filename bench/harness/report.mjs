// @ts-check
/**
 * The rows of the benchmark, their targets, and how they are shown: the console tables of `npm run bench` and the
 * Markdown of `node bench/report.mjs` (the README's Performance section), both from the same report object.
 */
import { CELLS, E2E_BUILDS } from "./e2e.mjs";

/**
 * Rows with a target. `test` gets the value and every metric of the run.
 * @typedef {{ name: string, target: string, test: (v: any, m: Record<string, any>) => boolean, what: string }} TargetRow
 * @type {TargetRow[]}
 */
export const TARGET_ROWS = [
  { name: "static_page_vs_no_plugin_ratio", target: "≥ 0.95", test: (v) => v >= 0.95, what: "anonymous GET of a one-line static page: the app set up as the README says (init: `proxy.ts`) ÷ the same app without the plugin (req/s)" },
  { name: "static_page_prerendered", target: "○", test: (v) => v === "○", what: "how `next build` marks that page in the README setup (○ static, ƒ dynamic)" },
  { name: "dynamic_page_vs_cookies_ratio", target: "≥ 0.9", test: (v) => v >= 0.9, what: "a dynamic page calling `getUser()` (README setup) ÷ the same page reading `cookies()` itself (no plugin): the lower of anonymous and logged in" },
  { name: "middleware_vs_empty_ratio", target: "≥ 0.95", test: (v) => v >= 0.95, what: "protected static page, valid cookie, the README setup's gate (`proxy.ts`) ÷ the same app and page with the gate emptied (a `proxy.ts` that only calls `NextResponse.next()`, same matcher)" },
  { name: "middleware_vs_auth0_ratio", target: "≥ 2", test: (v) => v >= 2, what: "the same protected page and cookie: README setup ÷ nextjs-auth0 4 set up as its README says" },
  { name: "middleware_vs_authjs_ratio", target: "≥ 2.5", test: (v) => v >= 2.5, what: "… ÷ next-auth 5 set up as its guide says" },
  { name: "identity_read_repeat_us", target: "≤ 20", test: (v) => v <= 20, what: "µs from an identity cookie to the user object, the same cookie again (in process)" },
  { name: "identity_read_cold_us", target: "≤ authjs_decode_us", test: (v, m) => v <= m["authjs_decode_us"], what: "the same, a never-seen cookie each time" },
  { name: "warm_login_backchannel_requests", target: "= 1", test: (v) => v === 1, what: "requests the server makes to the provider per login once warm" },
  { name: "get_access_token_hot_us", target: "≤ 20", test: (v) => v <= 20, what: "µs per `getAccessToken()` while the stored access token is valid (no refresh; in process)" },
  { name: "refresh_backchannel_requests", target: "= 1", test: (v) => v === 1, what: "requests the server makes to the provider to refresh an access token (`refresh_token` grant)" },
  { name: "client_user_js_gzip_bytes", target: "≤ 1024", test: (v) => v <= 1024, what: "client JavaScript that `useUser()` and `<AuthProvider>` add (gzip)" },
  { name: "first_render_requests", target: "= 0", test: (v) => v === 0, what: "requests `useUser()` makes on a page rendered per request (it calls `getUser()`)" },
  { name: "static_page_user_requests", target: "≤ 1", test: (v) => v <= 1, what: "requests `useUser()` makes on a static page, per page load" },
];

/** Rows reported without a target. @type {Array<{ name: string, what: string }>} */
export const INFO_ROWS = [
  { name: "protected_page_prerendered", what: "how `next build` marks `/protected` (the same page) in the README setup" },
  { name: "dynamic_page_vs_cookies_anonymous_ratio", what: "dynamic page: `getUser()` (README setup) ÷ `cookies()` (no plugin), anonymous" },
  { name: "dynamic_page_vs_cookies_logged_in_ratio", what: "… logged in" },
  { name: "middleware_protected_vs_unprotected_ratio", what: "README setup (`proxy.ts`): protected static page, valid cookie ÷ the same page unprotected, same cookie" },
  { name: "proxy_vs_middleware_ratio", what: "protected page, valid cookie: the gate as `proxy.ts` (README setup) ÷ as `middleware.ts` (`init --edge`)" },
  { name: "static_page_vs_empty_gate_ratio", what: "anonymous static page: the README setup ÷ the same app with its `proxy.ts` emptied (both have rendered their dynamic page): what the gate's code costs a page it never sees" },
  { name: "empty_gate_static_page_vs_no_plugin_ratio", what: "anonymous static page: the README setup with its `proxy.ts` emptied ÷ no plugin: what the rest of the setup costs (a `proxy.ts` having run, `<AuthProvider>`, `instrumentation.ts`)" },
  { name: "edge_static_page_vs_no_plugin_ratio", what: "`static_page_vs_no_plugin_ratio` with `init --edge` (`middleware.ts`, edge runtime)" },
  { name: "empty_edge_static_page_vs_no_plugin_ratio", what: "the same for `init --edge` with its `middleware.ts` emptied" },
  { name: "edge_static_page_vs_empty_edge_ratio", what: "anonymous static page: `init --edge` ÷ the same app with its `middleware.ts` emptied" },
  { name: "edge_dynamic_page_vs_cookies_ratio", what: "`dynamic_page_vs_cookies_ratio` with `init --edge` (the lower of anonymous and logged in)" },
  { name: "edge_protected_vs_unprotected_ratio", what: "`middleware_protected_vs_unprotected_ratio` with `init --edge`" },
  { name: "edge_vs_empty_edge_ratio", what: "protected page, valid cookie: `init --edge` ÷ the same app with its `middleware.ts` emptied" },
  { name: "edge_vs_auth0_ratio", what: "protected page, valid cookie: `init --edge` ÷ nextjs-auth0 4" },
  { name: "edge_vs_authjs_ratio", what: "protected page, valid cookie: `init --edge` ÷ next-auth 5" },
  { name: "auth0_static_page_vs_no_plugin_ratio", what: "anonymous static page: nextjs-auth0 4 as its README says ÷ no plugin" },
  { name: "authjs_static_page_vs_no_plugin_ratio", what: "anonymous static page: next-auth 5 as its guide says ÷ no plugin" },
  { name: "static_page_vs_no_plugin_cpu_ratio", what: "`static_page_vs_no_plugin_ratio` by the server's CPU time per request (the plain app's ÷ the README setup's; above 1: the README setup is cheaper)" },
  { name: "dynamic_page_vs_cookies_cpu_ratio", what: "`dynamic_page_vs_cookies_ratio` by CPU per request (the lower of anonymous and logged in)" },
  { name: "middleware_vs_empty_cpu_ratio", what: "`middleware_vs_empty_ratio` by CPU per request" },
  { name: "middleware_vs_auth0_cpu_ratio", what: "`middleware_vs_auth0_ratio` by CPU per request" },
  { name: "middleware_vs_authjs_cpu_ratio", what: "`middleware_vs_authjs_ratio` by CPU per request" },
  { name: "gate_own_us", what: "µs the gate adds to a request for a protected page with a valid cookie, beyond a middleware that only calls `NextResponse.next()` (in process; `gate_valid_cookie_us` and `empty_middleware_us` are the two calls, each with a new `NextRequest`)" },
  { name: "login_roundtrip_ms", what: "a whole login through the local provider in headless Chromium (median of warm logins)" },
];

/** @param {Record<string, unknown>} m */
export function evaluateTargets(m) {
  /** @type {Record<string, { target: string, value: unknown, met: boolean | null }>} */
  const out = {};
  for (const row of TARGET_ROWS) {
    const value = m[row.name];
    const known = (typeof value === "number" && Number.isFinite(value)) || typeof value === "string";
    out[row.name] = { target: row.target, value: value ?? null, met: known ? row.test(value, m) : null };
  }
  return out;
}

/** The defaults of BENCH_ROUNDS and BENCH_SECONDS (run.mjs): a run with less is marked as a short one. */
export const DEFAULT_ROUNDS = 3;
export const DEFAULT_SECONDS = 5;

/** @param {unknown} v */
const show = (v) => (v === undefined || v === null || (typeof v === "number" && !Number.isFinite(v)) ? "–" : String(v));

/**
 * A ratio with the lowest and highest of its rounds, when the run has them: `0.948 (0.918–0.972)`.
 * @param {Record<string, unknown>} m @param {string} name @param {unknown} value
 */
function withRounds(m, name, value) {
  const rounds = m[`${name}_rounds`];
  if (!Array.isArray(rounds) || rounds.length < 2) return show(value);
  return `${show(value)} (${Math.min(...rounds)}–${Math.max(...rounds)})`;
}

/** The table of rows: [metric, value, target, met, what]. @param {any} report */
export function resultRows(report) {
  const m = report.metrics;
  /** @type {string[][]} */
  const rows = [];
  for (const row of TARGET_ROWS) {
    const t = report.targets[row.name];
    if (!t) continue;
    const target = row.name === "identity_read_cold_us" ? `≤ ${show(m["authjs_decode_us"])} (authjs_decode_us)` : row.target;
    rows.push([row.name, withRounds(m, row.name, t.value), target, t.met === null ? "" : t.met ? "met" : "MISSED", row.what]);
  }
  for (const row of INFO_ROWS) if (m[row.name] !== undefined) rows.push([row.name, withRounds(m, row.name, m[row.name]), "", "", row.what]);
  return rows;
}

/** The columns of what each setup pays: the kind of page and visitor of each cell. */
const COLUMNS = [
  { title: "static page, anonymous", page: "static", cookie: false },
  { title: "static page, logged in", page: "static", cookie: true },
  { title: "protected page, logged in", page: "protected", cookie: true },
  { title: "dynamic page, anonymous", page: "dynamic", cookie: false },
  { title: "dynamic page, logged in", page: "dynamic", cookie: true },
];

/**
 * One row per setup, one column per kind of request; `format` writes the cell's figures from the run's metrics.
 * @param {any} report @param {(m: Record<string, any>, key: string) => string} format
 */
function matrix(report, format) {
  const header = ["setup", ...COLUMNS.map((c) => c.title)];
  const rows = E2E_BUILDS.map((build) => [
    build.label,
    ...COLUMNS.map((column) => {
      const cell = CELLS.find((c) => c.build === build.key && c.page === column.page && c.cookie === column.cookie);
      return cell ? format(report.metrics, cell.key) : "";
    }),
  ]);
  return { header, rows };
}

/** What each setup pays: req/s and, in brackets, ÷ the same request to the app without the plugin. @param {any} report */
export function setupMatrix(report) {
  return matrix(report, (m, key) => {
    const ratio = m[`e2e_${key}_vs_plain`];
    return `${show(Math.round(m[`e2e_${key}_rps`]))} (${Number.isFinite(ratio) ? ratio.toFixed(2) : "–"})`;
  });
}

/** The server's CPU time per request (µs) and the response size (bytes) of each cell. @param {any} report */
export function cpuMatrix(report) {
  return matrix(report, (m, key) => `${show(m[`e2e_${key}_cpu_us`])} µs, ${show(m[`e2e_${key}_bytes`])} B`);
}

/** The route table of `next build` of the README-setup apps and the others. @param {any} report */
export function buildRows(report) {
  const builds = report.raw?.builds ?? {};
  const names = { readme: "README setup (proxy.ts)", "readme-edge": "init --edge (middleware.ts)", plain: "no plugin", auth0: "nextjs-auth0", authjs: "next-auth" };
  const apps = Object.keys(names).filter((a) => builds[a]);
  const routes = [...new Set(apps.flatMap((a) => Object.keys(builds[a].routes ?? {})))].sort();
  const header = ["route", ...apps.map((a) => names[/** @type {keyof typeof names} */ (a)])];
  const rows = routes.map((route) => [`\`${route}\``, ...apps.map((a) => builds[a].routes?.[route] ?? "")]);
  rows.push(["middleware / proxy runtime", ...apps.map((a) => builds[a].gate_runtime ?? "none")]);
  return { header, rows };
}

/** @param {string[]} header @param {string[][]} rows */
export function textTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (/** @type {string[]} */ cells) => `| ${cells.map((c, i) => (c ?? "").padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** @param {string[]} header @param {string[][]} rows */
export function markdownTable(header, rows) {
  const line = (/** @type {string[]} */ cells) => `| ${cells.map((c) => (c ?? "").replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), `| ${header.map(() => "---").join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** @param {any} report */
export function describeRun(report) {
  const s = report.settings;
  return `${report.generated_at.slice(0, 10)}, Node ${report.node.replace(/^v/, "")}, ${report.cores} cores "${report.cpu ?? "?"}", Next ${report.versions?.next ?? "?"}, load average ${report.loadavg_start.join(" ")} at the start, ${report.loadavg_end.join(" ")} at the end; ${s.rounds} interleaved round(s) of ${s.seconds} s per page after a warm-up ${s.warmup_max ? `until the server's CPU per request settled (${s.warmup}–${s.warmup_max} s)` : `of ${s.warmup} s`} (servers started afresh every round and every page warmed up ${s.warmup_first ?? 0} s first), ${s.connections} connections`;
}

/** The console output of `npm run bench`. @param {any} report */
export function printConsole(report) {
  console.log(`\nResults (${describeRun(report)})`);
  const rows = resultRows(report);
  console.log(textTable(["metric", "value", "target", "", "what"], rows));
  if (report.metrics["e2e_plain_static_rps"] !== undefined) {
    const { header, rows: matrix } = setupMatrix(report);
    console.log(`\nWhat each setup pays: req/s (÷ the same request without the plugin)`);
    console.log(textTable(header, matrix));
    const cpu = cpuMatrix(report);
    console.log(`\nServer CPU per request and response size (median of the rounds)`);
    console.log(textTable(cpu.header, cpu.rows));
    const m = report.metrics;
    const contended = /** @type {number[]} */ (m["e2e_rounds_contended"]);
    console.log(`rounds used: ${m["e2e_rounds_used"].join(", ")}${contended.length ? `; contended (machine ≥ ${report.settings.contended_cpu * 100}% busy): ${contended.join(", ")}` : ""}`);
  }
  if (report.raw?.builds?.readme) {
    const { header, rows: builds } = buildRows(report);
    console.log(`\nnext build (○ static, ƒ dynamic)`);
    console.log(textTable(header, builds));
  }
  if (report.section_seconds) {
    console.log(`\nseconds per section: ${Object.entries(report.section_seconds).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  }
  if (report.metrics["identity_read_repeat_us"] !== undefined) {
    const names = ["identity_read_repeat", "identity_read_cold", "authjs_decode", "auth0_decrypt", "webcrypto_floor", "iron_unseal"];
    console.log("");
    console.log(textTable(["in process", "µs/call"], names.map((n) => [n, show(report.metrics[`${n}_us`])])));
  }
}

/** The Markdown of the README's Performance figures. @param {any} report */
export function markdown(report) {
  const m = report.metrics;
  const s = report.settings;
  const short = s.rounds < DEFAULT_ROUNDS || s.seconds < DEFAULT_SECONDS;
  const parts = [`Run of ${describeRun(report)}.${short ? " **A short run** (fewer rounds or shorter windows than the defaults): indicative only." : ""}`, ""];
  if (m["e2e_plain_static_rps"] !== undefined) {
    const { header, rows } = setupMatrix(report);
    parts.push("What each setup pays, req/s (÷ the same request to the app without the plugin, median of the rounds):", "", markdownTable(header, rows), "");
    if (m["e2e_plain_static_cpu_us"] !== undefined) {
      const cpu = cpuMatrix(report);
      parts.push("The server's CPU time per request (user + system of the `next start` process group over the window ÷ its requests) and the response size, median of the rounds:", "", markdownTable(cpu.header, cpu.rows), "");
    }
  }
  parts.push("A ratio's value is the median of the ratios taken within each round; in brackets, the lowest and the highest round.", "");
  parts.push(markdownTable(["metric", "value", "target", "", "what it measures"], resultRows(report).map((r) => [`\`${r[0]}\``, r[1] ?? "", r[2] ?? "", r[3] ?? "", r[4] ?? ""])), "");
  if (report.raw?.builds?.readme) {
    const { header, rows } = buildRows(report);
    parts.push("`next build` of each app (○ static, prerendered; ƒ rendered per request):", "", markdownTable(header, rows), "");
  }
  if (m["identity_read_repeat_us"] !== undefined) {
    parts.push(
      `In the same process: next-auth's \`decode\` ${show(m["authjs_decode_us"])} µs, nextjs-auth0's \`decrypt\` ${show(m["auth0_decrypt_us"])} µs, iron-session's \`unsealData\` ${show(m["iron_unseal_us"])} µs, and the WebCrypto floor (the same cookie with both keys derived in advance: HMAC verify + AES decrypt + JSON) ${show(m["webcrypto_floor_us"])} µs.`,
      "",
    );
  }
  return parts.join("\n");
}
