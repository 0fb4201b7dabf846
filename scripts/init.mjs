// @ts-check
/**
 * Adds this library to another Next.js (App Router) app:
 *
 *   node scripts/init.mjs ../my-app [--protect /dashboard] [--force] [--dry-run]
 *
 * It copies lib/auth/ and writes the route handlers (app/auth/{login,callback,logout,user}/route.ts),
 * middleware.ts, instrumentation.ts, secrets.example.toml, a root layout with <AuthProvider> when the app has none,
 * and the secrets files' lines in .gitignore. It never changes a file that already exists (unless --force, and never
 * your layout, middleware or instrumentation): for those it prints what to add. Then it prints the next steps.
 * With a src/ folder (src/app/), everything but secrets.example.toml and .gitignore goes under src/.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** What lib/auth imports besides itself and node: built-ins (a unit test keeps this list honest). */
export const PEER_PACKAGES = ["next", "react", "react-dom"];
export const LIBRARY_PACKAGES = ["iron-session", "oauth4webapi", "smol-toml"];

/**
 * The gate, as middleware.ts: the matcher lists the protected paths and the callback's conditions, and the gate takes
 * its protected paths from it. The demo's own middleware.ts is this text for `/protected` (a unit test checks it).
 * @param {string} lib the import path of lib/auth
 * @param {string[]} protect
 */
export function middlewareSource(lib, protect) {
  return [
    `import { authMiddleware } from "${lib}/middleware";`,
    "",
    "export const config = {",
    "  matcher: [",
    "    // Protected: every path listed here (and everything below it) needs a logged-in user. One edit protects a path.",
    ...protect.map((p) => `    ${JSON.stringify(`${p.replace(/\/+$/, "")}/:path*`)},`),
    "    // The login callback: requests that carry an authorization response, at whatever path redirect_uri names (it is",
    "    // read at run time). Plain page requests never match these, so unprotected pages never pass through the gate.",
    ...["state", "code", "error"].map((key) => `    { source: "/:path*", has: [{ type: "query", key: "${key}" }] },`),
    "  ],",
    "};",
    "",
    "export default authMiddleware({ matcher: config.matcher });",
    "",
  ].join("\n");
}

/**
 * @typedef {{ target: string, protect?: string[], force?: boolean, dryRun?: boolean }} InitOptions
 * @typedef {"created" | "unchanged" | "overwritten" | "kept"} FileResult
 * @typedef {{ root: string, srcDir: boolean, files: Array<{ path: string, result: FileResult }>, steps: string[], warnings: string[] }} InitReport
 */

/**
 * @param {InitOptions} options
 * @returns {InitReport}
 */
