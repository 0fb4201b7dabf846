/**
 * In-process micro-benchmark of the gate's own work on a protected path with a valid cookie (the memo warm, as on
 * every request after a user's first): `authMiddleware()` beside a middleware that only calls `NextResponse.next()`,
 * each given a new NextRequest per call, interleaved round by round. The difference is what the gate adds to a
 * request beyond what any middleware costs; the end-to-end rows add Next's own middleware machinery on top.
 * Bundled by bench/run.mjs with next/server compiled in (the gate imports Next's CommonJS path-to-regexp by name).
 * Prints one JSON line: { cases: { name: { median, rounds } } }.
 */
import { NextRequest, NextResponse } from "next/server.js";
import { authMiddleware } from "../../lib/auth/middleware";
import { testCookieHeader, testIdentityCookies } from "../../lib/auth/testing";
import { benchClaims } from "./claims";

const OPS = Number(process.env["MICRO_OPS"] ?? 1000);
const ROUNDS = Number(process.env["MICRO_ROUNDS"] ?? 7);
const SECRET = "bench-cookie-secret-0123456789-abcdefghijklmnop";
const ORIGIN = "http://127.0.0.1:3000";
/** The README's matcher, as `init` writes it. */
const MATCHER = [
  "/protected/:path*",
  { source: "/:path*", has: [{ type: "query", key: "state" }] },
  { source: "/:path*", has: [{ type: "query", key: "code" }] },
  { source: "/:path*", has: [{ type: "query", key: "error" }] },
];

async function main(): Promise<void> {
  process.env["AUTH_SECRETS"] = `[auth]
redirect_uri = "${ORIGIN}/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "bench"
client_secret = "bench-client-secret-0123456789"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
`;
  const claims = benchClaims();
  const cookie = testCookieHeader(
    await testIdentityCookies(claims as Record<string, unknown> & { sub: string }, { cookieSecret: SECRET, url: ORIGIN }),
  );
  const gate = authMiddleware({ matcher: MATCHER });
  type GateRequest = Parameters<typeof gate>[0];
  const empty = async () => NextResponse.next();
  // One copy of Next at run time (the bundle aliases it); the type checker sees the library's copy and the bench's.
  const request = (url = `${ORIGIN}/protected`, headers: HeadersInit = { cookie }) =>
    new NextRequest(url, { headers }) as unknown as GateRequest;
  // The valid cookie passes and the same request without it is refused, before anything is timed.
  if ((await gate(request())).headers.get("x-middleware-next") !== "1") throw new Error("gate micro: valid cookie refused");
  if ((await gate(request(`${ORIGIN}/protected`, {}))).status !== 307) throw new Error("gate micro: no cookie let through");

  const cases: Record<string, (r: GateRequest) => Promise<Response>> = {
    gate_valid_cookie: gate,
    empty_middleware: empty,
  };
  const rounds: Record<string, number[]> = { gate_valid_cookie: [], empty_middleware: [], gate_own: [] };
  for (let round = 0; round < ROUNDS + 1; round++) {
    const timed: Record<string, number> = {};
    for (const [name, fn] of Object.entries(cases)) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < OPS; i++) await fn(request());
      timed[name] = Number(process.hrtime.bigint() - started) / 1e3 / OPS;
    }
    if (round === 0) continue; // warm-up
    rounds["gate_valid_cookie"]!.push(timed["gate_valid_cookie"]!);
    rounds["empty_middleware"]!.push(timed["empty_middleware"]!);
    rounds["gate_own"]!.push(timed["gate_valid_cookie"]! - timed["empty_middleware"]!);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const result = Object.fromEntries(
    Object.entries(rounds).map(([name, xs]) => [name, { median: Math.round(median(xs) * 100) / 100, rounds: xs.map((x) => Math.round(x * 100) / 100) }]),
  );
  console.log(JSON.stringify({ ops: OPS, rounds: ROUNDS, cases: result }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
