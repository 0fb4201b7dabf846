#!/usr/bin/env node
import { InitError, formatReport, initApp } from "./init.js";
import { packageInfo } from "./package-info.js";
import { PACKAGE_NAME } from "./templates.js";

/** `npx streamlit-auth-nextjs init [app-dir] [--protect /path]... [--edge] [--dry-run]` */

const USAGE = `Usage: npx ${PACKAGE_NAME} init [app-dir] [--protect /path]... [--edge] [--dry-run]

Adds Streamlit-style login to the Next.js app in app-dir (default: the current folder): the auth route handlers,
the gate as proxy.ts, instrumentation.ts, secrets.example.toml and, when the app has none, a root layout with
<AuthProvider>. It never overwrites a file, installs nothing, and prints the next steps. Safe to run again.

  --protect /path   send anonymous visitors of /path (and below) to log in (repeatable; default: none)
  --edge            write the gate as middleware.ts (edge runtime, e.g. for Vercel's edge network) instead of
                    proxy.ts (Node.js runtime, faster under next start)
  --proxy           write the gate as proxy.ts: the default now, still accepted
  --dry-run         only print what would be written
  --version         print the version`;

function main(args: readonly string[]): number {
  const [command, ...rest] = args;
  if (command === "--version" || command === "-v") {
    console.log(packageInfo().version);
    return 0;
  }
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== "init") {
    console.error(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
    return 2;
  }
  const protect: string[] = [];
  let target: string | undefined;
  let dryRun = false;
  let edge = false;
  let proxy = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? "";
    if (arg === "--dry-run") dryRun = true;
    else if (arg === "--edge") edge = true;
    else if (arg === "--proxy") proxy = true;
    else if (arg === "--protect") protect.push(rest[++i] ?? "");
    else if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      return 0;
    } else if (arg.startsWith("-") || target !== undefined) {
      console.error(`Unexpected argument ${JSON.stringify(arg)}.\n\n${USAGE}`);
      return 2;
    } else target = arg;
  }
  if (edge && proxy) {
    console.error(`--edge (middleware.ts) and --proxy (proxy.ts) cannot be combined: give one of them.\n\n${USAGE}`);
    return 2;
  }
  try {
    console.log(formatReport(initApp({ target: target ?? process.cwd(), protect, dryRun, edge, proxy }), dryRun));
    return 0;
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    console.error(`init: ${error.message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