export function initApp({ target, protect = [], force = false, dryRun = false }) {
  const appDir = path.resolve(target);
  const packageFile = path.join(appDir, "package.json");
  if (!existsSync(packageFile)) {
    throw new Error(`${appDir} has no package.json: run this in (or point it at) the root of a Next.js app.`);
  }
  for (const p of protect) {
    if (!p.startsWith("/"))
      throw new Error(`--protect ${JSON.stringify(p)}: a path starting with "/", e.g. /dashboard`);
  }
  /** @type {{ dependencies?: Record<string, string>, devDependencies?: Record<string, string> }} */
  const pkg = JSON.parse(readFileSync(packageFile, "utf8"));
  const srcDir = !existsSync(path.join(appDir, "app")) && existsSync(path.join(appDir, "src", "app"));
  const codeRoot = srcDir ? path.join(appDir, "src") : appDir;
  /** @type {InitReport} */
  const report = { root: appDir, srcDir, files: [], steps: [], warnings: [] };

  /** @param {string} file absolute @param {string} content @param {boolean} [overwritable] */
  const write = (file, content, overwritable = true) => {
    const rel = path.relative(appDir, file).split(path.sep).join("/");
    /** @type {FileResult} */
    let result = "created";
    if (existsSync(file)) {
      if (readFileSync(file, "utf8") === content) result = "unchanged";
      else result = force && overwritable ? "overwritten" : "kept";
    }
    if (!dryRun && (result === "created" || result === "overwritten")) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    report.files.push({ path: rel, result });
    return result;
  };

  // 1. The library itself, file by file.
  const libSource = path.join(REPO, "lib", "auth");
  for (const rel of listFiles(libSource)) {
    write(path.join(codeRoot, "lib", "auth", rel), readFileSync(path.join(libSource, rel), "utf8"));
  }
  const libKept = report.files.filter((f) => f.result === "kept").map((f) => f.path);
  if (libKept.length) {
    report.warnings.push(
      `${libKept.length} file(s) under lib/auth differ from this version and were left alone (--force replaces them): ${libKept.join(", ")}`,
    );
  }

  // 2. The route handlers. Relative imports, so they work with or without the "@/*" path alias.
  const libFrom = (/** @type {string} */ file) => {
    const rel = path
      .relative(path.dirname(file), path.join(codeRoot, "lib", "auth"))
      .split(path.sep)
      .join("/");
    return rel.startsWith(".") ? rel : `./${rel}`;
  };
  const routes = {
    login: "export const GET = handleLogin;\n",
    callback:
      "// Reached through the middleware, which rewrites the callback path of redirect_uri (e.g. /oauth2callback) here.\nexport const GET = handleCallback;\n",
    logout: "export const GET = handleLogout;\nexport const POST = handleLogout;\n",
    user: "// The user's claims for useUser() on static pages (never the tokens).\nexport const GET = handleUser;\n",
  };
  for (const [name, body] of Object.entries(routes)) {
    const file = path.join(codeRoot, "app", "auth", name, "route.ts");
    const handler = `handle${name[0]?.toUpperCase()}${name.slice(1)}`;
    const result = write(file, `import { ${handler} } from "${libFrom(file)}/routes/${name}";\n\n${body}`);
    if (result === "kept")
      report.warnings.push(`${rel(appDir, file)} exists and was left alone: it must export ${handler}.`);
  }

  // 3. middleware.ts (or an existing middleware/proxy to extend by hand).
  const existingMiddleware = ["middleware.ts", "middleware.js", "proxy.ts", "proxy.js"]
    .map((name) => path.join(codeRoot, name))
    .find((file) => existsSync(file));
  const middlewareFile = path.join(codeRoot, "middleware.ts");
  const middleware = middlewareSource(libFrom(middlewareFile), protect);
  if (existingMiddleware && existingMiddleware !== middlewareFile) {
    report.files.push({ path: rel(appDir, existingMiddleware), result: "kept" });
    report.steps.push(middlewareStep(rel(appDir, existingMiddleware), libFrom(existingMiddleware)));
  } else if (write(middlewareFile, middleware, false) === "kept") {
    report.steps.push(middlewareStep(rel(appDir, middlewareFile), libFrom(middlewareFile)));
  }

  // 4. instrumentation.ts: hands the config file's [auth] (without client secrets) to the middleware at server start.
  const instrumentationFile = path.join(codeRoot, "instrumentation.ts");
  const instrumentation = [
    "export async function register() {",
    '  if (process.env.NEXT_RUNTIME === "nodejs") {',
    `    const { registerAuth } = await import("${libFrom(instrumentationFile)}/instrumentation");`,
    "    registerAuth();",
    "  }",
    "}",
    "",
  ].join("\n");
  const existingInstrumentation = [instrumentationFile, path.join(codeRoot, "instrumentation.js")].find((f) =>
    existsSync(f),
  );
  if (existingInstrumentation && existingInstrumentation !== instrumentationFile) {
    report.files.push({ path: rel(appDir, existingInstrumentation), result: "kept" });
    report.steps.push(instrumentationStep(rel(appDir, existingInstrumentation), libFrom(instrumentationFile)));
  } else if (write(instrumentationFile, instrumentation, false) === "kept") {
    report.steps.push(instrumentationStep(rel(appDir, instrumentationFile), libFrom(instrumentationFile)));
  }

  // How the app's own files can import the library: the "@/*" alias when tsconfig.json has it.
  const tsconfig = path.join(appDir, "tsconfig.json");
  const alias = existsSync(tsconfig) && readFileSync(tsconfig, "utf8").includes('"@/*"');
  const pageImport = alias ? "@/lib/auth" : libFrom(path.join(codeRoot, "app", "page.tsx"));

  // 5. The root layout: written only when there is none; an existing one is never edited.
  const layouts = ["layout.tsx", "layout.jsx", "layout.js"].map((n) => path.join(codeRoot, "app", n));
  const layout = layouts.find((file) => existsSync(file));
  if (!layout) {
    const file = layouts[0] ?? path.join(codeRoot, "app", "layout.tsx");
    write(
      file,
      [
        'import type { ReactNode } from "react";',
        `import { AuthProvider } from "${libFrom(file)}";`,
        "",
        "export default function RootLayout({ children }: { children: ReactNode }) {",
        "  return (",
        '    <html lang="en">',
        "      <body>",
        "        <AuthProvider>{children}</AuthProvider>",
        "      </body>",
        "    </html>",
        "  );",
        "}",
        "",
      ].join("\n"),
      false,
    );
  } else if (!readFileSync(layout, "utf8").includes("<AuthProvider")) {
    report.steps.push(
      [
        `Wrap {children} in <AuthProvider> in ${rel(appDir, layout)} (useUser() in client components needs it):`,
        `    import { AuthProvider } from "${alias ? "@/lib/auth" : libFrom(layout)}";`,
        "    ...",
        "    <body><AuthProvider>{children}</AuthProvider></body>",
      ].join("\n"),
    );
  }

  // 6. secrets.example.toml, and the real secrets files kept out of git.
  write(path.join(appDir, "secrets.example.toml"), readFileSync(path.join(REPO, "secrets.example.toml"), "utf8"));
  const gitignore = path.join(appDir, ".gitignore");
  const ignored = existsSync(gitignore) ? readFileSync(gitignore, "utf8") : "";
  const missing = ["/secrets.toml", "/.streamlit/secrets.toml"].filter(
    (line) => !ignored.split(/\r?\n/).some((l) => l.trim() === line || l.trim() === line.slice(1)),
  );
  if (missing.length) {
    const prefix = ignored && !ignored.endsWith("\n") ? "\n" : "";
    if (!dryRun) writeFileSync(gitignore, `${ignored}${prefix}# Auth configuration (secrets)\n${missing.join("\n")}\n`);
    report.files.push({ path: ".gitignore", result: ignored ? "overwritten" : "created" });
  }

  // 7. What is left to do by hand.
  const deps = { ...pkg.devDependencies, ...pkg.dependencies };
  const ours = readPackageVersions();
  const toInstall = LIBRARY_PACKAGES.filter((name) => !deps[name]).map((name) => `${name}@${ours[name] ?? "latest"}`);
  if (toInstall.length)
    report.steps.unshift(`Install the library's dependencies:\n    npm install ${toInstall.join(" ")}`);
  const nextMajor = majorOf(deps["next"]);
  if (nextMajor !== undefined && nextMajor < 16) {
    report.warnings.push(`This app has next@${deps["next"]}; the library needs Next.js 16 (App Router).`);
  }
  const reactMajor = majorOf(deps["react"]);
  if (reactMajor !== undefined && reactMajor < 19) {
    report.warnings.push(`This app has react@${deps["react"]}; the library needs React 19.`);
  }
  const ts = /^\D*(\d+)\.(\d+)/.exec(deps["typescript"] ?? "");
  if (ts && (Number(ts[1]) < 5 || (Number(ts[1]) === 5 && Number(ts[2]) < 7))) {
    report.warnings.push(
      `This app has typescript@${deps["typescript"]}; type-checking the library needs 5.7 or newer.`,
    );
  }
  report.steps.push(
    [
      "Configure a provider: copy secrets.example.toml to secrets.toml and fill it in",
      "    cp secrets.example.toml secrets.toml",
      "    openssl rand -base64 32     # paste the output as cookie_secret",
      '    Register redirect_uri (e.g. "http://localhost:3000/oauth2callback") at the provider, also as a post-logout',
      "    redirect URI. Recipes for Google, Entra ID, Okta, Auth0 and Keycloak: docs/providers.md in the library's repository.",
    ].join("\n"),
    [
      "Use it in a page (server component):",
      `    import { getUser, login, logout } from "${pageImport}";`,
      "    const user = await getUser();",
      "    user.is_logged_in ? <form action={logout}><button>Log out</button></form>",
      "                      : <form action={login}><button>Log in</button></form>",
      `    and in client components: import { useUser } from "${pageImport}/client";`,
      "    (on a static page, put the components that call useUser() inside <Suspense>: docs/api.md#useuser)",
      ...(alias
        ? []
        : ['    (With "paths": { "@/*": ["./*"] } in tsconfig.json, the docs\' "@/lib/auth" imports work too.)']),
    ].join("\n"),
  );
  return report;
}

