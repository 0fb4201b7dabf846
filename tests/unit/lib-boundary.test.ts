import { readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { LIBRARY_PACKAGES, PEER_PACKAGES } from "../../scripts/init.mjs";

/**
 * lib/auth is copied into other apps as it is (scripts/init.mjs, docs/getting-started.md): it must never import
 * from the demo app (app/, components/, "@/..."), nor reach outside its own folder, and may only use the packages
 * that init tells an app to install (plus Next.js, React and Node's built-ins).
 */
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const LIB = path.join(ROOT, "lib");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(file))
    .map((file) => path.join(dir, file));
}

/** Every module specifier of a file: static imports and re-exports, import("..."), require("..."), import types. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return [...info.importedFiles, ...info.referencedFiles, ...info.typeReferenceDirectives].map((ref) => ref.fileName);
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

const files = sourceFiles(LIB);
const allowedPackages = new Set([...PEER_PACKAGES, ...LIBRARY_PACKAGES]);
const builtins = new Set(builtinModules);

describe("lib/ is self-contained", () => {
  it("has the library's files to check", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain(path.join(LIB, "auth", "index.ts"));
  });

  it("the import scanner sees every kind of import", () => {
    const sample = path.join(ROOT, "tests", "unit", "lib-boundary.test.ts");
    expect(specifiers(sample)).toEqual(expect.arrayContaining(["node:fs", "typescript", "../../scripts/init.mjs"]));
  });

  it.each(files.map((file) => [path.relative(ROOT, file), file]))(
    "%s imports only lib/auth and packages",
    (_, file) => {
      const problems: string[] = [];
      for (const specifier of specifiers(file)) {
        if (specifier.startsWith(".")) {
          const resolved = path.resolve(path.dirname(file), specifier);
          if (!resolved.startsWith(path.join(LIB, "auth") + path.sep) && resolved !== path.join(LIB, "auth")) {
            problems.push(`${specifier} reaches outside lib/auth`);
          }
        } else if (specifier.startsWith("@/") || specifier.startsWith("~/") || specifier.startsWith("/")) {
          problems.push(`${specifier} imports from the app (lib/auth must use relative imports only)`);
        } else if (specifier.startsWith("node:")) {
          if (!builtins.has(specifier.slice(5))) problems.push(`${specifier} is not a Node.js built-in`);
        } else if (!allowedPackages.has(packageName(specifier))) {
          problems.push(
            `${specifier}: not a package that scripts/init.mjs tells an app to install (LIBRARY_PACKAGES, PEER_PACKAGES)`,
          );
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it("the packages init names are this repository's dependencies, with exact versions", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const name of [...PEER_PACKAGES, ...LIBRARY_PACKAGES])
      expect(pkg.dependencies[name]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
