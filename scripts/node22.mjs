// @ts-check
/**
 * Node.js 22 for the tests that run the app on it (scripts/e2e-variants.mjs, tests/adoption/run.mjs): the npm
 * registry's `node` package, installed once into ~/.cache, outside the project's dependencies.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const NODE22_VERSION = "22.23.3";
const NODE22_DIR = path.join(os.homedir(), ".cache", "streamlit-auth-nextjs", `node-${NODE22_VERSION}`);

/** The Node.js 22 binary, installed on first use. */
export function node22() {
  const binary = path.join(NODE22_DIR, "node_modules", "node", "bin", "node");
  if (!existsSync(binary) || !nodeVersion(binary).startsWith("v22.")) {
    console.log(
      `Installing Node.js ${NODE22_VERSION} from the npm registry into ${NODE22_DIR} (not a project dependency)...`,
    );
    mkdirSync(NODE22_DIR, { recursive: true });
    execFileSync(
      "npm",
      [
        "install",
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        "--prefix",
        NODE22_DIR,
        `node@${NODE22_VERSION}`,
      ],
      { stdio: "inherit" },
    );
  }
  const found = nodeVersion(binary);
  if (!found.startsWith("v22.")) throw new Error(`expected Node.js 22 at ${binary}, got ${found || "nothing"}`);
  return binary;
}

/** `node --version` of a binary, or "" when there is none. @param {string} binary */
export function nodeVersion(binary) {
  if (!existsSync(binary)) return "";
  return spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout.trim();
}
