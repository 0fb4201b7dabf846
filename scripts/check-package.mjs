// @ts-check
/**
 * `npm run test:package`: the package as it would be published (`npm pack` of lib/auth), checked the way its users
 * and the registry's tools see it:
 *
 * - the tarball holds only what a user needs (the built files, README, LICENSE, CHANGELOG, the example config) and
 *   stays within the size budget below;
 * - every file of the source that starts with "use client" or "use server" starts with it in the build too;
 * - publint and @arethetypeswrong/cli (ESM-only profile) report nothing;
 * - an app's use of every entry point (tests/package/consumer.mts) type-checks against the tarball under
 *   moduleResolution "node16" and "bundler";
 * - Apache-2.0 license, a CHANGELOG entry for the version, a semantic version.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PACKAGE_DIR, ROOT, nodeModulesWithTarball, packPackage } from "./packed-package.mjs";

/** The size budget: what `npm install` downloads (gzip) and what it writes. */
export const MAX_TARBALL_BYTES = 200_000;
export const MAX_UNPACKED_BYTES = 700_000;
/** The only files a user gets. */
const ALLOWED = /^(dist\/.+\.(js|d\.ts)|package\.json|README\.md|LICENSE|CHANGELOG\.md|secrets\.example\.toml)$/;

const pkg = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8"));
const work = mkdtempSync(path.join(tmpdir(), "auth-package-"));
let passed = 0;
let failed = 0;

/** @param {string} name @param {() => string | void} check */
function check(name, check) {
  try {
    const note = check();
    passed += 1;
    console.log(`ok - ${name}${note ? `: ${note}` : ""}`);
  } catch (error) {
    failed += 1;
    console.log(
      `not ok - ${name}\n${error instanceof Error ? error.message : String(error)}`.replaceAll("\n", "\n    "),
    );
  }
}

/** @param {boolean} condition @param {string} message @returns {asserts condition} */
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** @param {string} command @param {string[]} args */
function tool(command, args) {
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules", ".bin", command), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

try {
  const packed = packPackage(work);
  const files = packed.files.map((f) => f.path).sort();

  check("npm pack lists only what a user needs", () => {
    const unexpected = files.filter((file) => !ALLOWED.test(file));
    assert(unexpected.length === 0, `unexpected files in the tarball: ${unexpected.join(", ")}`);
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [t] : [t.types, t.default]));
    const required = ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "secrets.example.toml"];
    for (const file of [...required, ...targets.map((t) => t.replace(/^\.\//, "")), pkg.bin[pkg.name].slice(2)]) {
      assert(files.includes(file), `the tarball lacks ${file}`);
    }
    const js = files.filter((f) => f.endsWith(".js")).length;
    const dts = files.filter((f) => f.endsWith(".d.ts")).length;
    return `${files.length} files (${js} .js, ${dts} .d.ts, and ${files.length - js - dts} others)`;
  });

  check(
    `within the size budget (${MAX_TARBALL_BYTES / 1000} kB packed, ${MAX_UNPACKED_BYTES / 1000} kB unpacked)`,
    () => {
      assert(packed.size <= MAX_TARBALL_BYTES, `the tarball is ${packed.size} bytes`);
      assert(packed.unpackedSize <= MAX_UNPACKED_BYTES, `unpacked it is ${packed.unpackedSize} bytes`);
      return `${(packed.size / 1000).toFixed(1)} kB packed, ${(packed.unpackedSize / 1000).toFixed(1)} kB unpacked`;
    },
  );

  check('"use client" and "use server" survive the build', () => {
    const kept = [];
    for (const file of readdirSync(PACKAGE_DIR, { recursive: true, encoding: "utf8" })) {
      if (!/\.tsx?$/.test(file) || file.endsWith(".d.ts") || /^(dist|node_modules)\//.test(file)) continue;
      const directive = /^"use (client|server)";/.exec(readFileSync(path.join(PACKAGE_DIR, file), "utf8"))?.[0];
      if (!directive) continue;
      const built = path.join(PACKAGE_DIR, "dist", file.replace(/\.tsx?$/, ".js"));
      assert(readFileSync(built, "utf8").startsWith(directive), `${built} does not start with ${directive}`);
      kept.push(`${file} ${directive}`);
    }
    assert(kept.length >= 2, `expected the client entry and the server actions, found ${kept.join(", ")}`);
    return kept.join(", ");
  });

  check("publint reports nothing", () => {
    const { status, output } = tool("publint", [PACKAGE_DIR, "--strict"]);
    assert(status === 0 && output.includes("All good!"), output);
  });

  check("@arethetypeswrong/cli reports nothing (ESM only: node16 from ESM, bundler)", () => {
    // It exits with 1 on any problem; the ESM-only profile ignores CommonJS resolution, which an ESM-only package
    // does not offer on purpose.
    const { status, output } = tool("attw", [packed.tarball, "--profile", "esm-only"]);
    assert(status === 0, output);
  });

  const consumer = path.join(work, "consumer");
  nodeModulesWithTarball(path.join(consumer, "node_modules"), packed.tarball);
  copyFileSync(path.join(ROOT, "tests", "package", "consumer.mts"), path.join(consumer, "consumer.mts"));
  for (const [resolution, module] of [
    ["node16", "node16"],
    ["bundler", "esnext"],
  ]) {
    check(`an app's imports of every entry type-check with moduleResolution "${resolution}"`, () => {
      const result = spawnSync(
        process.execPath,
        [
          path.join(ROOT, "node_modules", "typescript", "bin", "tsc"),
          ...["--noEmit", "--strict", "--skipLibCheck", "false", "--target", "es2022", "--lib", "es2023,dom"],
          ...["--module", module, "--moduleResolution", resolution, "--types", "node", "consumer.mts"],
        ],
        { cwd: consumer, encoding: "utf8" },
      );
      // Next's own declarations do not all check without skipLibCheck; the app's file and the package's must.
      const ours = result.stdout
        .split("\n")
        .filter((l) => /^(consumer\.mts|node_modules\/streamlit-auth-nextjs\/)/.test(l));
      assert(ours.length === 0, ours.join("\n"));
    });
  }

  check("Apache-2.0, a CHANGELOG entry for this version, a semantic version", () => {
    assert(pkg.license === "Apache-2.0", `license is ${pkg.license}`);
    const license = readFileSync(path.join(PACKAGE_DIR, "LICENSE"), "utf8");
    assert(/Apache License\s+Version 2\.0, January 2004/.test(license), "LICENSE is not the Apache License 2.0");
    assert(license === readFileSync(path.join(ROOT, "LICENSE"), "utf8"), "LICENSE differs from the repository's");
    assert(/^\d+\.\d+\.\d+$/.test(pkg.version), `version ${pkg.version} is not MAJOR.MINOR.PATCH`);
    const changelog = readFileSync(path.join(PACKAGE_DIR, "CHANGELOG.md"), "utf8");
    assert(changelog.includes(`\n## ${pkg.version} `), `CHANGELOG.md has no "## ${pkg.version} " heading`);
    return `${pkg.name}@${pkg.version}`;
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`\npackage: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
