import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { edgeConfigState } from "@/lib/auth/config/edge";
import { publishHandoff } from "@/lib/auth/config/handoff";
import { loadConfig } from "@/lib/auth/config/load";
import { registerAuth } from "@/lib/auth/instrumentation";

/**
 * How a file-based config reaches the middleware: handed over inside the server process, never through the process
 * environment that child processes inherit, and without the client secrets.
 */

const COOKIE_SECRET = "handoff-cookie-secret-0123456789-abcdefgh";
const CLIENT_SECRET = "handoff-client-secret-0123456789";
const OTHER_CLIENT_SECRET = "handoff-other-client-secret-98765";
const APP_SECRET = "handoff-database-password-4711";

const toml = (cookieSecret = COOKIE_SECRET) => `
[auth]
redirect_uri = "http://localhost:3000/oauth2callback"
cookie_secret = "${cookieSecret}"
client_id = "app"
client_secret = "${CLIENT_SECRET}"
server_metadata_url = "https://idp.example/.well-known/openid-configuration"

[auth.other]
client_id = "other"
client_secret = "${OTHER_CLIENT_SECRET}"
server_metadata_url = "https://other.example/.well-known/openid-configuration"
redirect_uri = "http://localhost:3000/callbacks/other"

[database]
password = "${APP_SECRET}"
`;

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "auth-handoff-"));
  file = path.join(dir, "secrets.toml");
  writeFileSync(file, toml());
  vi.stubEnv("AUTH_SECRETS", "");
  vi.stubEnv("AUTH_SECRETS_FILE", file);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterEach(() => {
  publishHandoff(undefined);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** The environment a child process spawned the ordinary way (inheriting this process's) sees. */
function childEnvironment(): string {
  const child = spawnSync("env", [], { encoding: "utf8" });
  expect(child.status).toBe(0);
  expect(child.stdout).toContain(`AUTH_SECRETS_FILE=${file}`);
  return child.stdout;
}

describe("registerAuth()", () => {
  it("gives the middleware its config while a child process sees no secret of it", () => {
    registerAuth();
    const state = edgeConfigState();
    expect(state.status).toBe("ok");
    if (state.status !== "ok") return;
    expect(state.config.cookieSecrets).toEqual([COOKIE_SECRET]);
    expect([...state.config.providers.keys()]).toEqual(["default", "other"]);
    expect(state.config.callbackPaths).toEqual(["/oauth2callback", "/callbacks/other"]);

    const seen = childEnvironment();
    for (const secret of [COOKIE_SECRET, CLIENT_SECRET, OTHER_CLIENT_SECRET, APP_SECRET]) {
      expect(seen).not.toContain(secret);
      expect(JSON.stringify(process.env)).not.toContain(secret);
    }
  });

  it("hands the middleware neither a client secret nor the app's other secrets", () => {
    registerAuth();
    const state = edgeConfigState();
    const handed = JSON.stringify(state.status === "ok" ? [...state.config.providers.values()] : state);
    for (const secret of [CLIENT_SECRET, OTHER_CLIENT_SECRET, APP_SECRET]) expect(handed).not.toContain(secret);
  });
});

describe("the middleware and the server agree", () => {
  it("on the providers, callback paths and secrets, also for a provider whose check needs its withheld secret", () => {
    // HS512 needs a client secret of 64 bytes: the server checks it; the middleware never sees the secret.
    const long = "x".repeat(64);
    writeFileSync(
      file,
      toml().replace(
        `client_secret = "${OTHER_CLIENT_SECRET}"`,
        `client_secret = "${long}"\nid_token_signed_response_alg = "HS512"`,
      ),
    );
    registerAuth();
    const server = loadConfig();
    const edge = edgeConfigState();
    expect(server.status).toBe("ok");
    expect(edge.status).toBe("ok");
    if (server.status !== "ok" || edge.status !== "ok") return;
    expect([...edge.config.providers.keys()]).toEqual([...server.config.providers.keys()]);
    expect(edge.config.providers.get("other")?.idTokenSignedResponseAlg).toBe("HS512");
    expect(edge.config.cookieSecrets).toEqual(server.config.cookieSecrets);
    expect(edge.config.callbackPaths).toEqual(server.config.callbackPaths);
    expect(JSON.stringify([...edge.config.providers.values()])).not.toContain(long);
  });
});

describe("the handoff follows the file", () => {
  it("a changed file reaches the middleware once the server has read it again", () => {
    const start = Date.now();
    loadConfig(start);
    const rotated = "handoff-rotated-cookie-secret-0123456789-xyz";
    writeFileSync(
      file,
      toml(rotated).replace(`cookie_secret = "${rotated}"`, `cookie_secret = ["${rotated}", "${COOKIE_SECRET}"]`),
    );
    loadConfig(start + 5_000);
    const state = edgeConfigState();
    expect(state.status === "ok" && state.config.cookieSecrets).toEqual([rotated, COOKIE_SECRET]);
  });

  it("a file that no longer parses, or no file, leaves the middleware without a config", () => {
    const start = Date.now();
    loadConfig(start);
    expect(edgeConfigState().status).toBe("ok");
    writeFileSync(file, "[auth\n");
    loadConfig(start + 5_000);
    expect(edgeConfigState().status).toBe("absent");
    rmSync(file);
    loadConfig(start + 10_000);
    expect(edgeConfigState().status).toBe("absent");
  });

  it("AUTH_SECRETS wins: the middleware reads it from its own environment", () => {
    registerAuth();
    vi.stubEnv("AUTH_SECRETS", toml().replace("/oauth2callback", "/from-env"));
    loadConfig();
    const state = edgeConfigState();
    expect(state.status === "ok" && state.config.callbackPaths[0]).toBe("/from-env");
  });
});
