/**
 * The files `npx streamlit-auth-nextjs init` writes into an app, as text. This repository's demo app holds the same
 * files (a unit test applies init to it and expects no change).
 */

/** The package's name: every import init writes uses it. */
export const PACKAGE_NAME = "streamlit-auth-nextjs";

/** The auth route handlers: `app/auth/<name>/route.ts` re-exports the package's handler, one line each. */
export const ROUTE_FILES: Readonly<Record<string, { methods: readonly string[]; comment?: string }>> = {
  login: { methods: ["GET"] },
  callback: {
    methods: ["GET"],
    comment:
      "Reached through the middleware, which rewrites the callback path of redirect_uri (e.g. /oauth2callback) here.",
  },
  logout: { methods: ["GET", "POST"] },
  user: { methods: ["GET"], comment: "The user's claims for useUser() on static pages (never the tokens)." },
};

/** `app/auth/<name>/route.ts`. */
export function routeSource(name: string): string {
  const route = ROUTE_FILES[name];
  if (!route) throw new Error(`no auth route named ${name}`);
  const line = `export { ${route.methods.join(", ")} } from "${PACKAGE_NAME}/routes/${name}";\n`;
  return route.comment ? `// ${route.comment}\n${line}` : line;
}

/**
 * The gate: the matcher lists the protected paths and the callback's conditions, and the gate takes its protected paths
 * from it. The same text serves as proxy.ts (Node.js runtime) and as middleware.ts (edge runtime): Next takes the
 * default export from either, so its comments name neither.
 */
export function gateSource(protect: readonly string[]): string {
  return [
    `import { authMiddleware } from "${PACKAGE_NAME}/middleware";`,
    "",
    "export const config = {",
    "  matcher: [",
    "    // Protected: every path listed here (and everything below it) needs a logged-in user. One edit protects a path.",
    ...protect.map((p) => `    ${JSON.stringify(`${p.replace(/\/+$/, "")}/:path*`)},`),
    "    // The login callback: requests that carry an authorization response, at whatever path redirect_uri names (it is",
    "    // read at run time). Plain page requests never match these, so unprotected pages never pass through the gate.",
    ...["state", "code", "error"].map((key) => `    { source: "/:path*", has: [{ type: "query", key: "${key}" }] },`),
    "  ],",
    "};",
    "",
    "export default authMiddleware({ matcher: config.matcher });",
    "",
  ].join("\n");
}

/** The lines of instrumentation.ts's `register()` that hand the config file's `[auth]` to the gate. */
export const REGISTER_LINES = [
  'if (process.env.NEXT_RUNTIME === "nodejs") {',
  `  const { registerAuth } = await import("${PACKAGE_NAME}/instrumentation");`,
  "  registerAuth();",
  "}",
];

/** instrumentation.ts. */
export function instrumentationSource(): string {
  return ["export async function register() {", ...REGISTER_LINES.map((l) => `  ${l}`), "}", ""].join("\n");
}

/** A root layout with `<AuthProvider>` around its children, for an app that has none. */
export function layoutSource(): string {
  return [
    'import type { ReactNode } from "react";',
    `import { AuthProvider } from "${PACKAGE_NAME}";`,
    "",
    "export default function RootLayout({ children }: { children: ReactNode }) {",
    "  return (",
    '    <html lang="en">',
    "      <body>",
    "        <AuthProvider>{children}</AuthProvider>",
    "      </body>",
    "    </html>",
    "  );",
    "}",
    "",
  ].join("\n");
}
