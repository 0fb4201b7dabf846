// @ts-check
/**
 * A package-lock.json for the adoption test's app, so that `npm ci --offline` installs it from npm's cache and the
 * packed tarball alone, with no request to a registry: the entries the app's dependencies (and the package's) need,
 * taken from this repository's lockfile (the same versions `npm ci` put in the cache), plus the tarball as a file
 * dependency with its integrity. It is the lockfile `npm install ./streamlit-auth-nextjs-<version>.tgz` would write,
 * with every entry's `resolved` URL filled in from the registry npm is configured with, so that `npm ci` finds each
 * tarball in its cache by integrity without asking the registry for the package's metadata first.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * @typedef {{ version?: string, dependencies?: Record<string, string>, optionalDependencies?: Record<string, string>,
 *   peerDependencies?: Record<string, string>, peerDependenciesMeta?: Record<string, { optional?: boolean }>,
 *   [key: string]: unknown }} LockEntry
 */

/**
 * @param {{ repoLock: string, registry: string, app: { name: string, version: string, dependencies: Record<string, string>,
 *   devDependencies?: Record<string, string> }, tarball: string, tarballSpec: string,
 *   manifest: LockEntry & { name: string, version: string } }} input
 */
export function offlineLockfile({ repoLock, registry, app, tarball, tarballSpec, manifest }) {
  const repo = /** @type {{ packages: Record<string, LockEntry> }} */ (JSON.parse(readFileSync(repoLock, "utf8")));
  const { name: packageName, version } = manifest;
  /** @type {LockEntry} */
  const packed = {
    version,
    resolved: tarballSpec,
    integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
    ...pick(manifest, ["license", "dependencies", "peerDependencies", "peerDependenciesMeta", "bin", "engines"]),
  };
  /** @type {Record<string, LockEntry>} */
  const packages = {
    "": { name: app.name, version: app.version, dependencies: app.dependencies, devDependencies: app.devDependencies },
  };
  /** @type {Array<[string, string, boolean]>} parent path, dependency name, optional */
  const queue = Object.keys({ ...app.dependencies, ...app.devDependencies }).map((dep) => ["", dep, false]);
  while (queue.length) {
    const [parent, dep, optional] = /** @type {[string, string, boolean]} */ (queue.shift());
    const found = dep === packageName ? "node_modules/" + dep : resolve(repo.packages, parent, dep);
    if (!found) {
      if (optional) continue;
      throw new Error(`the repository's lockfile has no ${dep} (needed by ${parent || "the app"})`);
    }
    if (packages[found]) continue;
    const entry =
      dep === packageName
        ? packed
        : withResolved(strip(/** @type {LockEntry} */ (repo.packages[found])), found, registry);
    packages[found] = entry;
    for (const name of Object.keys(entry.dependencies ?? {})) queue.push([found, name, false]);
    for (const name of Object.keys(entry.optionalDependencies ?? {})) queue.push([found, name, true]);
    for (const name of Object.keys(entry.peerDependencies ?? {}))
      queue.push([found, name, entry.peerDependenciesMeta?.[name]?.optional === true]);
  }
  return { name: app.name, version: app.version, lockfileVersion: 3, requires: true, packages };
}

/** Node's lookup on lockfile paths: `a/node_modules/b` finds `dep` in its own node_modules, then in its parents'. */
function resolve(
  /** @type {Record<string, LockEntry>} */ packages,
  /** @type {string} */ parent,
  /** @type {string} */ dep,
) {
  let base = parent;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${dep}`;
    if (packages[candidate] && !packages[candidate]["link"]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut === -1 ? "" : base.slice(0, cut);
  }
}

/** The entry without the flags npm computes for the repository's own tree (dev, peer, ...). */
function strip(/** @type {LockEntry} */ entry) {
  const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry;
  return rest;
}

/** A registry package's tarball URL, when the lockfile leaves it out (npm's omit-lockfile-registry-resolved). */
function withResolved(/** @type {LockEntry} */ entry, /** @type {string} */ where, /** @type {string} */ registry) {
  if (entry["resolved"] || typeof entry.version !== "string") return entry;
  const name = where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
  const file = `${name.split("/").pop()}-${entry.version}.tgz`;
  return { ...entry, resolved: new URL(`${name}/-/${file}`, registry.endsWith("/") ? registry : `${registry}/`).href };
}

/** @param {Record<string, unknown>} object @param {string[]} keys */
function pick(object, keys) {
  return Object.fromEntries(keys.filter((key) => object[key] !== undefined).map((key) => [key, object[key]]));
}
