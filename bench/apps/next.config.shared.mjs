// Shared by every benchmark app. Turbopack's root is bench/: next, react and the library's dependencies are
// installed in bench/node_modules (the same versions as the library's), and run.mjs unpacks the packed library there
// before building, so nothing outside bench/ (such as the demo app's own middleware.ts) is picked up.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** @type {import("next").NextConfig} */
export const benchNextConfig = {
  turbopack: { root },
  outputFileTracingRoot: root,
  poweredByHeader: false,
  // The library is type-checked by `npm test`; these builds only need to run.
  typescript: { ignoreBuildErrors: true },
};
