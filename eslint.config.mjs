// ESLint 9 flat config: Next.js's own rules (core web vitals) and typescript-eslint's recommended set.
// `npm run lint` runs it with --max-warnings 0.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    "node_modules/**",
    "bench/**",
    "test-results/**",
    "playwright-report/**",
    ".e2e-variants/**",
    "lib/auth/dist/**",
    ".e2e-child-env/**",
    "next-env.d.ts",
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `const { sub: _sub, ...rest } = claims` drops a key on purpose; a leading underscore marks it unused.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
]);
