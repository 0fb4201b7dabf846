import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatReport, initApp, type InitReport } from "@/lib/auth/cli/init";
import { gateSource } from "@/lib/auth/cli/templates";

/**
 * `npx streamlit-auth-nextjs init` (lib/auth/cli) against small apps in temporary folders. The real install, build and
 * login: npm run test:adoption.
 */
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const BIN = path.join(ROOT, "lib", "auth", "dist", "cli", "bin.js");
const VERSION = (
  JSON.parse(readFileSync(path.join(ROOT, "lib", "auth", "package.json"), "utf8")) as { version: string }
).version;
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

/** Every file under dir with its text, for before/after comparisons. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.relative(dir, path.join(entry.parentPath, entry.name));
        return [file, read(dir, file)];
      }),
  );
}

afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("init", () => {
  it("writes one-line route files, the gate as proxy.ts, instrumentation, a layout, the secrets example and .gitignore lines", () => {
    const dir = app({ "app/page.tsx": "export default function Page() { return null; }\n" });
    const report = initApp({ target: dir, protect: ["/dashboard"] });

    expect(read(dir, "app/auth/login/route.ts")).toBe('export { GET } from "streamlit-auth-nextjs/routes/login";\n');
    expect(read(dir, "app/auth/callback/route.ts")).toMatch(
      /\nexport \{ GET \} from "streamlit-auth-nextjs\/routes\/callback";\n$/,
    );
    expect(read(dir, "app/auth/logout/route.ts")).toBe(
      'export { GET, POST } from "streamlit-auth-nextjs/routes/logout";\n',
    );
    expect(read(dir, "app/auth/user/route.ts")).toContain('export { GET } from "streamlit-auth-nextjs/routes/user";');
    expect(read(dir, "proxy.ts")).toContain('import { authMiddleware } from "streamlit-auth-nextjs/middleware";');
    expect(read(dir, "proxy.ts")).toContain('"/dashboard/:path*",');
    expect(read(dir, "proxy.ts")).toContain("export default authMiddleware({ matcher: config.matcher })");
    expect(read(dir, "instrumentation.ts")).toContain('await import("streamlit-auth-nextjs/instrumentation")');
    expect(read(dir, "app/layout.tsx")).toContain("<AuthProvider>{children}</AuthProvider>");
    expect(read(dir, "app/layout.tsx")).toContain('import { AuthProvider } from "streamlit-auth-nextjs";');
    expect(read(dir, "secrets.example.toml")).toBe(read(ROOT, "lib/auth/secrets.example.toml"));
    expect(read(dir, ".gitignore")).toContain("/secrets.toml\n/.streamlit/secrets.toml\n");
    expect(report.files.every((f) => f.result === "created")).toBe(true);
    // Nothing besides those: no copy of the library, no node_modules.
    expect(readdirSync(dir).sort()).toEqual(
      [".gitignore", "app", "instrumentation.ts", "proxy.ts", "package.json", "secrets.example.toml"].sort(),
    );

    const text = formatReport(report);
    expect(text).toContain(`npm install streamlit-auth-nextjs@${VERSION}`);
    expect(text).toContain("cp secrets.example.toml secrets.toml");
    expect(text).toContain('import { getUser, login, logout } from "streamlit-auth-nextjs";');
    expect(text).not.toContain("Wrap {children}");
  });

  it("running it again changes nothing", () => {
    const dir = app();
    initApp({ target: dir, protect: ["/dashboard"] });
    const before = snapshot(dir);
    const again = initApp({ target: dir, protect: ["/dashboard"] });
    expect(again.files.filter((f) => f.result !== "unchanged")).toEqual([]);
    expect(again.warnings).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it("never overwrites a file: an existing layout, middleware, instrumentation or route file is kept, with what to add", () => {
    const layout =
      "export default function RootLayout({ children }) { return <html><body>{children}</body></html>; }\n";
    const dir = app({
      "app/layout.tsx": layout,
      "app/auth/login/route.ts": "export function GET() { return new Response('mine'); }\n",
      "middleware.ts": "export default function middleware() {}\n",
      "instrumentation.ts": "export function register() {}\n",
      "secrets.example.toml": "# mine\n",
      ".gitignore": "node_modules\n/secrets.toml",
    });
    const before = snapshot(dir);
    const report = initApp({ target: dir });
    for (const file of [
      "app/layout.tsx",
      "app/auth/login/route.ts",
      "middleware.ts",
      "instrumentation.ts",
      "secrets.example.toml",
    ])
      expect(read(dir, file), file).toBe(before[file]);
    expect(resultOf(report, "middleware.ts")).toBe("kept");
    expect(resultOf(report, "app/auth/login/route.ts")).toBe("kept");
    expect(report.warnings.join("\n")).toContain(
      'app/auth/login/route.ts exists and was left alone: it must export GET from "streamlit-auth-nextjs/routes/login"',
    );
    const steps = report.steps.join("\n");
    expect(steps).toContain("Wrap {children} in <AuthProvider> in app/layout.tsx");
    expect(steps).toContain('import { AuthProvider } from "streamlit-auth-nextjs";');
    expect(steps).toContain("middleware.ts already exists");
    expect(steps).toContain("export default async function middleware(request: NextRequest)");
    expect(existsSync(path.join(dir, "proxy.ts"))).toBe(false);
    expect(steps).toContain("instrumentation.ts already exists");
    expect(steps).toContain('await import("streamlit-auth-nextjs/instrumentation")');
    // Only the missing line is added to .gitignore.
    expect(resultOf(report, ".gitignore")).toBe("appended");
    expect(read(dir, ".gitignore")).toBe(
      "node_modules\n/secrets.toml\n# Auth configuration (secrets)\n/.streamlit/secrets.toml\n",
    );
  });

  it("an app's own proxy.ts or middleware.ts is kept, whichever file init would write: Next builds with one, never both", () => {
    for (const [own, edge] of [
      ["proxy.ts", true],
      ["proxy.js", false],
      ["middleware.ts", false],
      ["middleware.js", true],
    ] as const) {
      const name = own.replace(/\.[jt]s$/, "");
      const dir = app({ [own]: `export function ${name}() {}\n` });
      const report = initApp({ target: dir, edge });
      expect(
        readdirSync(dir).filter((file) => /^(proxy|middleware)\./.test(file)),
        own,
      ).toEqual([own]);
      expect(resultOf(report, own), own).toBe("kept");
      const steps = report.steps.join("\n");
      expect(steps, own).toContain(`${own} already exists and was left alone. Call the auth gate from it`);
      // The example exports the function Next looks for in that file.
      expect(steps, own).toContain(`export default async function ${name}(request: NextRequest) {`);
      expect(steps, own).toContain('import type { NextRequest } from "next/server";');
    }
  });

  it("an app that has init's gate as the other file (middleware.ts from --edge or an earlier init) needs no step", () => {
    const dir = app();
    initApp({ target: dir, protect: ["/dashboard"], edge: true });
    const report = initApp({ target: dir, protect: ["/dashboard"] });
    expect(existsSync(path.join(dir, "proxy.ts"))).toBe(false);
    expect(resultOf(report, "middleware.ts")).toBe("unchanged");
    expect(report.steps.join("\n")).not.toContain("already exists");
    // A different protect list is a different file: what to change is printed, nothing is written.
    const other = initApp({ target: dir, protect: ["/members"] });
    expect(resultOf(other, "middleware.ts")).toBe("kept");
    expect(other.steps.join("\n")).toContain("middleware.ts already exists");
    expect(existsSync(path.join(dir, "proxy.ts"))).toBe(false);
  });

  it("--edge writes the same gate as middleware.ts (edge runtime) and no proxy.ts; --proxy, the default, is accepted", () => {
    const dir = app();
    const report = initApp({ target: dir, protect: ["/dashboard"], edge: true });
    expect(existsSync(path.join(dir, "proxy.ts"))).toBe(false);
    expect(resultOf(report, "middleware.ts")).toBe("created");
    const plain = app();
    initApp({ target: plain, protect: ["/dashboard"] });
    expect(read(dir, "middleware.ts")).toBe(read(plain, "proxy.ts"));
    expect(read(dir, "middleware.ts")).toContain('"/dashboard/:path*"');
    const proxied = app();
    initApp({ target: proxied, protect: ["/dashboard"], proxy: true });
    expect(snapshot(proxied)).toEqual(snapshot(plain));
  });

  it("--edge and --proxy together are refused, naming both, before anything is written", () => {
    const dir = app();
    expect(() => initApp({ target: dir, edge: true, proxy: true })).toThrow(
      /--edge and --proxy name different gate files \(middleware\.ts and proxy\.ts\): give one of them/,
    );
    expect(readdirSync(dir)).toEqual(["package.json"]);
  });

  it("an app with src/app gets its code under src/", () => {
    const dir = app({ "src/app/page.tsx": "export default function Page() { return null; }\n" });
    const report = initApp({ target: dir });
    expect(report.srcDir).toBe(true);
    expect(read(dir, "src/app/auth/logout/route.ts")).toContain('from "streamlit-auth-nextjs/routes/logout"');
    expect(existsSync(path.join(dir, "src/proxy.ts"))).toBe(true);
    expect(existsSync(path.join(dir, "src/instrumentation.ts"))).toBe(true);
    expect(existsSync(path.join(dir, "secrets.example.toml"))).toBe(true);
    expect(existsSync(path.join(dir, "app"))).toBe(false);
  });

  it("--dry-run writes nothing", () => {
    const dir = app();
    const report = initApp({ target: dir, dryRun: true });
    expect(report.files.length).toBeGreaterThan(8);
    expect(readdirSync(dir)).toEqual(["package.json"]);
  });

  it("installs nothing: an app without the package is told the npm install command, one with it is not", () => {
    const without = app();
    const before = read(without, "package.json");
    expect(formatReport(initApp({ target: without, dryRun: true }))).toContain(
      `Install the library (init installs nothing itself):\n       npm install streamlit-auth-nextjs@${VERSION}`,
    );
    initApp({ target: without });
    expect(read(without, "package.json")).toBe(before);
    expect(existsSync(path.join(without, "node_modules"))).toBe(false);

    const withIt = app({
      "package.json": JSON.stringify({
        dependencies: { next: "16.4.6", react: "19.3.1", "streamlit-auth-nextjs": "^0.1.0" },
      }),
    });
    expect(formatReport(initApp({ target: withIt, dryRun: true }))).not.toContain("npm install");
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

  it("this repository's demo app is what init --edge writes: applied to the demo's own files, it changes nothing", () => {
    const dir = app();
    for (const file of [
      "package.json",
      ".gitignore",
      "middleware.ts",
      "instrumentation.ts",
      "secrets.example.toml",
      "app/layout.tsx",
      "app/auth",
    ])
      cpSync(path.join(ROOT, file), path.join(dir, file), { recursive: true });
    const report = initApp({ target: dir, protect: ["/protected"], edge: true });
    expect(report.files.filter((f) => f.result !== "unchanged")).toEqual([]);
    expect(report.steps.join("\n")).not.toMatch(/already exists|Wrap \{children\}|npm install/);
    expect(read(ROOT, "middleware.ts")).toBe(gateSource(["/protected"]));
    expect(read(dir, "middleware.ts")).toBe(read(ROOT, "middleware.ts"));
    // The package ships the demo's example config.
    expect(read(ROOT, "lib/auth/secrets.example.toml")).toBe(read(ROOT, "secrets.example.toml"));
  });
});

describe("the streamlit-auth-nextjs bin (built)", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

  it("init writes the files and prints the next steps; a second run reports everything unchanged", () => {
    const dir = app();
    const first = run("init", dir, "--protect", "/members");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("app/auth/login/route.ts            created");
    expect(first.stdout).toContain("proxy.ts                           created");
    expect(first.stdout).toContain("Next steps:");
    expect(read(dir, "proxy.ts")).toContain('"/members/:path*",');
    expect(existsSync(path.join(dir, "middleware.ts"))).toBe(false);
    const second = run("init", dir, "--protect", "/members");
    expect(second.status).toBe(0);
    expect(second.stdout).not.toMatch(/\bcreated\b/);
  });

  it("init --edge writes middleware.ts; --proxy still works; --edge --proxy is a usage error naming both", () => {
    const edge = app();
    const edgeRun = run("init", edge, "--edge", "--protect", "/members");
    expect(edgeRun.status, edgeRun.stderr).toBe(0);
    expect(edgeRun.stdout).toContain("middleware.ts                      created");
    expect(read(edge, "middleware.ts")).toContain('"/members/:path*",');
    expect(existsSync(path.join(edge, "proxy.ts"))).toBe(false);

    const proxy = app();
    const proxyRun = run("init", proxy, "--proxy");
    expect(proxyRun.status, proxyRun.stderr).toBe(0);
    expect(existsSync(path.join(proxy, "proxy.ts"))).toBe(true);

    const both = app();
    const refused = run("init", both, "--edge", "--proxy");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^--edge \(middleware\.ts\) and --proxy \(proxy\.ts\) cannot be combined/);
    expect(refused.stderr).toContain("Usage: npx streamlit-auth-nextjs init");
    expect(readdirSync(both)).toEqual(["package.json"]);
  });

  it("explains its usage, and refuses an unknown command or a folder that is no app", () => {
    const usage = run("--help").stdout;
    expect(usage).toContain(
      "Usage: npx streamlit-auth-nextjs init [app-dir] [--protect /path]... [--edge] [--dry-run]",
    );
    expect(usage).toContain("the gate as proxy.ts");
    expect(usage).toMatch(/--edge +write the gate as middleware\.ts \(edge runtime/);
    expect(usage).toMatch(/--proxy +write the gate as proxy\.ts: the default now, still accepted/);
    expect(run("--version").stdout.trim()).toBe(VERSION);
    const unknown = run("setup");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "setup"');
    const empty = mkdtempSync(path.join(tmpdir(), "auth-init-"));
    folders.push(empty);
    const refused = run("init", empty);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^init: .* has no package\.json/);
  });
});
