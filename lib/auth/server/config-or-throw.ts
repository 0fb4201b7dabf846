import { AuthConfigErrors } from "../config/errors.js";
import type { AuthConfig, ConfigState } from "../config/types.js";

/** The config, or its errors thrown as login() throws them (one `AuthConfigError`, or `AuthConfigErrors`). */
export function configOrThrow(state: ConfigState): AuthConfig {
  if (state.status === "absent") throw state.reason;
  if (state.status === "invalid")
    throw state.errors.length === 1 ? state.errors[0]! : new AuthConfigErrors(state.errors);
  return state.config;
}
