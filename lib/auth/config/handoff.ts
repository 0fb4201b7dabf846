import { parse as parseToml } from "smol-toml";
import { isTable, type Table } from "./values.js";

/**
 * How a configuration file reaches the middleware without the process environment.
 *
 * Under `next start` (and `next dev`, and a standalone build) the edge middleware runs in a sandbox inside the server
 * process. Next creates it on the first request that needs it, with a copy of the server's `process.env` as its
 * `process.env` (next/dist/server/web/sandbox/context.js), so anything put there reaches the middleware, but also every
 * child process the app ever spawns. The same sandbox gets the server's own `performance` object as its global
 * `performance`. The server side therefore leaves the configuration on that object, under a registry symbol (shared
 * by every realm of the process), where only code in this process can see it. With `proxy.ts` the gate runs on the
 * Node.js runtime of the server process itself and finds it in the same place.
 *
 * Only what the gate needs is handed over: the `[auth]` table (callback paths, origin, cookie secrets, provider names
 * and issuers) with every client secret withheld. The app's other secrets in the same file never leave the server side.
 */

export const HANDOFF_KEY = Symbol.for("streamlit-auth-nextjs.edge-config");
/** Stands for a client secret in the middleware's copy of `[auth]`: the gate never talks to a provider. */
export const WITHHELD_SECRET = "(withheld from the middleware)";

export interface EdgeHandoff {
  /** JSON of `{ auth: <[auth] without client secrets> }`. */
  readonly json: string;
  /** Where the configuration came from, for messages. */
  readonly source: string;
}

function carrier(): Record<symbol, unknown> | undefined {
  const value: unknown = globalThis.performance;
  return typeof value === "object" && value !== null ? (value as Record<symbol, unknown>) : undefined;
}

/** The configuration the server handed over, if any (edge-safe: no Node API). */
export function readHandoff(): EdgeHandoff | undefined {
  const found = carrier()?.[HANDOFF_KEY];
  if (typeof found !== "object" || found === null) return undefined;
  const { json, source } = found as Record<string, unknown>;
  return typeof json === "string" && typeof source === "string" ? { json, source } : undefined;
}

/**
 * Hands the middleware the `[auth]` part of this TOML text, or withdraws the handoff (`undefined`, or a text that
 * does not parse: the middleware then treats auth as not configured, and the routes explain the error).
 */
export function publishHandoff(found: { text: string; source: string } | undefined): void {
  const target = carrier();
  if (!target) return;
  const auth = found === undefined ? undefined : authTable(found.text);
  const value: EdgeHandoff | undefined =
    found === undefined || auth === undefined
      ? undefined
      : Object.freeze({ json: JSON.stringify({ auth: withoutClientSecrets(auth) }), source: found.source });
  Object.defineProperty(target, HANDOFF_KEY, { value, configurable: true, enumerable: false, writable: false });
}

function authTable(text: string): unknown {
  try {
    return (parseToml(text) as Table)["auth"];
  } catch {
    return undefined;
  }
}

/** `[auth]` with every string `client_secret` (the default provider's and each `[auth.<name>]`'s) replaced. */
export function withoutClientSecrets(auth: unknown): unknown {
  if (!isTable(auth)) return auth;
  const copy: Table = {};
  for (const [key, value] of Object.entries(auth)) {
    if (key === "client_secret" && typeof value === "string") copy[key] = WITHHELD_SECRET;
    else if (isTable(value) && typeof value["client_secret"] === "string")
      copy[key] = { ...value, client_secret: WITHHELD_SECRET };
    else copy[key] = value;
  }
  return copy;
}
