import { appBasePath } from "./base-path.js";
import type { ParseOptions } from "./keys.js";

/**
 * Run-time settings that shape the parsed config besides the TOML text, read from the environment on both runtimes:
 * - `PORT` fills Streamlit's `{port}` placeholder;
 * - `AUTH_ORIGIN` moves every `redirect_uri` to this deployment's origin, keeping its path (preview deployments);
 * - the app's `basePath` (see base-path.ts), which every `redirect_uri` path must lie under.
 */
export function parseOptionsFromEnv(source: string): ParseOptions {
  return { source, port: envValue("PORT"), origin: envValue("AUTH_ORIGIN"), basePath: appBasePath() };
}

/** Changes whenever {@link parseOptionsFromEnv} would give other options: part of every parsed-config cache key. */
export function parseOptionsKey(): string {
  return [envValue("PORT") ?? "", envValue("AUTH_ORIGIN") ?? "", appBasePath()].join("\u0000");
}

/** An environment variable, with an empty value read as unset. */
export function envValue(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}
