// Next's compiled path-to-regexp has no types of its own; lib/auth/gate/protect.ts augments this declaration.
declare module "next/dist/compiled/path-to-regexp/index.js" {
  export function pathToRegexp(path: string): RegExp;
}
