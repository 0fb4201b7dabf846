import { AuthConfigError } from "./config/errors";
import { findConfigText, loadConfig } from "./config/load";
import { RUNTIME_CONFIG_ENV, RUNTIME_SOURCE_ENV } from "./config/edge";

/**
 * Called from the app's `instrumentation.ts` at server start (Node runtime). The edge middleware cannot read files,
 * and config must never be compiled into `.next/`, so the config file's text is handed to it through the process
 * environment, which the edge sandbox copies when it starts. It also reports config problems once, at start-up.
 */
export function registerAuth(): void {
  if (!process.env["AUTH_SECRETS"]) {
    const found = findConfigText();
    if (found && !(found instanceof AuthConfigError)) {
      process.env[RUNTIME_CONFIG_ENV] = found.text;
      process.env[RUNTIME_SOURCE_ENV] = found.source;
    }
  }
  loadConfig();
}
