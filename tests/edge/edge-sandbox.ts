import { readFileSync } from "node:fs";
import nodeAssert from "node:assert";
import nodeAsyncHooks, { AsyncLocalStorage } from "node:async_hooks";
import nodeBuffer from "node:buffer";
import nodeEvents from "node:events";
import nodeUtil from "node:util";
import { join } from "node:path";
import { EdgeVM } from "@edge-runtime/vm";

/**
 * Loads the compiled middleware of a `next build` into Vercel's edge runtime (`@edge-runtime/vm`), the way Next's own
 * sandbox does (next/dist/server/web/sandbox/context.js and sandbox.js): the manifest's files are evaluated in order
 * in one context, and `_ENTRIES["middleware_<name>"].default` is called with the request.
 *
 * The context gets nothing from this process but what an edge host adds to the bare runtime, as Next's sandbox does:
 * - `process` with `env` and nothing else, holding exactly the variables the caller passes (not this process's);
 * - `AsyncLocalStorage` as a global (Next's adapter needs it to run any middleware);
 * - with `shareServerPerformance`, this process's `performance` object as the global `performance`, as Next's sandbox
 *   hands it the server's (how a file-based config reaches the middleware, see lib/auth/config/handoff.ts);
 * - `require` for the five Node modules the edge runtime offers, with the same exports Next's sandbox picks
 *   (less the deprecated `SlowBuffer` and `util._extend`; Next's compiled code imports `node:buffer`); any other
 *   id throws, as on the edge.
 */

export const DIST_DIR = join(process.cwd(), ".next");

export interface MiddlewareEntry {
  name: string;
  files: string[];
  wasm?: { name: string; filePath: string }[];
  assets?: { name: string; filePath: string }[];
  env?: Record<string, string>;
}

export function readMiddlewareEntry(distDir = DIST_DIR): MiddlewareEntry {
  const path = join(distDir, "server", "middleware-manifest.json");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`${path} is missing: run \`next build\` first (npm run test:e2e does).`);
  }
  const manifest = JSON.parse(text) as { middleware: Record<string, MiddlewareEntry> };
  const entry = manifest.middleware["/"];
  if (!entry) throw new Error(`${path} lists no root middleware: is middleware.ts still the app's middleware?`);
  return entry;
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}

const NATIVE_MODULES: ReadonlyMap<string, object> = new Map<string, object>([
  ["node:buffer", pick(nodeBuffer, ["constants", "kMaxLength", "kStringMaxLength", "Buffer"])],
  [
    "node:events",
    pick(nodeEvents, [
      "EventEmitter",
      "captureRejectionSymbol",
      "defaultMaxListeners",
      "errorMonitor",
      "listenerCount",
      "on",
      "once",
    ]),
  ],
  ["node:async_hooks", pick(nodeAsyncHooks, ["AsyncLocalStorage", "AsyncResource"])],
  [
    "node:assert",
    pick(nodeAssert, [
      "AssertionError",
      "deepEqual",
      "deepStrictEqual",
      "doesNotMatch",
      "doesNotReject",
      "doesNotThrow",
      "equal",
      "fail",
      "ifError",
      "match",
      "notDeepEqual",
      "notDeepStrictEqual",
      "notEqual",
      "notStrictEqual",
      "ok",
      "rejects",
      "strict",
      "strictEqual",
      "throws",
    ]),
  ],
  ["node:util", pick(nodeUtil, ["callbackify", "format", "inherits", "promisify", "types"])],
]);

export const EDGE_NODE_MODULES: readonly string[] = [...NATIVE_MODULES.keys()];

export interface MiddlewareRequest {
  path: string;
  method?: string;
  headers?: Record<string, string>;
}

export interface MiddlewareAnswer {
  status: number;
  headers: Headers;
}

export interface EdgeMiddleware {
  vm: EdgeVM;
  /** The ids the bundle passed to `require`, in order, repeats included. */
  required: readonly string[];
  call(request: MiddlewareRequest): Promise<MiddlewareAnswer>;
}

interface EdgeFunctionResult {
  response: { status: number; headers: Headers };
  waitUntil?: Promise<unknown>;
}

type EdgeFunction = (params: { request: Record<string, unknown> }) => Promise<EdgeFunctionResult>;

function isEdgeFunction(value: unknown): value is EdgeFunction {
  return typeof value === "function";
}

/**
 * @param env the whole `process.env` the middleware sees.
 * @param origin where the app is served, as Next's server builds the request URL (`http://localhost:<port>`).
 */
export async function loadEdgeMiddleware(
  env: Record<string, string>,
  origin: string,
  { distDir = DIST_DIR, shareServerPerformance = false }: { distDir?: string; shareServerPerformance?: boolean } = {},
): Promise<EdgeMiddleware> {
  const entry = readMiddlewareEntry(distDir);
  if ((entry.assets ?? []).length > 0) {
    throw new Error(
      `the middleware now ships assets (${JSON.stringify(entry.assets)}): serve them to its fetch() here`,
    );
  }
  const wasm: Record<string, WebAssembly.Module> = {};
  for (const binding of entry.wasm ?? []) {
    wasm[binding.name] = await WebAssembly.compile(readFileSync(join(distDir, binding.filePath)));
  }
  const required: string[] = [];
  const vm = new EdgeVM({
    extend: (context) => {
      context["process"] = { env: { ...env } };
      context["AsyncLocalStorage"] = AsyncLocalStorage;
      if (shareServerPerformance) context["performance"] = performance;
      Object.defineProperty(context, "require", {
        enumerable: false,
        value: (id: string): object => {
          required.push(id);
          const exports = NATIVE_MODULES.get(id);
          if (!exports) throw new TypeError(`Native module not found: ${id}`);
          return exports;
        },
      });
      Object.assign(context, wasm);
      return context;
    },
  });
  for (const file of entry.files) vm.evaluate(readFileSync(join(distDir, file), "utf8"));

  const entries: unknown = vm.context["_ENTRIES"];
  if (typeof entries !== "object" || entries === null) throw new Error("the bundle registered no _ENTRIES");
  const loaded: unknown = await (entries as Record<string, unknown>)[`middleware_${entry.name}`];
  const handler: unknown =
    typeof loaded === "object" && loaded !== null ? (loaded as Record<string, unknown>)["default"] : undefined;
  if (!isEdgeFunction(handler)) throw new Error(`_ENTRIES.middleware_${entry.name} has no default function`);

  const nextConfig = readNextConfig(distDir);
  return {
    vm,
    required,
    async call({ path, method = "GET", headers = {} }) {
      const url = new URL(path, origin);
      const signal: unknown = vm.evaluate("new AbortController().signal");
      const result = await handler({
        request: {
          url: url.toString(),
          method,
          headers: { host: url.host, ...headers },
          nextConfig,
          page: {},
          body: undefined,
          signal,
        },
      });
      await result.waitUntil;
      return { status: result.response.status, headers: result.response.headers };
    },
  };
}

/** The part of the built config that Next's server hands the middleware (next-server.js runMiddleware). */
function readNextConfig(distDir: string): Record<string, unknown> {
  const { config } = JSON.parse(readFileSync(join(distDir, "required-server-files.json"), "utf8")) as {
    config: Record<string, unknown>;
  };
  return pick(config, ["basePath", "i18n", "trailingSlash", "experimental"]);
}
