import { loadConfig } from "./config/load.js";
import type { OnLogin } from "./routes/login-hook.js";
import { registerLoginHook } from "./routes/registered-hook.js";
import type { StandardClaims } from "./user/user.js";

/** What the app may register at server start: `registerAuth({ onLogin })`. */
export interface RegisterAuthOptions<Claims extends object = StandardClaims> {
  /**
   * The app's login hook for every login and every `refreshUser()` of this server process (`event.reason` tells them
   * apart). A callback route's own `callback({ onLogin })` takes precedence at login.
   */
  readonly onLogin?: OnLogin<Claims> | undefined;
}

/**
 * Called from the app's `instrumentation.ts` at server start (Node runtime). It reads the config, reports its problems
 * once, and hands the middleware what it needs (see config/handoff.ts): the edge runtime cannot read files, config
 * must never be compiled into `.next/`, and the process environment would pass it on to every child process. It also
 * registers the app's login hook, if any (each call replaces the previous one).
 */
export function registerAuth<Claims extends object = StandardClaims>(options: RegisterAuthOptions<Claims> = {}): void {
  registerLoginHook(options.onLogin as OnLogin<Record<string, unknown>> | undefined);
  loadConfig();
}
