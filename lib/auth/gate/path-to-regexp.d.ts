/**
 * Next's own copy of path-to-regexp 6, which compiles `config.matcher` sources at build time. The gate compiles the same
 * sources with it, so "protected" means exactly what the matcher routes to the gate.
 */
declare module "next/dist/compiled/path-to-regexp/index.js" {
  export function pathToRegexp(path: string): RegExp;
}
