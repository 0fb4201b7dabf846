import { loadConfig } from "./config/load.js";

/**
 * Called from the app's `instrumentation.ts` at server start (Node runtime). It reads the config, reports its problems
 * once, and hands the middleware what it needs (see config/handoff.ts): the edge runtime cannot read files, config
 * must never be compiled into `.next/`, and the process environment would pass it on to every child process.
 */
export function registerAuth(): void {
  loadConfig();
}
