import { readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * lib/auth is the package streamlit-auth-nextjs: its source may only import itself (with explicit `.js` extensions, as
 * Node's ESM resolution needs in the built files), Node's built-ins and the packages its package.json declares; the
 * entries that run in the browser or on the edge reach nothing Node-only or server-only.
 */
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const LIB = path.join(ROOT, "lib", "auth");
const pkg = JSON.parse(readFileSync(path.join(LIB, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(file) && !/^(dist|node_modules)\//.test(file))
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

/** The source file a relative `.js` specifier names (`./x.js` is `./x.ts` or `./x.tsx`). */
function sourceOf(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier).replace(/\.js$/, "");
  return [`${base}.ts`, `${base}.tsx`].find((file) => files.includes(file));
}

/** Every source file reachable from an entry, with the bare specifiers each imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const bare: string[] = [];
    seen.set(file, bare);
    for (const specifier of specifiers(file)) {
      if (!specifier.startsWith(".")) bare.push(specifier);
      else {
        const next = sourceOf(file, specifier);
        if (next) visit(next);
      }
    }
  };
  visit(path.join(LIB, entry));
  return seen;
}

const files = sourceFiles(LIB);
const allowedPackages = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
const builtins = new Set(builtinModules);

describe("lib/auth is a self-contained package", () => {
  it("has the library's files to check", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain(path.join(LIB, "index.ts"));
  });

  it("the import scanner sees every kind of import", () => {
    const sample = path.join(ROOT, "tests", "unit", "lib-boundary.test.ts");
    expect(specifiers(sample)).toEqual(expect.arrayContaining(["node:fs", "typescript", "vitest"]));
  });

  it.each(files.map((file) => [path.relative(ROOT, file), file]))(
    "%s imports only lib/auth (by .js paths) and declared packages",
    (_, file) => {
      const problems: string[] = [];
      for (const specifier of specifiers(file)) {
        if (specifier.startsWith(".")) {
          const resolved = path.resolve(path.dirname(file), specifier);
          if (!resolved.startsWith(LIB + path.sep)) problems.push(`${specifier} reaches outside lib/auth`);
          else if (!file.endsWith(".d.ts") && !sourceOf(file, specifier))
            problems.push(`${specifier}: name the file with its .js extension, as Node's ESM resolution needs`);
        } else if (specifier.startsWith("@/") || specifier.startsWith("~/") || specifier.startsWith("/")) {
          problems.push(`${specifier} imports from the app (lib/auth uses relative imports only)`);
        } else if (specifier.startsWith("node:")) {
          if (!builtins.has(specifier.slice(5))) problems.push(`${specifier} is not a Node.js built-in`);
        } else if (!allowedPackages.has(packageName(specifier))) {
          problems.push(`${specifier}: not a dependency or peer dependency in lib/auth/package.json`);
        } else if (packageName(specifier) === "next" && !specifier.endsWith(".js")) {
          problems.push(
            `${specifier}: Next.js has no exports map; name the file (next/server.js) for Node's resolution`,
          );
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each([
    ["middleware.ts", "runs on the edge"],
    ["client.tsx", "runs in the browser"],
    ["actions.ts", "is imported by client components"],
    ["testing.ts", "runs in test runners outside Next"],
  ])("the %s entry (it %s) reaches no Node built-in and no server-only module", (entry) => {
    const graph = reachable(entry);
    expect(graph.size).toBeGreaterThan(0);
    const problems = [...graph].flatMap(([file, bare]) =>
      bare
        .filter((s) => s.startsWith("node:") || builtins.has(s) || s === "server-only" || s === "next/headers.js")
        .map((s) => `${path.relative(LIB, file)} imports ${s}`),
    );
    // The server actions are "use server" modules: a client bundle gets references to them, never their imports.
    const direct = entry === "actions.ts" ? problems.filter((p) => p.startsWith("actions.ts")) : problems;
    expect(direct).toEqual([]);
  });

  it("its dependencies are exact versions, and its peer ranges start at the versions the tests run", () => {
    for (const [name, version] of Object.entries(pkg.dependencies)) expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    for (const [name, range] of Object.entries(pkg.peerDependencies)) {
      const tested = root.dependencies[name] ?? root.devDependencies[name];
      expect(range, name).toBe(`^${tested}`);
    }
  });
});
