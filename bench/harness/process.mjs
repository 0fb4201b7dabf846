// @ts-check
/** Child processes of the benchmark: each in its own process group, all ended when the benchmark exits. */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { APPS, NEXT_BIN, ROOT } from "./paths.mjs";

/** @type {Set<import("node:child_process").ChildProcess>} */
const children = new Set();

/** @param {import("node:child_process").ChildProcess} child @param {NodeJS.Signals} signal */
function signalGroup(child, signal) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export function killAll() {
  for (const child of children) signalGroup(child, "SIGKILL");
}
process.on("exit", killAll);
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * Runs a command to completion and returns its stdout; unless quiet, its stderr is passed through.
 * @param {string} command @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs: number, quiet?: boolean }} options
 * @returns {Promise<string>}
 */
export function run(command, args, { cwd = ROOT, env = process.env, timeoutMs, quiet = false }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => {
      stderr += d;
      if (!quiet) process.stderr.write(d);
    });
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code ?? signal}\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`));
    });
  });
}

/** @returns {Promise<number>} a free loopback port */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `next start` of a built app on a loopback port (a free one unless given); resolves once it answers.
 * The login app runs on `localhost`, as the end-to-end tests do.
 * @param {string} app @param {(port: number) => NodeJS.ProcessEnv} envFor
 * @param {{ port?: number, host?: "127.0.0.1" | "localhost" }} [options]
 */
export async function startApp(app, envFor, { port: fixedPort, host = "127.0.0.1" } = {}) {
  const port = fixedPort ?? (await freePort());
  const origin = `http://${host}:${port}`;
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", host], {
    cwd: path.join(APPS, app),
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), ...envFor(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let log = "";
  child.stdout?.on("data", (d) => (log = (log + d).slice(-4000)));
  child.stderr?.on("data", (d) => (log = (log + d).slice(-4000)));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app}: next start exited\n${log}`);
    if (Date.now() - started > 60_000) throw new Error(`${app}: next start did not answer within 60 s\n${log}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual", signal: AbortSignal.timeout(2000) }).catch(() =>
        fetch(`${origin}/`, { redirect: "manual", signal: AbortSignal.timeout(2000) }),
      );
      break;
    } catch {
      await delay(100);
    }
  }
  return {
    origin,
    port,
    /** The server's process group (it was started detached): see cpu.mjs. */
    pgid: /** @type {number} */ (child.pid),
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        signalGroup(child, "SIGTERM");
        if (!(await Promise.race([exited.then(() => true), delay(5000).then(() => false)]))) {
          signalGroup(child, "SIGKILL");
          await exited;
        }
      }
      children.delete(child);
    },
  };
}
