// @ts-check
/**
 * The package as users get it: `npm pack` of lib/auth, and a node_modules for a test app that holds the unpacked
 * tarball next to this repository's other dependencies (linked, so nothing is downloaded). Used by the package checks
 * (scripts/check-package.mjs), the variants (scripts/e2e-variants.mjs), the adoption test and the benchmark's
 * README-setup apps.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const PACKAGE_DIR = path.join(ROOT, "lib", "auth");
export const PACKAGE_NAME = "streamlit-auth-nextjs";

/**
 * @typedef {{ path: string, size: number }} PackedFile
 * @typedef {{ tarball: string, size: number, unpackedSize: number, files: PackedFile[] }} Packed
 */

/**
 * Builds the package and packs it into `destination`.
 * @param {string} destination @returns {Packed}
 */
export function packPackage(destination) {
  mkdirSync(destination, { recursive: true });
  execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", PACKAGE_DIR], {
    stdio: "inherit",
  });
  const output = execFileSync("npm", ["pack", "--json", "--pack-destination", destination], {
    cwd: PACKAGE_DIR,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [result] = /** @type {Array<{ filename: string, size: number, unpackedSize: number, files: PackedFile[] }>} */ (
    JSON.parse(output)
  );
  if (!result) throw new Error("npm pack reported nothing");
  return {
    tarball: path.join(destination, result.filename),
    size: result.size,
    unpackedSize: result.unpackedSize,
    files: result.files,
  };
}

/**
 * A node_modules at `target` with the tarball unpacked as the package and every other entry of this repository's
 * node_modules linked (so `next`, `react` and the package's dependencies resolve, one copy each).
 * @param {string} target @param {string} tarball
 */
export function nodeModulesWithTarball(target, tarball) {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const source = path.join(ROOT, "node_modules");
  for (const entry of readdirSync(source)) {
    if (entry === PACKAGE_NAME || entry === ".bin" || entry.startsWith(".")) continue;
    symlinkSync(path.join(source, entry), path.join(target, entry), "dir");
  }
  unpackTarball(tarball, path.join(target, PACKAGE_NAME));
}

/**
 * The tarball's files at `target` (replacing what was there), as npm lays out an installed package.
 * @param {string} tarball @param {string} target
 */
export function unpackTarball(tarball, target) {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
}
