// @ts-check
/**
 * The end-to-end login in other builds of the same app, each a copy built and served on its own, on the packed package
 * (`npm pack` of lib/auth: what the registry would serve):
 *
 *   node22-proxy  Node.js 22 (the npm registry's `node` package, installed outside the project's dependencies),
 *                 with the request gate as Next 16's `proxy.ts` on the Node.js runtime instead of edge `middleware.ts`;
 *   basepath      `basePath: "/docs"` in next.config, on this Node.js, with `middleware.ts`;
 *   cache-components  `cacheComponents: true` in next.config (Next 16's partial prerendering): every page's static
 *                 shell is prerendered at build time and the user streams in the same response (the copy gets an
 *                 app/loading.tsx: Cache Components wants the pages' own request data inside <Suspense>).
 *
 * Each build's route table is checked first: the pages that do not read the user on the server stay static (○), or
 * under Cache Components every page has a prerendered shell (◐) whose HTML holds no user.
 *
 * The first two also carry the gate fixtures (tests/gate/fixtures: pages and route handlers that never call getUser(), and a
 * middleware protecting them), which tests/variants/gate-matrix.spec.ts attacks anonymously: so the gate's promise is
 * proven on the edge runtime and on the Node.js runtime.
 *
 *   node scripts/e2e-variants.mjs [name...]     (all of them by default)
 */
import { spawnSync } from "node:child_process";
import { node22, nodeVersion as version } from "./node22.mjs";
import { nodeModulesWithTarball, packPackage } from "./packed-package.mjs";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Not copied: build output, dependencies (linked instead), and any local config (tests/variants gives its own). */
const SKIP = new Set([
  "node_modules",
  ".next",
  ".git",
  "test-results",
  "playwright-report",
  "bench",
  ".e2e-variants",
  "secrets.toml",
  ".streamlit",
]);

/**
 * @typedef {{ node: () => string, gate: "middleware" | "proxy", basePath: string, fixtures: boolean,
 *   cacheComponents: boolean, policyFixtures?: boolean }} Variant
 */
/** @type {Record<string, Variant>} */
const VARIANTS = {
  "node22-proxy": { node: node22, gate: "proxy", basePath: "", fixtures: true, cacheComponents: false },
  basepath: {
    node: () => process.execPath,
    gate: "middleware",
    basePath: "/docs",
    fixtures: true,
    cacheComponents: false,
    // The login hook and the app's own error page (tests/policy/fixtures), under a base path.
    policyFixtures: true,
  },
  "cache-components": {
    node: () => process.execPath,
    gate: "middleware",
    basePath: "",
    fixtures: false,
    cacheComponents: true,
  },
};

/** What `next build` must list: pages that read the user per request, and pages that must not turn dynamic. */
const EXPECTED_ROUTES = {
  plain: { "/": "ƒ", "/protected": "ƒ", "/static": "○", "/_not-found": "○", "/auth/user": "ƒ" },
  cacheComponents: { "/": "◐", "/protected": "◐", "/static": "◐", "/_not-found": "◐", "/auth/user": "ƒ" },
};
const FIXTURES = path.join(ROOT, "tests", "gate", "fixtures");
const POLICY_FIXTURES = path.join(ROOT, "tests", "policy", "fixtures", "app");

/**
 * A copy of the project (sources only), changed for the variant. Its node_modules holds the packed package (the tarball
 * `npm pack` makes of lib/auth, unpacked) and links to the project's other dependencies, so the app runs on the
 * package as an app that installed it does, not on the workspace's source.
 */
