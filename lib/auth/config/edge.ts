import { AuthConfigError } from "./errors";
import { parseOptionsFromEnv, parseOptionsKey } from "./env";
import { parseAuthConfig } from "./parse";
import type { ConfigState } from "./types";

/**
 * The config as the edge middleware sees it: environment variables only, never files and never build output.
 * `AUTH_SECRETS` is set by the host (Vercel); `AUTH_SECRETS_RUNTIME` is set at server start by the instrumentation
 * hook from the config file (see lib/auth/instrumentation.ts).
 */
export const RUNTIME_CONFIG_ENV = "AUTH_SECRETS_RUNTIME";
export const RUNTIME_SOURCE_ENV = "AUTH_SECRETS_RUNTIME_SOURCE";

const ABSENT: ConfigState = {
  status: "absent",
  reason: new AuthConfigError("NO_CONFIG", "no auth configuration reached the middleware", {
    source: "AUTH_SECRETS",
    fix: "Create secrets.toml (read at server start by instrumentation.ts) or set AUTH_SECRETS.",
  }),
};

let memo: { text: string; optionsKey: string; state: ConfigState } | undefined;

export function edgeConfigState(): ConfigState {
  const env = process.env;
  const inline = env["AUTH_SECRETS"];
  const text = inline || env[RUNTIME_CONFIG_ENV];
  if (!text) return ABSENT;
  const optionsKey = parseOptionsKey();
  if (memo?.text !== text || memo.optionsKey !== optionsKey) {
    const source = inline ? "AUTH_SECRETS" : (env[RUNTIME_SOURCE_ENV] ?? "secrets.toml");
    memo = { text, optionsKey, state: parseAuthConfig(text, parseOptionsFromEnv(source)) };
  }
  return memo.state;
}
