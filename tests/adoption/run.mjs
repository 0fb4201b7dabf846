// @ts-check
/**
 * `npm run test:adoption`: a blank Next.js app adopts the package the way the README says, on Node.js 20 and on
 * Node.js 22 (the npm registry's `node` package, see scripts/node22.mjs), each from scratch, with each of init's gate
 * files: on Node.js 20 init's default, `proxy.ts` (Node.js runtime), and on Node.js 22 `init --edge`, `middleware.ts`
 * (edge runtime):
 *
 * 1. `npm pack` of lib/auth (what the registry would serve), next to a copy of tests/adoption/blank-app (what
 *    create-next-app gives, plus pages using getUser/login/logout/useUser);
 * 2. the app installs the tarball offline: its package.json and package-lock.json get what
 *    `npm install ./streamlit-auth-nextjs-<version>.tgz` writes (tests/adoption/offline-lock.mjs), and `npm ci --offline`
 *    installs from npm's cache and the tarball alone;
 * 3. `npx streamlit-auth-nextjs init --protect /private` (with --edge on Node.js 22), whose output is checked; a second
 *    run changes nothing;
 * 4. the printed next steps: <AuthProvider> in the layout, secrets.toml from secrets.example.toml;
 * 5. `next build`: the static pages stay static (○), no server code reaches the browser's bundle, no file trace lists
 *    secrets.toml; with --edge, the compiled middleware runs in Vercel's edge runtime
 *    (tests/adoption/compiled-middleware.test.ts);
 * 6. Playwright (tests/adoption/playwright.config.ts) starts `next start` there and the local provider, and logs in
 *    and out in Chromium.
 * The temporary folder is removed afterwards (KEEP_ADOPTION_APP=1 keeps it).
 *
 *   node tests/adoption/run.mjs [20] [22]     (both by default)
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { node22, nodeVersion } from "../../scripts/node22.mjs";
import { PACKAGE_DIR, PACKAGE_NAME, ROOT, packPackage } from "../../scripts/packed-package.mjs";
import { ADOPTION_APP_PORT, ADOPTION_CLIENT, ADOPTION_COOKIE_SECRET, ADOPTION_IDP_PORT } from "./env.mjs";
import { offlineLockfile } from "./offline-lock.mjs";

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const step = (/** @type {string} */ message) => console.log(`\n[adoption ${elapsed()}] ${message}`);

/** @param {boolean} condition @param {string} message @returns {asserts condition} */
function check(condition, message) {
  if (!condition) throw new Error(`adoption test: ${message}`);
}

/** Replaces `key = ...` (the first such line) in TOML text; fails if it is not there. */
function setKey(/** @type {string} */ toml, /** @type {string} */ key, /** @type {string} */ value) {
  const pattern = new RegExp(`^${key} = .*$`, "m");
  check(pattern.test(toml), `secrets.example.toml has no "${key} = ..." line`);
  return toml.replace(pattern, `${key} = ${JSON.stringify(value)}`);
}

/** `next build`'s route table: route → its symbol (○ static, ƒ dynamic, ◐ partial prerender). */
function routeTable(/** @type {string} */ output) {
  return new Map([...output.matchAll(/^[┌├└]\s+(\S)\s+(\/\S*)/gmu)].map((m) => [m[2] ?? "", m[1] ?? ""]));
}

/** Every file under dir (relative paths). @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Runs a command with `node` (and so npm, npx and the package's bin) resolving to the given binary; its output is
 * passed through, and its stdout returned (followed by its stderr with `withStderr`).
 * @param {string} node @param {string} command @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, withStderr?: boolean }} options
 */
function run(node, command, args, options) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      PATH: `${path.dirname(node)}${path.delimiter}${process.env["PATH"] ?? ""}`,
      ...options.env,
    },
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  check(result.status === 0, `${command} ${args.join(" ")} exited with ${result.status}`);
  return options.withStderr ? `${result.stdout}${result.stderr}` : result.stdout;
}

/** Markers of server code: none may be in the browser's JavaScript. */
const SERVER_ONLY_MARKERS = [
  "AUTH_SECRETS_FILE", // config loading (Node)
  "server_metadata_url", // config parsing
  "Fe26.2", // iron-session's seal format
  "authorization_endpoint", // the OpenID Connect protocol
  "end_session_endpoint",
];
/** ... while useUser() is (its request header). */
const CLIENT_MARKER = "x-auth-user";

/**
 * The whole adoption, from a blank app to a login, on one Node.js, with init's default gate (proxy.ts) or with --edge
 * (middleware.ts).
 * @param {string} node @param {string} work @param {{ tarball: string }} packed @param {"proxy" | "edge"} gate
 */
