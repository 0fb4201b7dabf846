// @ts-check
/**
 * The sessions rows of `npm run bench`, kept apart from bench/run.mjs: `get_access_token_hot_us` (µs per
 * getAccessToken() with a valid stored token) and `refresh_backchannel_requests` (requests to the provider for one
 * refresh; 1 expected). bench/run.mjs calls {@link sessionRows}; `node bench/sessions.mjs` prints them alone.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const BENCH = path.dirname(fileURLToPath(import.meta.url));

/**
 * Bundles bench/src/sessions.ts (the library compiled in, packages external) and runs it in a child process.
 * @param {{ out?: string, ops?: number, rounds?: number }} [options]
 * @returns {Promise<{ metrics: { get_access_token_hot_us: number, refresh_backchannel_requests: number }, raw: unknown }>}
 */
export async function sessionRows({ out = path.join(BENCH, ".out"), ops = 1000, rounds = 7 } = {}) {
  const { build } = await import("esbuild");
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [path.join(BENCH, "src/sessions.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // The library's server modules import "server-only", which throws outside a React server build: stand in its
    // empty module, as Next's react-server condition does.
    alias: { "server-only": path.join(BENCH, "node_modules/server-only/empty.js") },
    outdir: out,
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  const output = execFileSync(process.execPath, [path.join(out, "sessions.mjs")], {
    env: { ...process.env, MICRO_OPS: String(ops), MICRO_ROUNDS: String(rounds) },
    encoding: "utf8",
    timeout: 5 * 60_000,
  });
  const raw = JSON.parse(output.trim().split("\n").at(-1) ?? "{}");
  return {
    metrics: {
      get_access_token_hot_us: raw.cases.get_access_token_hot.median,
      refresh_backchannel_requests: raw.refresh_backchannel_requests,
    },
    raw,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { metrics, raw } = await sessionRows();
  console.log(`get_access_token_hot_us       ${metrics.get_access_token_hot_us}  (rounds ${raw.cases.get_access_token_hot.rounds.join(" ")})`);
  console.log(`refresh_backchannel_requests  ${metrics.refresh_backchannel_requests}`);
}
