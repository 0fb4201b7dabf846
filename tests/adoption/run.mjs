// @ts-check
/**
 * `npm run test:adoption`: adds the library to a blank Next.js app the way the docs say, and logs in with it.
 *
 * 1. copies tests/adoption/blank-app (what create-next-app gives, plus a page using getUser/login/logout/useUser)
 *    to a temporary folder;
 * 2. runs `node scripts/init.mjs <app> --protect /private` and checks what it printed;
 * 3. follows the printed next steps: wraps the layout's children in <AuthProvider>, "installs" the dependencies
 *    (this repository's node_modules, hard-linked: no network), writes secrets.toml from secrets.example.toml;
 * 4. `next build` in that folder, and checks in its route table that the static pages stayed static (○);
 * 5. Playwright (tests/adoption/playwright.config.ts) starts `next start` there and the local provider, and logs in
 *    and out in Chromium.
 * The temporary folder is removed afterwards (KEEP_ADOPTION_APP=1 keeps it).
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ADOPTION_APP_PORT, ADOPTION_CLIENT, ADOPTION_COOKIE_SECRET, ADOPTION_IDP_PORT } from "./env.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const step = (/** @type {string} */ message) => console.log(`\n[adoption ${elapsed()}] ${message}`);

/** @param {boolean} condition @param {string} message @returns {asserts condition} */
function check(condition, message) {
  if (!condition) throw new Error(`adoption test: ${message}`);
}

/** A copy of `from` at `to` whose files are hard links (a plain copy across file systems); symlinks are kept. */
function linkTree(/** @type {string} */ from, /** @type {string} */ to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isDirectory()) linkTree(source, target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
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

const work = mkdtempSync(path.join(tmpdir(), "auth-adoption-"));
const app = path.join(work, "my-app");
let status = 1;
try {
  step(`A blank Next.js app in ${app}`);
  cpSync(path.join(REPO, "tests", "adoption", "blank-app"), app, {
    recursive: true,
    filter: (source) => path.basename(source) !== "README.md",
  });

  step("node scripts/init.mjs <app> --protect /private");
  const init = spawnSync(process.execPath, [path.join(REPO, "scripts", "init.mjs"), app, "--protect", "/private"], {
    encoding: "utf8",
  });
  process.stdout.write(init.stdout);
  process.stderr.write(init.stderr);
  check(init.status === 0, `init exited with ${init.status}`);
  for (const expected of [
    "lib/auth/ (",
    "app/auth/login/route.ts            created",
    "app/auth/callback/route.ts         created",
    "app/auth/logout/route.ts           created",
    "app/auth/user/route.ts             created",
    "middleware.ts                      created",
    "instrumentation.ts                 created",
    "secrets.example.toml               created",
    "npm install iron-session@",
    "Wrap {children} in <AuthProvider> in app/layout.tsx",
    'import { getUser, login, logout } from "@/lib/auth"',
  ]) {
    check(init.stdout.includes(expected), `init's output lacks ${JSON.stringify(expected)}`);
  }
  const second = spawnSync(process.execPath, [path.join(REPO, "scripts", "init.mjs"), app, "--protect", "/private"], {
    encoding: "utf8",
  });
  check(second.status === 0 && !/\b(created|overwritten)\b/.test(second.stdout), "a second init changed files");

  step("Following the printed next steps");
  // The layout: wrap {children} in <AuthProvider>.
  const layoutFile = path.join(app, "app", "layout.tsx");
  const layout = readFileSync(layoutFile, "utf8");
  check(layout.includes("<body>{children}</body>"), "the blank layout changed");
  writeFileSync(
    layoutFile,
    `import { AuthProvider } from "@/lib/auth";\n${layout.replace("{children}", "<AuthProvider>{children}</AuthProvider>")}`,
  );
  // npm install iron-session oauth4webapi smol-toml: recorded in package.json, files from this repository.
  const ours = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));
  const pkgFile = path.join(app, "package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  for (const name of ["iron-session", "oauth4webapi", "smol-toml"]) pkg.dependencies[name] = ours.dependencies[name];
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  linkTree(path.join(REPO, "node_modules"), path.join(app, "node_modules"));
  // cp secrets.example.toml secrets.toml, and fill it in for the local provider.
  let toml = readFileSync(path.join(app, "secrets.example.toml"), "utf8");
  toml = setKey(toml, "redirect_uri", `http://localhost:${ADOPTION_APP_PORT}/oauth2callback`);
  toml = setKey(toml, "cookie_secret", ADOPTION_COOKIE_SECRET);
  toml = setKey(toml, "client_id", ADOPTION_CLIENT.id);
  toml = setKey(toml, "client_secret", ADOPTION_CLIENT.secret);
  toml = setKey(toml, "server_metadata_url", `http://127.0.0.1:${ADOPTION_IDP_PORT}/.well-known/openid-configuration`);
  writeFileSync(path.join(app, "secrets.toml"), toml);

  step("next build");
  const build = spawnSync(process.execPath, [path.join(app, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: app,
    encoding: "utf8",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  process.stdout.write(build.stdout);
  process.stderr.write(build.stderr);
  check(build.status === 0, `next build exited with ${build.status}`);
  // <AuthProvider> in the layout must not turn the app's static pages dynamic.
  const routes = routeTable(build.stdout);
  for (const [route, kind] of [
    ["/about", "○"],
    ["/_not-found", "○"],
    ["/", "ƒ"],
    ["/auth/user", "ƒ"],
  ]) {
    check(routes.get(route) === kind, `next build lists ${route} as ${routes.get(route) ?? "missing"}, not ${kind}`);
  }

  step("Playwright: log in and out through the local provider");
  const playwright = spawnSync(
    process.execPath,
    [
      path.join(REPO, "node_modules", "@playwright", "test", "cli.js"),
      "test",
      "-c",
      "tests/adoption/playwright.config.ts",
    ],
    { cwd: REPO, stdio: "inherit", env: { ...process.env, ADOPTION_APP_DIR: app } },
  );
  status = playwright.status ?? 1;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  status = 1;
} finally {
  if (process.env["KEEP_ADOPTION_APP"] === "1") console.log(`\nKept ${app}`);
  else rmSync(work, { recursive: true, force: true });
  step(status === 0 ? "passed" : "FAILED");
}
process.exit(status);
