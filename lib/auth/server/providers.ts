import "server-only";
import { connection } from "next/server.js";
import { loadConfig } from "../config/load.js";
import { DEFAULT_PROVIDER } from "../config/keys.js";

/**
 * Names of the configured providers, for rendering login buttons: `"default"` (from top-level `[auth]` keys or
 * `[auth.default]`) first, then each `[auth.<name>]`. Broken sections are listed too: their login explains the error.
 * A plain value in `[auth]` that was taken for a provider written wrongly (`microsoft = "..."`, an error in section
 * `[auth]` itself) gets no button: it may just as well be a stray setting such as `prompt = "consent"`.
 */
export async function getLoginProviders(): Promise<string[]> {
  await connection(); // run-time config: never prerender with the build machine's
  const state = loadConfig();
  if (state.status !== "ok") return [];
  const broken = [...state.config.providerErrors].filter(([, errors]) => errors.some((e) => e.section !== "[auth]"));
  const names = [...state.config.providers.keys(), ...broken.map(([name]) => name)];
  return names.sort((a, b) => Number(b === DEFAULT_PROVIDER) - Number(a === DEFAULT_PROVIDER));
}
