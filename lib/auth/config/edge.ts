import { AuthConfigError } from "./errors.js";
import { parseOptionsFromEnv, parseOptionsKey } from "./env.js";
import { readHandoff } from "./handoff.js";
import { parseAuthConfig, validateAuthDocument } from "./parse.js";
import type { ConfigState } from "./types.js";
import { isTable } from "./values.js";

/**
 * The config as the edge middleware sees it, never from files and never from build output: `AUTH_SECRETS` when the
 * host sets it (Vercel), else what the server handed over at start-up and whenever it re-read the file (see
 * handoff.ts and lib/auth/instrumentation.ts).
 */

const ABSENT: ConfigState = {
  status: "absent",
  reason: new AuthConfigError("NO_CONFIG", "no auth configuration reached the middleware", {
    source: "AUTH_SECRETS",
    fix: "Create secrets.toml (read at server start by instrumentation.ts) or set AUTH_SECRETS.",
  }),
};

let memo: { text: string; optionsKey: string; state: ConfigState } | undefined;

export function edgeConfigState(): ConfigState {
  const inline = process.env["AUTH_SECRETS"];
  const handoff = inline ? undefined : readHandoff();
  const text = inline || handoff?.json;
  if (!text) return ABSENT;
  const optionsKey = parseOptionsKey();
  if (memo?.text !== text || memo.optionsKey !== optionsKey) {
    memo = {
      text,
      optionsKey,
      state: inline
        ? parseAuthConfig(inline, parseOptionsFromEnv("AUTH_SECRETS"))
        : fromHandoff(text, handoff?.source ?? "secrets.toml"),
    };
  }
  return memo.state;
}

function fromHandoff(json: string, source: string): ConfigState {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return ABSENT;
  }
  return isTable(doc)
    ? validateAuthDocument(doc, { ...parseOptionsFromEnv(source), clientSecretsWithheld: true })
    : ABSENT;
}
