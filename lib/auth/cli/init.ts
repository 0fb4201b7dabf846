import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { packageInfo } from "./package-info.js";
import {
  PACKAGE_NAME,
  REGISTER_LINES,
  ROUTE_FILES,
  gateSource,
  instrumentationSource,
  layoutSource,
  routeSource,
} from "./templates.js";

/**
 * `npx streamlit-auth-nextjs init`: adds the library to a Next.js (App Router) app. It writes the auth route handlers
 * (one line each), the gate as proxy.ts (with `edge`, as middleware.ts), instrumentation.ts, secrets.example.toml, a
 * root layout with `<AuthProvider>` when the app has none, and the secrets files' lines in .gitignore. It never changes
 * a file that exists (for those it prints what to add), installs nothing, and ends with the next steps. With a src/
 * folder (src/app/), the code goes under src/.
 */

/** What {@link initApp} is asked to do. */
export interface InitOptions {
  /** The app's root folder (where its package.json is). */
  target: string;
  /** Paths the gate sends anonymous visitors of to log in (each with everything below it). */
  protect?: readonly string[];
  /** Write nothing; only report what would be written. */
  dryRun?: boolean;
  /**
   * Write the gate as `middleware.ts` (edge runtime) instead of `proxy.ts` (Next 16's Node.js runtime, the default).
   * For deployments that want the edge runtime; under `next start` an edge middleware runs in a sandbox that slows
   * every later request of the server process.
   */
  edge?: boolean;
  /**
   * Write the gate as `proxy.ts`: the default, accepted so that callers written when it was an option keep working.
   * Cannot be combined with `edge`.
   */
  proxy?: boolean;
}

/**
 * What happened to one file: written, already as init would write it, left alone because it differs, or (.gitignore
 * only) the missing lines added at its end.
 */
export type FileResult = "created" | "unchanged" | "kept" | "appended";

/** What {@link initApp} did, and what is left to do by hand. */
export interface InitReport {
  /** The app's root folder, absolute. */
  root: string;
  /** The app keeps its code under src/. */
  srcDir: boolean;
  /** Paths relative to root, with what happened to each. */
  files: Array<{ path: string; result: FileResult }>;
  /** The next steps, to do by hand. */
  steps: string[];
  warnings: string[];
}

/** The error for a folder init cannot work on, or a bad argument: the message says what to do. */
export class InitError extends Error {
  override readonly name = "InitError";
}