function adopt(node, work, packed, gate) {
  const version = nodeVersion(node);
  const app = path.join(work, "my-app");
  const gateFile = gate === "edge" ? "middleware.ts" : "proxy.ts";
  const otherGateFile = gate === "edge" ? "proxy.ts" : "middleware.ts";
  const initArgs = ["--offline", PACKAGE_NAME, "init", "--protect", "/private", ...(gate === "edge" ? ["--edge"] : [])];

  step(`${version}: a blank Next.js app in ${app}`);
  cpSync(path.join(ROOT, "tests", "adoption", "blank-app"), app, {
    recursive: true,
    filter: (source) => path.basename(source) !== "README.md",
  });
  const tarball = path.join(work, path.basename(packed.tarball));
  copyFileSync(packed.tarball, tarball);

  // npm, npx and the package's bin ("#!/usr/bin/env node") all run on this Node.js.
  check(run(node, "node", ["--version"], { cwd: work }).trim() === version, `"node" is not ${version} on the PATH`);

  step(`${version}: npm install ./${path.basename(tarball)}, offline`);
  const spec = `file:../${path.basename(tarball)}`;
  const pkgFile = path.join(app, "package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  pkg.dependencies[PACKAGE_NAME] = spec;
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8"));
  const registry = run(node, "npm", ["config", "get", "registry"], { cwd: app }).trim();
  const lock = offlineLockfile({
    registry,
    repoLock: path.join(ROOT, "package-lock.json"),
    app: pkg,
    tarball,
    tarballSpec: spec,
    manifest,
  });
  writeFileSync(path.join(app, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  run(node, "npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: app });
  const installed = JSON.parse(readFileSync(path.join(app, "node_modules", PACKAGE_NAME, "package.json"), "utf8"));
  check(installed.version === manifest.version, `installed ${PACKAGE_NAME}@${installed.version}`);

  step(`${version}: npx ${initArgs.slice(1).join(" ")}`);
  const init = run(node, "npx", initArgs, { cwd: app });
  for (const expected of [
    "app/auth/login/route.ts            created",
    "app/auth/callback/route.ts         created",
    "app/auth/logout/route.ts           created",
    "app/auth/user/route.ts             created",
    `${gateFile.padEnd(34)} created`,
    "instrumentation.ts                 created",
    "secrets.example.toml               created",
    "Wrap {children} in <AuthProvider> in app/layout.tsx",
    `import { getUser, login, logout } from "${PACKAGE_NAME}"`,
  ]) {
    check(init.includes(expected), `init's output lacks ${JSON.stringify(expected)}`);
  }
  check(!init.includes("npm install"), "init asks to install a package that is installed");
  // Next refuses to build an app with both files.
  check(!existsSync(path.join(app, otherGateFile)), `init wrote ${otherGateFile} next to ${gateFile}`);
  check(
    readFileSync(path.join(app, "app", "auth", "login", "route.ts"), "utf8") ===
      `export { GET } from "${PACKAGE_NAME}/routes/login";\n`,
    "the login route is not one line",
  );
  const second = run(node, "npx", initArgs, { cwd: app });
  check(!/\b(created|kept)\b/.test(second), "a second init changed files");

  step(`${version}: following the printed next steps`);
  const layoutFile = path.join(app, "app", "layout.tsx");
  const layout = readFileSync(layoutFile, "utf8");
  check(layout.includes("<body>{children}</body>"), "the blank layout changed");
  const importLine = /^\s*(import \{ AuthProvider \} from ".*";)$/m.exec(init)?.[1];
  check(importLine !== undefined, "init printed no import line for <AuthProvider>");
  writeFileSync(
    layoutFile,
    `${importLine}\n${layout.replace("{children}", "<AuthProvider>{children}</AuthProvider>")}`,
  );
  let toml = readFileSync(path.join(app, "secrets.example.toml"), "utf8");
  toml = setKey(toml, "redirect_uri", `http://localhost:${ADOPTION_APP_PORT}/oauth2callback`);
  toml = setKey(toml, "cookie_secret", ADOPTION_COOKIE_SECRET);
  toml = setKey(toml, "client_id", ADOPTION_CLIENT.id);
  toml = setKey(toml, "client_secret", ADOPTION_CLIENT.secret);
  toml = setKey(toml, "server_metadata_url", `http://127.0.0.1:${ADOPTION_IDP_PORT}/.well-known/openid-configuration`);
  writeFileSync(path.join(app, "secrets.toml"), toml);

  step(`${version}: next build`);
  // With stderr: Next prints its warnings there (the deprecation check below reads them).
  const build = run(node, node, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: app,
    withStderr: true,
  });
  // <AuthProvider> in the layout must not turn the app's static pages dynamic.
  const routes = routeTable(build);
  for (const [route, kind] of [
    ["/about", "○"],
    ["/_not-found", "○"],
    ["/", "ƒ"],
    ["/auth/user", "ƒ"],
  ]) {
    check(routes.get(route) === kind, `next build lists ${route} as ${routes.get(route) ?? "missing"}, not ${kind}`);
  }
  const browserCode = filesUnder(path.join(app, ".next", "static"))
    .filter((file) => file.endsWith(".js"))
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");
  check(browserCode.includes(CLIENT_MARKER), `the browser's bundle lacks useUser() ("${CLIENT_MARKER}")`);
  for (const marker of SERVER_ONLY_MARKERS)
    check(!browserCode.includes(marker), `server code ("${marker}") reached the browser's bundle`);

  // The config is read at run time: the build's file traces (which decide what a deployment ships) never list the
  // secrets, although secrets.toml sat next to the build (the package's turbopackIgnore hints, from node_modules).
  for (const trace of filesUnder(path.join(app, ".next")).filter((file) => file.endsWith(".nft.json"))) {
    check(!readFileSync(trace, "utf8").includes("secrets.toml"), `${path.relative(app, trace)} lists secrets.toml`);
  }

  // The gate is built for the runtime its file names: proxy.ts as a Node.js function, middleware.ts for the edge.
  const buildManifest = (/** @type {string} */ name) =>
    JSON.parse(readFileSync(path.join(app, ".next", "server", `${name}-manifest.json`), "utf8"));
  const edgeGates = Object.keys(buildManifest("middleware").middleware);
  const nodeGate = buildManifest("functions-config").functions["/_middleware"]?.runtime;
  if (gate === "edge") check(edgeGates.length === 1 && !nodeGate, `${gateFile} was not built for the edge runtime`);
  else check(edgeGates.length === 0 && nodeGate === "nodejs", `${gateFile} was not built for the Node.js runtime`);
  // Next 16 calls middleware.ts deprecated ('The "middleware" file convention is deprecated'); init's default must
  // not draw that warning.
  const deprecation = /^.*file convention is deprecated.*$/m.exec(build)?.[0];
  // The edge build, whose file Next does call deprecated, shows that this check sees the warning when there is one.
  if (gate === "proxy") check(deprecation === undefined, `next build warned: ${deprecation}`);
  else
    check(
      deprecation !== undefined,
      "next build of middleware.ts printed no deprecation warning: is the check still reading its output?",
    );

  if (gate === "edge") {
    step(`${version}: the compiled middleware in @edge-runtime/vm`);
    run(
      process.execPath,
      process.execPath,
      [path.join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "tests/adoption/vitest.config.ts"],
      { cwd: ROOT, env: { ADOPTION_APP_DIR: app } },
    );
  }

  step(`${version}: Playwright, log in and out through the local provider`);
  run(
    process.execPath,
    process.execPath,
    [
      path.join(ROOT, "node_modules", "@playwright", "test", "cli.js"),
      "test",
      "-c",
      "tests/adoption/playwright.config.ts",
    ],
    { cwd: ROOT, env: { ADOPTION_APP_DIR: app, ADOPTION_NODE: node } },
  );
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ["20", "22"];
/** Each Node.js with the gate file it adopts: between them, both of init's gates are proven end to end. */
const runs = wanted.map((major) => {
  if (major === "20") return { node: process.execPath, gate: /** @type {const} */ ("proxy") };
  if (major === "22") return { node: node22(), gate: /** @type {const} */ ("edge") };
  throw new Error(`Unknown Node.js ${major}: 20 (this one) or 22`);
});
const work = mkdtempSync(path.join(tmpdir(), "auth-adoption-"));
let status = 1;
try {
  check(nodeVersion(process.execPath).startsWith("v20."), `run it on Node.js 20, not ${process.version}`);
  step(`npm pack (${PACKAGE_DIR})`);
  const packed = packPackage(path.join(work, "packed"));
  for (const { node, gate } of runs) {
    const dir = path.join(work, `node-${nodeVersion(node)}`);
    mkdirSync(dir, { recursive: true });
    adopt(node, dir, packed, gate);
  }
  status = 0;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
} finally {
  if (process.env["KEEP_ADOPTION_APP"] === "1") console.log(`\nKept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  const passed = runs.map(
    ({ node, gate }) => `${nodeVersion(node)} (${gate === "edge" ? "middleware.ts" : "proxy.ts"})`,
  );
  step(status === 0 ? `passed on ${passed.join(" and ")}` : "FAILED");
}
process.exit(status);
