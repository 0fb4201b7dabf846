import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatReport, initApp, middlewareSource, type InitReport } from "../../scripts/init.mjs";

/** scripts/init.mjs against small fake apps in temporary folders (the real build and login: npm run test:adoption). */
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const folders: string[] = [];

function app(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "auth-init-"));
  folders.push(dir);
  const all = { "package.json": JSON.stringify({ dependencies: { next: "16.4.6", react: "19.3.1" } }), ...files };
  for (const [file, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");
const resultOf = (report: InitReport, file: string) => report.files.find((f) => f.path === file)?.result;

afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("scripts/init.mjs", () => {
  it("copies lib/auth and writes the routes, middleware, instrumentation, layout, secrets example and .gitignore", () => {
    const dir = app({ "app/page.tsx": "export default function Page() { return null; }\n" });
    const report = initApp({ target: dir, protect: ["/dashboard"] });

    const libFiles = readdirSync(path.join(ROOT, "lib", "auth"), { recursive: true, encoding: "utf8" }).filter((f) =>
      /\.tsx?$/.test(f),
    );
    expect(libFiles.length).toBeGreaterThan(20);
    for (const file of libFiles) expect(read(dir, `lib/auth/${file}`)).toBe(read(ROOT, `lib/auth/${file}`));
    expect(read(dir, "app/auth/login/route.ts")).toBe(
      'import { handleLogin } from "../../../lib/auth/routes/login";\n\nexport const GET = handleLogin;\n',
    );
    expect(read(dir, "app/auth/callback/route.ts")).toContain("export const GET = handleCallback;");
    expect(read(dir, "app/auth/logout/route.ts")).toContain("export const POST = handleLogout;");
    expect(read(dir, "app/auth/user/route.ts")).toContain(
      'import { handleUser } from "../../../lib/auth/routes/user";',
    );
    expect(read(dir, "app/auth/user/route.ts")).toContain("export const GET = handleUser;");
    expect(read(dir, "middleware.ts")).toContain('"/dashboard/:path*",');
    expect(read(dir, "middleware.ts")).toContain("authMiddleware({ matcher: config.matcher })");
    // The template is the demo's own middleware.ts, byte for byte, but for the import path and what it protects.
    expect(middlewareSource("@/lib/auth", ["/protected"])).toBe(read(ROOT, "middleware.ts"));
    expect(read(dir, "instrumentation.ts")).toContain('await import("./lib/auth/instrumentation")');
    expect(read(dir, "app/layout.tsx")).toContain("<AuthProvider>{children}</AuthProvider>");
    expect(read(dir, "app/layout.tsx")).toContain('import { AuthProvider } from "../lib/auth";');
    expect(read(dir, "secrets.example.toml")).toBe(read(ROOT, "secrets.example.toml"));
    expect(read(dir, ".gitignore")).toContain("/secrets.toml\n/.streamlit/secrets.toml\n");
    expect(report.files.every((f) => f.result === "created")).toBe(true);

    const text = formatReport(report);
    expect(text).toContain("npm install iron-session@8.0.4 oauth4webapi@3.8.8 smol-toml@1.9.1");
    expect(text).toContain("cp secrets.example.toml secrets.toml");
    expect(text).not.toContain("Wrap {children}");
  });

  it("running it again changes nothing", () => {
    const dir = app();
    initApp({ target: dir, protect: ["/dashboard"] });
    const again = initApp({ target: dir, protect: ["/dashboard"] });
    expect(again.files.filter((f) => f.result !== "unchanged")).toEqual([]);
    expect(again.warnings).toEqual([]);
  });

  it("never edits an existing layout, middleware or instrumentation: it says what to add instead", () => {
    const layout =
      "export default function RootLayout({ children }) { return <html><body>{children}</body></html>; }\n";
    const dir = app({
      "app/layout.tsx": layout,
      "middleware.ts": "export default function middleware() {}\n",
      "instrumentation.ts": "export function register() {}\n",
      "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "@/*": ["./*"] } } }),
      ".gitignore": "node_modules\n/secrets.toml",
    });
    const report = initApp({ target: dir, force: true });
    expect(read(dir, "app/layout.tsx")).toBe(layout);
    expect(read(dir, "middleware.ts")).toBe("export default function middleware() {}\n");
    expect(read(dir, "instrumentation.ts")).toBe("export function register() {}\n");
    expect(resultOf(report, "middleware.ts")).toBe("kept");
    const steps = report.steps.join("\n");
    expect(steps).toContain("Wrap {children} in <AuthProvider> in app/layout.tsx");
    expect(steps).toContain('import { AuthProvider } from "@/lib/auth";');
    expect(steps).toContain("middleware.ts already exists");
    expect(steps).toContain("instrumentation.ts already exists");
    expect(steps).toContain('import { getUser, login, logout } from "@/lib/auth";');
    // Only the missing line is added to .gitignore.
    expect(read(dir, ".gitignore")).toBe(
      "node_modules\n/secrets.toml\n# Auth configuration (secrets)\n/.streamlit/secrets.toml\n",
    );
  });

  it("a proxy.ts is Next 16's middleware: no middleware.ts is added next to it", () => {
    const dir = app({ "proxy.ts": "export function proxy() {}\n" });
    const report = initApp({ target: dir });
    expect(existsSync(path.join(dir, "middleware.ts"))).toBe(false);
    expect(report.steps.join("\n")).toContain("proxy.ts already exists");
  });

  it("a changed library file is kept unless --force; --force never touches the middleware", () => {
    const dir = app();
    initApp({ target: dir });
    writeFileSync(path.join(dir, "lib/auth/index.ts"), "// changed\n");
    writeFileSync(path.join(dir, "middleware.ts"), "// mine\n");
    const kept = initApp({ target: dir });
    expect(resultOf(kept, "lib/auth/index.ts")).toBe("kept");
    expect(kept.warnings.join("\n")).toContain("lib/auth/index.ts");
    expect(read(dir, "lib/auth/index.ts")).toBe("// changed\n");

    const forced = initApp({ target: dir, force: true });
    expect(resultOf(forced, "lib/auth/index.ts")).toBe("overwritten");
    expect(read(dir, "lib/auth/index.ts")).toBe(read(ROOT, "lib/auth/index.ts"));
    expect(read(dir, "middleware.ts")).toBe("// mine\n");
  });

  it("an app with src/app gets everything under src/, with matching relative imports", () => {
    const dir = app({ "src/app/page.tsx": "export default function Page() { return null; }\n" });
    const report = initApp({ target: dir });
    expect(report.srcDir).toBe(true);
    expect(read(dir, "src/lib/auth/index.ts")).toBe(read(ROOT, "lib/auth/index.ts"));
    expect(read(dir, "src/app/auth/logout/route.ts")).toContain('from "../../../lib/auth/routes/logout"');
    expect(read(dir, "src/middleware.ts")).toContain('from "./lib/auth/middleware"');
    expect(read(dir, "src/instrumentation.ts")).toContain('import("./lib/auth/instrumentation")');
    expect(existsSync(path.join(dir, "secrets.example.toml"))).toBe(true);
    expect(existsSync(path.join(dir, "lib"))).toBe(false);
  });

  it("--dry-run writes nothing", () => {
    const dir = app();
    const report = initApp({ target: dir, dryRun: true });
    expect(report.files.length).toBeGreaterThan(40);
    expect(readdirSync(dir)).toEqual(["package.json"]);
  });

  it("warns about an old Next.js or React, and refuses a folder without package.json or a bad --protect", () => {
    const dir = app({ "package.json": JSON.stringify({ dependencies: { next: "^15.2.0", react: "18.3.1" } }) });
    const report = initApp({ target: dir, dryRun: true });
    expect(report.warnings.join("\n")).toMatch(/next@\^15\.2\.0.*Next\.js 16/);
    expect(report.warnings.join("\n")).toMatch(/react@18\.3\.1.*React 19/);
    const empty = mkdtempSync(path.join(tmpdir(), "auth-init-"));
    folders.push(empty);
    expect(() => initApp({ target: empty })).toThrow(/has no package\.json/);
    expect(() => initApp({ target: dir, protect: ["dashboard"] })).toThrow(/starting with "\/"/);
  });
});