/** Adds the library to the app at `options.target`. Throws {@link InitError} when that is not an app's root. */
export function initApp({
  target,
  protect = [],
  dryRun = false,
  edge = false,
  proxy = false,
}: InitOptions): InitReport {
  if (edge && proxy) {
    throw new InitError("--edge and --proxy name different gate files (middleware.ts and proxy.ts): give one of them.");
  }
  const root = path.resolve(target);
  const packageFile = path.join(root, "package.json");
  if (!existsSync(packageFile)) {
    throw new InitError(`${root} has no package.json: run this in (or point it at) the root of a Next.js app.`);
  }
  for (const p of protect) {
    if (!p.startsWith("/"))
      throw new InitError(`--protect ${JSON.stringify(p)}: a path starting with "/", e.g. /dashboard`);
  }
  const srcDir = !existsSync(path.join(root, "app")) && existsSync(path.join(root, "src", "app"));
  const code = srcDir ? path.join(root, "src") : root;
  const report: InitReport = { root, srcDir, files: [], steps: [], warnings: [] };
  const relative = (file: string) => path.relative(root, file).split(path.sep).join("/");

  const write = (file: string, content: string): FileResult => {
    let result: FileResult = "created";
    if (existsSync(file)) result = readFileSync(file, "utf8") === content ? "unchanged" : "kept";
    if (!dryRun && result === "created") {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    report.files.push({ path: relative(file), result });
    return result;
  };
  const firstExisting = (names: readonly string[]) =>
    names.map((name) => path.join(code, name)).find((file) => existsSync(file));

  // 1. The route handlers.
  for (const [name, route] of Object.entries(ROUTE_FILES)) {
    const file = path.join(code, "app", "auth", name, "route.ts");
    if (write(file, routeSource(name)) === "kept") {
      report.warnings.push(
        `${relative(file)} exists and was left alone: it must export ${route.methods.join(" and ")} from "${PACKAGE_NAME}/routes/${name}".`,
      );
    }
  }

  // 2. The gate: proxy.ts (or with --edge, middleware.ts), unless the app has a middleware or proxy of its own: Next
  // refuses to build with both files.
  const gateFile = path.join(code, edge ? "middleware.ts" : "proxy.ts");
  const gate = gateSource(protect);
  const existingGate = firstExisting(["middleware.ts", "middleware.js", "proxy.ts", "proxy.js"]);
  if (existingGate && existingGate !== gateFile) {
    // An app that ran init with the other file (e.g. middleware.ts before proxy.ts was the default) is already done.
    const same = readFileSync(existingGate, "utf8") === gate;
    report.files.push({ path: relative(existingGate), result: same ? "unchanged" : "kept" });
    if (!same) report.steps.push(gateStep(relative(existingGate)));
  } else if (write(gateFile, gate) === "kept") {
    report.steps.push(gateStep(relative(gateFile)));
  }

  // 3. instrumentation.ts: hands the config file's [auth] (without client secrets) to the gate at server start.
  const instrumentationFile = path.join(code, "instrumentation.ts");
  const existingInstrumentation = firstExisting(["instrumentation.ts", "instrumentation.js"]);
  if (existingInstrumentation && existingInstrumentation !== instrumentationFile) {
    report.files.push({ path: relative(existingInstrumentation), result: "kept" });
    report.steps.push(instrumentationStep(relative(existingInstrumentation)));
  } else if (write(instrumentationFile, instrumentationSource()) === "kept") {
    report.steps.push(instrumentationStep(relative(instrumentationFile)));
  }

  // 4. The root layout: written only when there is none; an existing one is never edited.
  const layout = firstExisting(["app/layout.tsx", "app/layout.jsx", "app/layout.js"]);
  if (!layout) write(path.join(code, "app", "layout.tsx"), layoutSource());
  else if (!readFileSync(layout, "utf8").includes("<AuthProvider")) report.steps.push(layoutStep(relative(layout)));

  // 5. secrets.example.toml, and the real secrets files kept out of git.
  write(path.join(root, "secrets.example.toml"), readFileSync(packageInfo().secretsExample, "utf8"));
  ignoreSecrets(root, dryRun, report);

  // 6. What is left to do by hand.
  checkVersions(packageFile, report);
  report.steps.push(configureStep(), usageStep());
  return report;
}

function ignoreSecrets(root: string, dryRun: boolean, report: InitReport): void {
  const gitignore = path.join(root, ".gitignore");
  const ignored = existsSync(gitignore) ? readFileSync(gitignore, "utf8") : "";
  const lines = ignored.split(/\r?\n/).map((l) => l.trim());
  const missing = ["/secrets.toml", "/.streamlit/secrets.toml"].filter(
    (line) => !lines.includes(line) && !lines.includes(line.slice(1)),
  );
  if (missing.length === 0) return;
  const prefix = ignored && !ignored.endsWith("\n") ? "\n" : "";
  if (!dryRun) writeFileSync(gitignore, `${ignored}${prefix}# Auth configuration (secrets)\n${missing.join("\n")}\n`);
  // Appending lines is the one change init makes to an existing file: it only adds, and only what is missing.
  report.files.push({ path: ".gitignore", result: ignored ? "appended" : "created" });
}

interface AppPackage {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function checkVersions(packageFile: string, report: InitReport): void {
  const pkg = JSON.parse(readFileSync(packageFile, "utf8")) as AppPackage;
  const deps = { ...pkg.devDependencies, ...pkg.dependencies };
  const { version } = packageInfo();
  if (!deps[PACKAGE_NAME]) {
    report.steps.unshift(
      `Install the library (init installs nothing itself):\n    npm install ${PACKAGE_NAME}@${version}`,
    );
  }
  const major = (spec: string | undefined) => {
    const match = /^\D*(\d+)/.exec(spec ?? "");
    return match ? Number(match[1]) : undefined;
  };
  const next = major(deps["next"]);
  if (next !== undefined && next < 16) {
    report.warnings.push(`This app has next@${deps["next"]}; the library needs Next.js 16 (App Router).`);
  }
  const react = major(deps["react"]);
  if (react !== undefined && react < 19)
    report.warnings.push(`This app has react@${deps["react"]}; the library needs React 19.`);
}

/** What to add to an existing gate file; the example exports the function Next looks for in that file. */
function gateStep(file: string): string {
  const name = path.basename(file).startsWith("proxy.") ? "proxy" : "middleware";
  return [
    `${file} already exists and was left alone. Call the auth gate from it, list the protected paths in its matcher,`,
    '    and add the callback entries ({ source: "/:path*", has: [{ type: "query", key: "state" }] }, the same for',
    "    code and error):",
    `    import { authMiddleware } from "${PACKAGE_NAME}/middleware";`,
    '    import type { NextRequest } from "next/server";',
    "    const auth = authMiddleware({ matcher: config.matcher });",
    `    export default async function ${name}(request: NextRequest) {`,
    "      const response = await auth(request);",
    "      // ...your own logic, on the response",
    "      return response;",
    "    }",
    "  See docs/api.md#authmiddleware.",
  ].join("\n");
}

function instrumentationStep(file: string): string {
  return [
    `${file} already exists and was left alone. Call registerAuth() from its register() on the Node.js runtime:`,
    ...REGISTER_LINES.map((l) => `    ${l}`),
  ].join("\n");
}

function layoutStep(file: string): string {
  return [
    `Wrap {children} in <AuthProvider> in ${file} (useUser() in client components needs it):`,
    `    import { AuthProvider } from "${PACKAGE_NAME}";`,
    "    ...",
    "    <body><AuthProvider>{children}</AuthProvider></body>",
  ].join("\n");
}

function configureStep(): string {
  return [
    "Configure a provider: copy secrets.example.toml to secrets.toml and fill it in",
    "    cp secrets.example.toml secrets.toml",
    "    openssl rand -base64 32     # paste the output as cookie_secret",
    '    Register redirect_uri (e.g. "http://localhost:3000/oauth2callback") at the provider, also as a post-logout',
    "    redirect URI. Recipes for Google, Entra ID, Okta, Auth0 and Keycloak: docs/providers.md in the library's repository.",
  ].join("\n");
}

function usageStep(): string {
  return [
    "Use it in a page (server component):",
    `    import { getUser, login, logout } from "${PACKAGE_NAME}";`,
    "    const user = await getUser();",
    "    user.is_logged_in ? <form action={logout}><button>Log out</button></form>",
    "                      : <form action={login}><button>Log in</button></form>",
    `    and in client components: import { useUser } from "${PACKAGE_NAME}/client";`,
    "    (on a static page, put the components that call useUser() inside <Suspense>: docs/api.md#useuser)",
  ].join("\n");
}

/** The report as init prints it. */
export function formatReport(report: InitReport, dryRun = false): string {
  const lines = [
    `${dryRun ? "Would add" : "Added"} Streamlit-style login to ${report.root}${report.srcDir ? " (src/ layout)" : ""}:`,
    ...report.files.map((f) => `  ${f.path.padEnd(34)} ${f.result}`),
  ];
  if (report.warnings.length) lines.push("", "Warnings:", ...report.warnings.map((w) => `  - ${w}`));
  lines.push("", "Next steps:", ...report.steps.map((step, i) => `  ${i + 1}. ${step.replaceAll("\n", "\n   ")}`));
  lines.push("", "Then run the app (npm run dev) and press your Log in button.");
  return lines.join("\n");
}
