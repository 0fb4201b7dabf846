// @ts-check
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = path.resolve(BENCH, "..");
export const APPS = path.join(BENCH, "apps");
/** Templates of apps generated at run time (bench/apps/<name> is then git-ignored). */
export const TEMPLATES = path.join(BENCH, "templates");
export const OUT = path.join(BENCH, ".out");
export const RESULTS = path.join(BENCH, "results");
export const NEXT_BIN = path.join(BENCH, "node_modules/next/dist/bin/next");
