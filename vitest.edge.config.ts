import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:edge`: the compiled middleware in Vercel's edge runtime. Needs a `next build` first, so it is not part
 * of `vitest run` (the unit suite); `npm run test:e2e` runs it right after its build.
 */
export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      "server-only": fileURLToPath(new URL("tests/support/server-only.ts", import.meta.url)),
    },
  },
  test: {
    include: ["tests/edge/**/*.test.ts"],
    environment: "node",
  },
});
