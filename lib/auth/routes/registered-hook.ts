import type { OnLogin } from "./login-hook.js";

/**
 * The login hook registered with `registerAuth({ onLogin })`, process-wide: on `globalThis` under a registered symbol,
 * because Next bundles this module separately into instrumentation, the callback route and every server action that
 * calls `refreshUser()`, and all of them must see the one hook.
 */

const KEY = Symbol.for("streamlit-auth-nextjs.registered-login-hook");

type Holder = typeof globalThis & { [KEY]?: OnLogin<Record<string, unknown>> | undefined };

export function registerLoginHook(hook: OnLogin<Record<string, unknown>> | undefined): void {
  (globalThis as Holder)[KEY] = hook;
}

export function registeredLoginHook(): OnLogin<Record<string, unknown>> | undefined {
  return (globalThis as Holder)[KEY];
}
