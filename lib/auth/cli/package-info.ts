import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_NAME } from "./templates.js";

/** Where the installed package is, and its version: the folder above this file that holds its package.json. */
export interface PackageInfo {
  root: string;
  version: string;
  /** The example configuration the package ships, copied into apps by init. */
  secretsExample: string;
}

let found: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (found) return found;
  // From the source (cli/) and from the build (dist/cli/) alike.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && pkg.version) {
        found = { root: dir, version: pkg.version, secretsExample: path.join(dir, "secrets.example.toml") };
        return found;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${PACKAGE_NAME}: cannot find the package's own package.json`);
    dir = parent;
  }
}
