import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthConfigError } from "@/lib/auth/config/errors";
import { findConfigText, loadConfig } from "@/lib/auth/config/load";

const ENV_NAMES = ["AUTH_SECRETS", "AUTH_SECRETS_FILE", "PORT"] as const;
const SECRET = "0123456789abcdefghijklmnopqrstuvwxyz-secret";

function toml(clientId: string, redirectUri = "http://localhost:3000/oauth2callback"): string {
  return (
    `[auth]\nredirect_uri = "${redirectUri}"\ncookie_secret = "${SECRET}"\n` +
    `client_id = "${clientId}"\nclient_secret = "s"\nserver_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"\n`
  );
}

let saved: Record<string, string | undefined>;
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "auth-config-"));
  dirs.push(dir);
  return dir;
}

function write(dir: string, file: string, text: string): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

beforeEach(() => {
  saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
  for (const name of ENV_NAMES) delete process.env[name];
  vi.spyOn(console, "warn").mockImplementation(() => {});
});

afterEach(() => {
  for (const name of ENV_NAMES) {
    const value = saved[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("findConfigText", () => {
  it("finds nothing in an empty directory", () => {
    expect(findConfigText(tempDir())).toBeUndefined();
  });

  it("reads .streamlit/secrets.toml", () => {
    const dir = tempDir();
    write(dir, ".streamlit/secrets.toml", "streamlit");
    expect(findConfigText(dir)).toEqual({ text: "streamlit", source: path.join(".streamlit", "secrets.toml") });
  });

  it("prefers secrets.toml over .streamlit/secrets.toml", () => {
    const dir = tempDir();
    write(dir, ".streamlit/secrets.toml", "streamlit");
    write(dir, "secrets.toml", "root");
    expect(findConfigText(dir)).toEqual({ text: "root", source: "secrets.toml" });
  });

  it("prefers AUTH_SECRETS_FILE (relative to cwd) over secrets.toml", () => {
    const dir = tempDir();
    write(dir, "secrets.toml", "root");
    write(dir, "config/custom.toml", "custom");
    process.env["AUTH_SECRETS_FILE"] = "config/custom.toml";
    expect(findConfigText(dir)).toEqual({ text: "custom", source: "config/custom.toml" });
  });

  it("reads an absolute AUTH_SECRETS_FILE", () => {
    const dir = tempDir();
    const file = write(tempDir(), "elsewhere.toml", "absolute");
    process.env["AUTH_SECRETS_FILE"] = file;
    expect(findConfigText(dir)).toEqual({ text: "absolute", source: file });
  });

  it("prefers AUTH_SECRETS over everything", () => {
    const dir = tempDir();
    write(dir, "secrets.toml", "root");
    write(dir, ".streamlit/secrets.toml", "streamlit");
    write(dir, "custom.toml", "custom");
    process.env["AUTH_SECRETS_FILE"] = "custom.toml";
    process.env["AUTH_SECRETS"] = "inline";
    expect(findConfigText(dir)).toEqual({ text: "inline", source: "AUTH_SECRETS" });
  });

  it("treats empty environment variables as unset", () => {
    const dir = tempDir();
    write(dir, "secrets.toml", "root");
    process.env["AUTH_SECRETS"] = "";
    process.env["AUTH_SECRETS_FILE"] = "";
    expect(findConfigText(dir)).toEqual({ text: "root", source: "secrets.toml" });
  });

  it.each([
    ["a missing file", "does-not-exist.toml"],
    ["a directory", "a-directory"],
  ])("gives UNREADABLE_SOURCE when AUTH_SECRETS_FILE names %s, without falling back", (_, name) => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "a-directory"));
    write(dir, "secrets.toml", "root");
    process.env["AUTH_SECRETS_FILE"] = name;
    const result = findConfigText(dir);
    expect(result).toBeInstanceOf(AuthConfigError);
    if (!(result instanceof AuthConfigError)) return;
    expect(result.code).toBe("UNREADABLE_SOURCE");
    expect(result.source).toBe("AUTH_SECRETS_FILE");
    expect(result.message).toContain("AUTH_SECRETS_FILE");
    expect(result.message).toContain(name);
    expect(result.fix).toContain("AUTH_SECRETS_FILE");
  });
});

describe("loadConfig", () => {
  function inDir(dir: string): void {
    vi.spyOn(process, "cwd").mockReturnValue(dir);
  }
  /** loadConfig looks at files again at most once a second: tests pass a clock that moves on. */
  let clock = Date.now();
  const later = () => (clock += 1500);

  it("is absent with NO_CONFIG when nothing exists", () => {
    inDir(tempDir());
    const state = loadConfig();
    expect(state.status).toBe("absent");
    if (state.status !== "absent") return;
    expect(state.reason.code).toBe("NO_CONFIG");
    expect(state.reason.message).toContain("secrets.toml");
    expect(state.reason.fix).toContain("[auth]");
  });

  it("loads secrets.toml from process.cwd()", () => {
    const dir = tempDir();
    write(dir, "secrets.toml", toml("from-file"));
    inDir(dir);
    const state = loadConfig();
    expect(state.status).toBe("ok");
    if (state.status !== "ok") return;
    expect(state.config.source).toBe("secrets.toml");
    expect(state.config.providers.get("default")?.clientId).toBe("from-file");
  });

  it("returns the cached state while nothing changes", () => {
    const dir = tempDir();
    write(dir, ".streamlit/secrets.toml", toml("cached"));
    inDir(dir);
    const first = loadConfig();
    expect(first.status).toBe("ok");
    expect(loadConfig()).toBe(first);
  });

  it("picks up a changed file without a restart", () => {
    const dir = tempDir();
    const file = write(dir, "secrets.toml", toml("first"));
    utimesSync(file, new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:00Z"));
    inDir(dir);
    const first = loadConfig(later());
    expect(first.status === "ok" && first.config.providers.get("default")?.clientId).toBe("first");

    writeFileSync(file, toml("second-version"));
    utimesSync(file, new Date("2024-01-02T00:00:00Z"), new Date("2024-01-02T00:00:00Z"));
    // Within the same second the file is not looked at again...
    expect(loadConfig(clock + 500)).toBe(first);
    // ...after it, the change is picked up.
    const second = loadConfig(later());
    expect(second).not.toBe(first);
    expect(second.status === "ok" && second.config.providers.get("default")?.clientId).toBe("second-version");
  });

  it("picks up a file that appears after a first load found nothing", () => {
    const dir = tempDir();
    inDir(dir);
    expect(loadConfig(later()).status).toBe("absent");
    write(dir, ".streamlit/secrets.toml", toml("late"));
    const state = loadConfig(later());
    expect(state.status === "ok" && state.config.providers.get("default")?.clientId).toBe("late");
  });

  it("uses AUTH_SECRETS and PORT from the environment", () => {
    const dir = tempDir();
    write(dir, "secrets.toml", toml("from-file"));
    inDir(dir);
    process.env["AUTH_SECRETS"] = toml("inline", "http://localhost:{port}/oauth2callback");
    process.env["PORT"] = "4321";
    const state = loadConfig();
    expect(state.status).toBe("ok");
    if (state.status !== "ok") return;
    expect(state.config.source).toBe("AUTH_SECRETS");
    expect(state.config.redirectUri).toBe("http://localhost:4321/oauth2callback");
    expect(state.config.providers.get("default")?.clientId).toBe("inline");
  });

  it("applies AUTH_ORIGIN from the environment, and sees it change without a restart", () => {
    inDir(tempDir());
    process.env["AUTH_SECRETS"] = toml("inline");
    process.env["AUTH_ORIGIN"] = "https://preview-1.example";
    try {
      const first = loadConfig(later());
      expect(first.status === "ok" && first.config.redirectUri).toBe("https://preview-1.example/oauth2callback");
      process.env["AUTH_ORIGIN"] = "https://preview-2.example";
      const second = loadConfig(clock);
      expect(second.status === "ok" && second.config.redirectUri).toBe("https://preview-2.example/oauth2callback");
    } finally {
      delete process.env["AUTH_ORIGIN"];
    }
  });

  it("is invalid with UNREADABLE_SOURCE when AUTH_SECRETS_FILE cannot be read", () => {
    const dir = tempDir();
    write(dir, "secrets.toml", toml("from-file"));
    inDir(dir);
    process.env["AUTH_SECRETS_FILE"] = "missing.toml";
    const state = loadConfig();
    expect(state.status).toBe("invalid");
    if (state.status !== "invalid") return;
    expect(state.errors.map((e) => e.code)).toEqual(["UNREADABLE_SOURCE"]);
    expect(state.source).toBe("AUTH_SECRETS_FILE");
  });

  it("logs each warning once", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const dir = tempDir();
    const file = write(dir, "secrets.toml", `${toml("w")}"unique typo key for load test" = 1\n`);
    utimesSync(file, new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:00Z"));
    inDir(dir);
    loadConfig(later());
    writeFileSync(file, `${toml("w2")}"unique typo key for load test" = 1\n`);
    utimesSync(file, new Date("2024-01-02T00:00:00Z"), new Date("2024-01-02T00:00:00Z"));
    const state = loadConfig(later());
    expect(state.status === "ok" && state.config.providers.get("default")?.clientId).toBe("w2");
    const lines = warn.mock.calls
      .map((call) => String(call[0]))
      .filter((line) => line.includes("unique typo key for load test"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[auth\] secrets\.toml \[auth\]: unknown key/);
  });
});
