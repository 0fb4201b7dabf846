import { connection } from "next/server";
import { loadConfig } from "../config/load";
import { DEFAULT_PROVIDER } from "../config/parse";

/**
 * Names of the configured providers, for rendering login buttons: `"default"` (from top-level `[auth]` keys or
 * `[auth.default]`) first, then each `[auth.<name>]`. Broken sections are listed too: their login explains the error.
 */
export async function getLoginProviders(): Promise<string[]> {
  await connection(); // run-time config: never prerender with the build machine's
  const state = loadConfig();
  if (state.status !== "ok") return [];
  const names = [...state.config.providers.keys(), ...state.config.providerErrors.keys()];
  return names.sort((a, b) => Number(b === DEFAULT_PROVIDER) - Number(a === DEFAULT_PROVIDER));
}
