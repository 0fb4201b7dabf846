// @ts-check
/** Setup: the benchmark's dependencies, its bundles, the generated README-setup apps, and `next build` of each app. */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { run } from "./process.mjs";
import { APPS, BENCH, NEXT_BIN, OUT, ROOT, TEMPLATES } from "./paths.mjs";

export async function ensureDependencies() {
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

/** Bundles bench/src/*.ts (our TypeScript compiled in, packages external) into bench/.out. */
export async function bundle() {
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
  // The gate imports Next's CommonJS path-to-regexp by name, which Node's ESM loader cannot: Next is compiled in.
  await build({
    entryPoints: [path.join(BENCH, "src/gate.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir: OUT,
    outExtension: { ".js": ".mjs" },
    // One copy of Next, the benchmark's (the apps' own), for the library's imports and the benchmark's alike.
    alias: { next: path.join(BENCH, "node_modules/next") },
    banner: { js: `import { createRequire } from "node:module"; const require = createRequire(import.meta.url); const __dirname = ${JSON.stringify(OUT)};` },
    logLevel: "error",
  });
}

/** What a regeneration keeps: the last build and its marker. */
const KEPT_ON_REGENERATION = new Set([".next", ".bench-build", "next-env.d.ts"]);

/** The packed package the README-setup apps were built with (its bytes are part of their build inputs). */
let packedTarball = "";

/**
 * The apps "set up exactly as the README says": the package packed (`npm pack` of lib/auth) and unpacked into
 * bench/node_modules as `npm install streamlit-auth-nextjs` lays it out (the bench's own lockfile holds its
 * dependencies), then bench/templates/readme (pages only, no layout) with `npx streamlit-auth-nextjs init --protect
 * /protected` applied, which writes the root layout with <AuthProvider>, the gate as proxy.ts (Node.js runtime),
 * instrumentation.ts and the one-line auth route files. `readme-edge` is the same with `init --edge`, which writes the
 * gate as middleware.ts (edge runtime) instead. `empty-proxy` and `empty-edge` are those two apps with the gate's
 * function replaced by one that only calls `NextResponse.next()` (same file, same matcher): the floor of each gate,
 * on the very same pages. Generated on every run, so they always follow the package and init as they are now.
 * @returns {Promise<Record<string, string[]>>} the files init wrote, per app
 */
export async function generateReadmeApps() {
  const { packPackage, unpackTarball, PACKAGE_DIR, PACKAGE_NAME } = await import(
    pathToFileURL(path.join(ROOT, "scripts/packed-package.mjs")).href
  );
  packedTarball = packPackage(path.join(OUT, "packed")).tarball;
  unpackTarball(packedTarball, path.join(BENCH, "node_modules", PACKAGE_NAME));
  const { initApp } = await import(pathToFileURL(path.join(PACKAGE_DIR, "dist/cli/init.js")).href);
  /** @type {Record<string, string[]>} */
  const written = {};
  for (const [app, gate] of /** @type {const} */ ([
    ["readme", "proxy.ts"],
    ["readme-edge", "middleware.ts"],
    ["empty-proxy", "proxy.ts"],
    ["empty-edge", "middleware.ts"],
  ])) {
    const dir = path.join(APPS, app);
    mkdirSync(dir, { recursive: true });
    for (const entry of readdirSync(dir)) {
      if (!KEPT_ON_REGENERATION.has(entry)) rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
    cpSync(path.join(TEMPLATES, "readme"), dir, { recursive: true });
    const report = initApp({ target: dir, protect: ["/protected"], edge: gate === "middleware.ts" });
    const kept = report.files.filter((/** @type {{ result: string }} */ f) => f.result === "kept");
    if (kept.length || report.warnings.length) {
      throw new Error(`init into ${app}: ${JSON.stringify({ kept, warnings: report.warnings })}`);
    }
    const layout = readFileSync(path.join(dir, "app/layout.tsx"), "utf8");
    if (!layout.includes("<AuthProvider>{children}</AuthProvider>")) {
      throw new Error(`init into ${app}: the root layout has no <AuthProvider> around {children}:\n${layout}`);
    }
    const gates = ["proxy.ts", "middleware.ts"].filter((file) => existsSync(path.join(dir, file)));
    if (gates.join() !== gate) throw new Error(`init into ${app}: expected it to write ${gate}, found ${gates.join(", ") || "no gate"}`);
    if (app.startsWith("empty-")) emptyGate(path.join(dir, gate));
    written[app] = report.files.map((/** @type {{ path: string }} */ f) => f.path);
  }
  return written;
}

/** Replaces the gate init wrote by one that lets every request through, keeping its matcher. @param {string} file */
function emptyGate(file) {
  const source = readFileSync(file, "utf8");
  const gate = "export default authMiddleware({ matcher: config.matcher });";
  if (!source.includes(gate)) throw new Error(`${file}: init's gate no longer ends with ${gate}`);
  const empty = source
    .replace(/^import \{ authMiddleware \} from .*$/m, 'import { NextResponse } from "next/server";')
    .replace(gate, "// The floor: the same file and matcher, a gate that does nothing.\nexport default function gate() {\n  return NextResponse.next();\n}");
  if (empty.includes("authMiddleware")) throw new Error(`${file}: could not empty the gate:\n${empty}`);
  writeFileSync(file, empty);
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

/** A build is reused when nothing it is made from changed: its sources (and the packed package, for generated apps), the lockfile. */
function buildInputsHash(app) {
  const hash = createHash("sha256");
  const inputs = [...filesUnder(path.join(APPS, app)), path.join(APPS, "next.config.shared.mjs"), path.join(BENCH, "package-lock.json")];
  if ((app.startsWith("readme") || app.startsWith("empty-")) && packedTarball) inputs.push(packedTarball);
  for (const file of inputs) hash.update(path.relative(ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

/**
 * The route table `next build` prints: `┌ ○ /`, `├ ƒ /dyn/user`, ... as { "/": "○", "/dyn/user": "ƒ" }.
 * ○ static (prerendered), ● SSG, ◐ partial prerender, ƒ dynamic (rendered per request).
 * @param {string} output
 */
export function parseRouteTable(output) {
  /** @type {Record<string, string>} */
  const routes = {};
  for (const line of output.split("\n")) {
    const match = /^[┌├└│ ]\s*([○●◐ƒλ])\s+(\/\S*)/.exec(line);
    if (match?.[1] && match[2]) routes[match[2]] = match[1];
  }
  const gate = /^\s*ƒ\s+(Proxy \(Middleware\)|Middleware|Proxy)\s*$/m.exec(output)?.[1] ?? null;
  return { routes, gate };
}

/** The runtime the built app runs its middleware / proxy in, from the build's manifests. */
function gateRuntime(app) {
  const server = path.join(APPS, app, ".next/server");
  try {
    const edge = JSON.parse(readFileSync(path.join(server, "middleware-manifest.json"), "utf8"));
    if (Object.keys(edge.middleware ?? {}).length > 0) return "edge";
  } catch {
    // no manifest
  }
  try {
    const functions = JSON.parse(readFileSync(path.join(server, "functions-config-manifest.json"), "utf8"));
    const entry = functions.functions?.["/_middleware"];
    if (entry) return entry.runtime ?? "nodejs";
  } catch {
    // no manifest
  }
  return null;
}

/**
 * @typedef {{ seconds: number, cached: boolean, routes: Record<string, string>, gate: string | null, gate_runtime: string | null }} BuildInfo
 * @param {string[]} apps @returns {Promise<Record<string, BuildInfo>>}
 */
export async function buildApps(apps) {
  /** @type {Record<string, BuildInfo>} */
  const builds = {};
  for (const app of apps) {
    const marker = path.join(APPS, app, ".bench-build");
    const hash = buildInputsHash(app);
    /** @type {{ hash?: string, routes?: Record<string, string>, gate?: string | null }} */
    let previous = {};
    try {
      previous = JSON.parse(readFileSync(marker, "utf8"));
    } catch {
      // no marker, or one from an older benchmark
    }
    if (!process.env["BENCH_REBUILD"] && previous.hash === hash && previous.routes && existsSync(path.join(APPS, app, ".next/BUILD_ID"))) {
      builds[app] = { seconds: 0, cached: true, routes: previous.routes, gate: previous.gate ?? null, gate_runtime: gateRuntime(app) };
      console.log(`· next build ${app}: unchanged, reused`);
      continue;
    }
    const started = Date.now();
    const output = await run(process.execPath, [NEXT_BIN, "build"], {
      cwd: path.join(APPS, app),
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      timeoutMs: 5 * 60_000,
      quiet: true,
    });
    const { routes, gate } = parseRouteTable(output);
    if (!routes["/"]) throw new Error(`next build ${app}: no route table in its output\n${output.slice(-3000)}`);
    writeFileSync(marker, JSON.stringify({ hash, routes, gate }));
    builds[app] = { seconds: Math.round((Date.now() - started) / 100) / 10, cached: false, routes, gate, gate_runtime: gateRuntime(app) };
    console.log(`· next build ${app}: ${builds[app].seconds} s`);
  }
  return builds;
}
