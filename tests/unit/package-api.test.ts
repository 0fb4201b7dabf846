import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The package's public API as its users' editors see it: the built declaration files of every entry in the exports
 * map (npm run build:package writes them; `npm test` builds first). Every export carries TSDoc, and the error classes
 * share one base with a code.
 */
const LIB = path.resolve(import.meta.dirname, "..", "..", "lib", "auth");
const pkg = JSON.parse(readFileSync(path.join(LIB, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
};
const entries = Object.entries(pkg.exports).flatMap(([name, target]) =>
  typeof target === "string" ? [] : [{ name, types: path.join(LIB, target.types) }],
);
const program = ts.createProgram(
  entries.map((entry) => entry.types),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();

function exportsOf(types: string): ts.Symbol[] {
  const source = program.getSourceFile(types);
  if (!source) throw new Error(`${types} is missing: run npm run build:package`);
  const entry = checker.getSymbolAtLocation(source);
  return entry ? checker.getExportsOfModule(entry) : [];
}

const resolved = (symbol: ts.Symbol) =>
  symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

describe("the package's entry points", () => {
  it("are the documented ones", () => {
    expect(Object.keys(pkg.exports)).toEqual([
      ".",
      "./client",
      "./actions",
      "./middleware",
      "./instrumentation",
      "./testing",
      "./routes/login",
      "./routes/callback",
      "./routes/logout",
      "./routes/user",
      "./package.json",
    ]);
  });

  it.each(entries.map((entry) => [entry.name, entry.types]))("%s documents every export (TSDoc)", (_, types) => {
    const symbols = exportsOf(types);
    expect(symbols.length).toBeGreaterThan(0);
    const undocumented = symbols
      .filter((symbol) => !ts.displayPartsToString(resolved(symbol).getDocumentationComment(checker)).trim())
      .map((symbol) => symbol.name);
    expect(undocumented).toEqual([]);
  });

  it("route modules export their HTTP handlers, and the callback its factory callback({ onLogin, errorPage })", () => {
    const methods = Object.fromEntries(
      entries
        .filter((entry) => entry.name.startsWith("./routes/"))
        .map((entry) => [entry.name, exportsOf(entry.types).map((symbol) => symbol.name)]),
    );
    expect(methods).toEqual({
      "./routes/login": ["GET"],
      "./routes/callback": ["callback", "GET"],
      "./routes/logout": ["GET", "POST"],
      "./routes/user": ["GET"],
    });
  });
});
