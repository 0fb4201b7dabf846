// @ts-check
/**
 * A loopback load balancer for the replica test: no sticky sessions. It sends every login start (`/auth/login`) to
 * the first backend and every callback to the second, so a login is always begun on one instance and completed on
 * the other; everything else goes round-robin, per path. `GET /__routes` lists which backend answered which path.
 *
 *   node tests/support/balancer.mjs --port 3105 --backend 3103 --backend 3104 --callback /oauth2callback
 */
import { createServer, request } from "node:http";

const args = process.argv.slice(2);
/** @param {string} name */
const all = (name) => args.flatMap((arg, i) => (arg === name && args[i + 1] !== undefined ? [args[i + 1] ?? ""] : []));
const port = Number(all("--port")[0]);
const backends = all("--backend").map(Number);
const callbacks = new Set(all("--callback"));
if (!port || backends.length !== 2) {
  console.error("usage: balancer.mjs --port P --backend P1 --backend P2 [--callback PATH]...");
  process.exit(2);
}

/** @type {{ path: string; backend: number }[]} */
const routes = [];
/** Round-robin per path, so that repeated loads of one page alternate between the instances whatever else loads. */
const turns = new Map();

/** @param {string} pathname */
function pick(pathname) {
  if (pathname === "/auth/login") return backends[0] ?? 0;
  if (callbacks.has(pathname)) return backends[1] ?? 0;
  const turn = ((turns.get(pathname) ?? -1) + 1) % backends.length;
  if (turns.size < 10_000) turns.set(pathname, turn);
  return backends[turn] ?? 0;
}

createServer((req, res) => {
  const pathname = new URL(req.url ?? "/", "http://balancer").pathname;
  if (pathname === "/__routes") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(routes));
    return;
  }
  const backend = pick(pathname);
  if (routes.length < 10_000) routes.push({ path: pathname, backend });
  // The Host header goes through unchanged: the instances see the public origin, as behind a real balancer.
  const upstream = request(
    { host: "127.0.0.1", port: backend, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end("backend unavailable");
  });
  req.pipe(upstream);
}).listen(port, "127.0.0.1", () => console.log(`balancer on 127.0.0.1:${port} -> ${backends.join(", ")}`));