function prepare(/** @type {string} */ name, /** @type {Variant} */ variant, /** @type {string} */ tarball) {
  const dir = path.join(ROOT, ".e2e-variants", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(ROOT)) {
    if (!SKIP.has(entry) && !entry.startsWith(".env"))
      cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  nodeModulesWithTarball(path.join(dir, "node_modules"), tarball);
  if (variant.fixtures) {
    for (const entry of ["app", "public", "middleware.ts"])
      cpSync(path.join(FIXTURES, entry), path.join(dir, entry), { recursive: true });
  }
  if (variant.policyFixtures) cpSync(POLICY_FIXTURES, path.join(dir, "app"), { recursive: true });
  if (variant.gate === "proxy") renameSync(path.join(dir, "middleware.ts"), path.join(dir, "proxy.ts"));
  if (variant.cacheComponents) {
    // Cache Components wants request data (the demo's pages await getUser()) inside <Suspense>: the app's own part.
    writeFileSync(
      path.join(dir, "app", "loading.tsx"),
      'export default function Loading() {\n  return <section className="card muted">Loading…</section>;\n}\n',
    );
  }
  const configFile = path.join(dir, "next.config.ts");
  const config = readFileSync(configFile, "utf8");
  // The copy lives inside the project, so Turbopack's root is the project (where node_modules really is).
  const extra = [
    `turbopack: { root: ${JSON.stringify(ROOT)} },`,
    variant.basePath ? ` basePath: ${JSON.stringify(variant.basePath)},` : "",
    // As Next recommends for a new project: both, so it does not warn.
    variant.cacheComponents ? " cacheComponents: true, partialPrefetching: true," : "",
  ].join("");
  const anchor = "const nextConfig: NextConfig = {";
  if (!config.includes(anchor))
    throw new Error(`next.config.ts no longer contains "${anchor}": update scripts/e2e-variants.mjs`);
  writeFileSync(configFile, config.replace(anchor, `${anchor}\n  ${extra}`));
  return dir;
}

/**
 * Runs a command, its output passed through (and returned when `capture` is set).
 * @param {string} command @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, capture?: boolean }} [options]
 */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    stdio: options.capture ? "pipe" : "inherit",
    encoding: "utf8",
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...options.env },
  });
  if (options.capture) {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
  }
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed with exit code ${result.status}`);
  return result.stdout ?? "";
}

/** Checks `next build`'s route table (○ static, ◐ partial prerender, ƒ dynamic) and the static HTML it wrote. */
function checkBuild(/** @type {string} */ output, /** @type {string} */ dir, /** @type {Variant} */ variant) {
  const listed = new Map([...output.matchAll(/^[┌├└]\s+(\S)\s+(\/\S*)/gmu)].map((m) => [m[2] ?? "", m[1] ?? ""]));
  const expected = variant.cacheComponents ? EXPECTED_ROUTES.cacheComponents : EXPECTED_ROUTES.plain;
  for (const [route, kind] of Object.entries(expected)) {
    if (listed.get(route) !== kind)
      throw new Error(`next build lists ${route} as ${listed.get(route) ?? "missing"}, expected ${kind}`);
  }
  // The prerendered HTML of the static page (its shell under Cache Components) shows fallbacks, never a user.
  const html = readFileSync(path.join(dir, ".next", "server", "app", "static.html"), "utf8");
  if (!html.includes('data-testid="client-user-pending"') || html.includes("is_logged_in"))
    throw new Error("the prerendered /static holds a user instead of the <Suspense> fallbacks");
  console.log(`Route table and prerendered /static as expected: ${JSON.stringify(expected)}`);
}

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(VARIANTS);
const { tarball } = packPackage(path.join(ROOT, ".e2e-variants", "packed"));
for (const name of names) {
  const variant = VARIANTS[name];
  if (!variant) {
    console.error(`Unknown variant ${name}. Known: ${Object.keys(VARIANTS).join(", ")}`);
    process.exit(2);
  }
  const node = variant.node();
  console.log(
    `\n== e2e variant ${name}: ${version(node)}, ${variant.gate}.ts, basePath "${variant.basePath}"${variant.cacheComponents ? ", cacheComponents" : ""} ==`,
  );
  const dir = prepare(name, variant, tarball);
  // No config at build time: it comes from AUTH_SECRETS (or, for proxy.ts, a file) when the server starts.
  checkBuild(run(node, ["node_modules/next/dist/bin/next", "build"], { cwd: dir, capture: true }), dir, variant);
  run(
    process.execPath,
    ["node_modules/@playwright/test/cli.js", "test", "--config", "tests/variants/playwright.config.ts"],
    {
      env: {
        VARIANT_APP_DIR: dir,
        VARIANT_NODE: node,
        VARIANT_BASE_PATH: variant.basePath,
        VARIANT_GATE: variant.gate,
        VARIANT_CACHE_COMPONENTS: variant.cacheComponents ? "1" : "",
        VARIANT_FIXTURES: variant.fixtures ? "1" : "",
        VARIANT_POLICY_FIXTURES: variant.policyFixtures ? "1" : "",
      },
    },
  );
  rmSync(dir, { recursive: true, force: true });
}
