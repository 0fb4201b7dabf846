import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The adoption app's compiled middleware in the edge runtime: run by tests/adoption/run.mjs after its build. */
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("../..", import.meta.url)) } },
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/adoption/*.test.ts"],
    environment: "node",
  },
});
