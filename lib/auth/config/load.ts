import "server-only";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { AuthConfigError } from "./errors.js";
import { envValue as env, parseOptionsFromEnv, parseOptionsKey } from "./env.js";
import { publishHandoff } from "./handoff.js";
import { parseAuthConfig } from "./parse.js";
import type { ConfigState } from "./types.js";

/**
 * Finds the config at run time (never at build time) on the Node runtime, in this order:
 * `AUTH_SECRETS` (the TOML text itself), `AUTH_SECRETS_FILE` (a path), `secrets.toml`, `.streamlit/secrets.toml`.
 */

export interface ConfigText {
  text: string;
  source: string;
}

export function findConfigText(cwd = process.cwd()): ConfigText | AuthConfigError | undefined {
  const inline = env("AUTH_SECRETS");
  if (inline !== undefined) return { text: inline, source: "AUTH_SECRETS" };
  const named = env("AUTH_SECRETS_FILE");
  if (named !== undefined) {
    const text = readText(path.resolve(/*turbopackIgnore: true*/ cwd, named));
    if (text === undefined) {
      return new AuthConfigError("UNREADABLE_SOURCE", `the file named by AUTH_SECRETS_FILE cannot be read (${named})`, {
        source: "AUTH_SECRETS_FILE",
        fix: "Point AUTH_SECRETS_FILE at an existing secrets.toml, or unset it.",
      });
    }
    return { text, source: named };
  }
  for (const candidate of ["secrets.toml", path.join(".streamlit", "secrets.toml")]) {
    const text = readText(path.join(/*turbopackIgnore: true*/ cwd, candidate));
    if (text !== undefined) return { text, source: candidate };
  }
  return undefined;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(/*turbopackIgnore: true*/ file, "utf8");
  } catch {
    return undefined;
  }
}

const NO_CONFIG = new AuthConfigError("NO_CONFIG", "no auth configuration found", {
  source: "secrets.toml",
  fix:
    "Create secrets.toml at the project root (or .streamlit/secrets.toml, or set AUTH_SECRETS to its text) with:\n" +
    "[auth]\n" +
    'redirect_uri = "http://localhost:3000/oauth2callback"\n' +
    'cookie_secret = "<at least 32 random characters: openssl rand -base64 32>"\n' +
    'client_id = "..."\n' +
    'client_secret = "..."\n' +
    'server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"',
});

let cached: { key: string; state: ConfigState; checkedAt: number; env: string } | undefined;
const warned = new Set<string>();
/** How often the config files are looked at again (a changed file is picked up within this time, no restart). */
const RECHECK_MS = 1000;

/**
 * The current config, parsed once per distinct source. A changed environment variable is seen at once; a changed
 * file (by mtime and size) within {@link RECHECK_MS}, so requests do not each touch the file system. Each time a file
 * is read, its `[auth]` part (without client secrets) is handed to the middleware (handoff.ts).
 */
export function loadConfig(now = Date.now()): ConfigState {
  const envKey = envCacheKey();
  if (cached && cached.env === envKey && now - cached.checkedAt < RECHECK_MS) return cached.state;
  const key = cacheKey(envKey);
  if (cached?.key === key) {
    cached.checkedAt = now;
    return cached.state;
  }
  const found = findConfigText();
  // The middleware reads AUTH_SECRETS itself; a file's config is handed to it by this process.
  const fromFile = found !== undefined && !(found instanceof AuthConfigError) && found.source !== "AUTH_SECRETS";
  publishHandoff(fromFile ? found : undefined);
  let state: ConfigState;
  if (found === undefined) state = { status: "absent", reason: NO_CONFIG };
  else if (found instanceof AuthConfigError)
    state = { status: "invalid", source: found.source, errors: [found], warnings: [] };
  else state = parseAuthConfig(found.text, parseOptionsFromEnv(found.source));
  report(state);
  cached = { key, state, checkedAt: now, env: envKey };
  return state;
}

function envCacheKey(): string {
  return [env("AUTH_SECRETS") ?? "", env("AUTH_SECRETS_FILE") ?? "", parseOptionsKey(), process.cwd()].join("\u0000");
}

function cacheKey(envKey: string): string {
  const parts = [envKey];
  for (const file of [env("AUTH_SECRETS_FILE"), "secrets.toml", path.join(".streamlit", "secrets.toml")]) {
    if (file === undefined) continue;
    try {
      const s = statSync(/*turbopackIgnore: true*/ path.resolve(/*turbopackIgnore: true*/ file));
      parts.push(`${file}:${s.mtimeMs}:${s.size}`);
    } catch {
      parts.push(`${file}:-`);
    }
  }
  return parts.join("\u0000");
}

function report(state: ConfigState): void {
  const lines =
    state.status === "ok"
      ? [...state.config.warnings, ...[...state.config.providerErrors.values()].flat().map((e) => e.message)]
      : state.status === "invalid"
        ? [...state.warnings, ...state.errors.map((e) => e.message)]
        : [];
  for (const line of lines) {
    if (warned.has(line)) continue;
    warned.add(line);
    console.warn(`[auth] ${line}`);
  }
}