/** @param {string} file @param {string} lib */
function middlewareStep(file, lib) {
  return [
    `${file} already exists and was left alone. Call the auth middleware from it, list the protected paths in its`,
    '    matcher, and add the callback entries ({ source: "/:path*", has: [{ type: "query", key: "state" }] }, the',
    "    same for code and error):",
    `    import { authMiddleware } from "${lib}/middleware";`,
    "    const auth = authMiddleware({ matcher: config.matcher });",
    "    export default async function middleware(request: NextRequest) {",
    "      const response = await auth(request);",
    "      // ...your own logic, on the response",
    "      return response;",
    "    }",
    "  See docs/api.md#authmiddleware.",
  ].join("\n");
}

/** @param {string} file @param {string} lib */
function instrumentationStep(file, lib) {
  return [
    `${file} already exists and was left alone. Call registerAuth() from its register() on the Node.js runtime:`,
    '    if (process.env.NEXT_RUNTIME === "nodejs") {',
    `      const { registerAuth } = await import("${lib}/instrumentation");`,
    "      registerAuth();",
    "    }",
  ].join("\n");
}

/** @param {string} from @param {string} file */
function rel(from, file) {
  return path.relative(from, file).split(path.sep).join("/");
}

/** @param {string | undefined} spec */
function majorOf(spec) {
  const match = /^\D*(\d+)/.exec(spec ?? "");
  return match ? Number(match[1]) : undefined;
}

/** @returns {Record<string, string>} */
function readPackageVersions() {
  const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));
  return { ...pkg.devDependencies, ...pkg.dependencies };
}

/** Every file under `dir`, as paths relative to it, sorted. @param {string} dir @returns {string[]} */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((entry) => statSync(path.join(dir, entry)).isFile())
    .map((entry) => entry.split(path.sep).join("/"))
    .sort();
}

/** @param {InitReport} report @param {boolean} dryRun */
export function formatReport(report, dryRun = false) {
  const lines = [
    `${dryRun ? "Would add" : "Added"} Streamlit-style login to ${report.root}${report.srcDir ? " (src/ layout)" : ""}:`,
  ];
  const lib = report.files.filter((f) => /(^|\/)lib\/auth\//.test(f.path));
  const counts = Object.entries(
    lib.reduce(
      (acc, f) => ({ ...acc, [f.result]: (acc[f.result] ?? 0) + 1 }),
      /** @type {Record<string, number>} */ ({}),
    ),
  )
    .map(([result, n]) => `${n} ${result}`)
    .join(", ");
  lines.push(`  ${report.srcDir ? "src/" : ""}lib/auth/ (${lib.length} files: ${counts})`);
  for (const f of report.files.filter((f) => !lib.includes(f))) lines.push(`  ${f.path.padEnd(34)} ${f.result}`);
  if (report.warnings.length) lines.push("", "Warnings:", ...report.warnings.map((w) => `  - ${w}`));
  lines.push("", "Next steps:", ...report.steps.map((step, i) => `  ${i + 1}. ${step.replaceAll("\n", "\n   ")}`));
  lines.push(
    "",
    "Then run the app (npm run dev), press your Log in button, and read docs/getting-started.md and docs/api.md for more.",
  );
  return lines.join("\n");
}

const USAGE = `Usage: node scripts/init.mjs <next-app-dir> [--protect /path]... [--force] [--dry-run]

  --protect /path   send anonymous visitors of /path (and below) to log in (repeatable; default: none)
  --force           replace lib/auth and route files that differ from this version
  --dry-run         only print what would be written`;

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  /** @type {string[]} */
  const protect = [];
  /** @type {string | undefined} */
  let target;
  let force = false;
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--force") force = true;
    else if (arg === "--dry-run") dryRun = true;
    else if (arg === "--protect") protect.push(args[++i] ?? "");
    else if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith("-") || target) {
      console.error(`Unexpected argument ${JSON.stringify(arg)}.\n\n${USAGE}`);
      process.exit(2);
    } else target = arg;
  }
  if (!target) {
    console.error(USAGE);
    process.exit(2);
  }
  try {
    console.log(formatReport(initApp({ target, protect, force, dryRun }), dryRun));
  } catch (error) {
    console.error(`init: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
