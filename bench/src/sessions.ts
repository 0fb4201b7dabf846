/**
 * Sessions micro-benchmark, in one process against the bundled local OpenID Provider (rotating refresh tokens):
 * - get_access_token_hot: µs per getAccessToken() while the stored access token is valid (no refresh, no network);
 * - refresh_backchannel_requests: requests the server sends to the provider for one refresh (expected: 1, the token
 *   request; metadata and keys are already cached by the login).
 * Bundled by bench/sessions.mjs with esbuild. Prints one JSON line.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../../lib/auth/config/load";
import { parseCookieHeader } from "../../lib/auth/cookie/serialize";
import { handleCallback } from "../../lib/auth/routes/callback";
import { handleLogin } from "../../lib/auth/routes/login";
import { accessTokenFromCookies } from "../../lib/auth/server/session-tokens";

const OPS = Number(process.env["MICRO_OPS"] ?? 1000);
const ROUNDS = Number(process.env["MICRO_ROUNDS"] ?? 7);
const APP = "http://127.0.0.1:3000";
const SECRET = "bench-cookie-secret-0123456789-abcdefghijklmnop";
const CLIENT = { client_id: "bench-sessions", client_secret: "bench-sessions-secret-0123456789" };

interface LocalIdp {
  issuer: string;
  close(): Promise<void>;
}
type StartLocalIdp = (options: Record<string, unknown>) => Promise<LocalIdp>;

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** Set-Cookie lines into a name -> value map, deletions applied. */
function apply(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    if (/;\s*max-age=0\b/i.test(line)) jar.delete(pair.slice(0, eq));
    else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

/** A login through the route handlers; the provider's side with fetch (any user name signs in). */
async function logIn(user: string): Promise<Map<string, string>> {
  const jar = new Map<string, string>();
  const start = await handleLogin(new Request(`${APP}/auth/login`, { headers: { "sec-fetch-site": "same-origin" } }));
  apply(jar, start);
  const idpJar = new Map<string, string>();
  let url = start.headers.get("location")!;
  let init: RequestInit = {};
  for (let hop = 0; hop < 12; hop++) {
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as object), cookie: header(idpJar) } });
    apply(idpJar, response);
    init = {};
    const location = response.headers.get("location");
    if (location && new URL(location, url).href.startsWith(`${APP}/oauth2callback`)) {
      const done = await handleCallback(new Request(new URL(location, url).href, { headers: { cookie: header(jar) } }));
      apply(jar, done);
      return jar;
    }
    if (location) url = new URL(location, url).href;
    else {
      url = `${url.replace(/\/$/, "")}/login`;
      init = { method: "POST", body: new URLSearchParams({ login: user }), headers: { "content-type": "application/x-www-form-urlencoded" } };
    }
  }
  throw new Error("sessions bench: login did not complete");
}

async function main(): Promise<void> {
  const { startLocalIdp } = (await import(pathToFileURL(path.join(root, "scripts/local-idp.mjs")).href)) as { startLocalIdp: StartLocalIdp };
  const idp = await startLocalIdp({ port: 0, quiet: true, refreshTokens: "rotate", clients: [{ ...CLIENT, redirect_uris: [`${APP}/oauth2callback`] }] });
  try {
    process.env["AUTH_SECRETS"] = `[auth]
redirect_uri = "${APP}/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "${CLIENT.client_id}"
client_secret = "${CLIENT.client_secret}"
server_metadata_url = "${idp.issuer}/.well-known/openid-configuration"
client_kwargs = { scope = "openid email profile offline_access" }
`;
    const state = loadConfig();
    if (state.status !== "ok") throw new Error(`sessions bench config: ${state.status}`);
    const config = state.config;
    const cookies = parseCookieHeader(header(await logIn("bench-user")));
    const first = await accessTokenFromCookies(cookies, config);

    const perRound: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < OPS; i++) {
        const { accessToken } = await accessTokenFromCookies(cookies, config);
        if (accessToken !== first.accessToken) throw new Error("sessions bench: a hot call refreshed");
      }
      const us = Number(process.hrtime.bigint() - start) / 1000 / OPS;
      if (round > 0) perRound.push(us); // round 0 warms up
    }

    const requests = async () => Object.values((await (await fetch(`${idp.issuer}/__requests`)).json()) as Record<string, number>).reduce((a, b) => a + b, 0);
    const before = await requests();
    const refreshed = await accessTokenFromCookies(cookies, config, { forceRefresh: true });
    if (refreshed.accessToken === first.accessToken) throw new Error("sessions bench: the refresh returned the old token");
    // Minus the one request that reads the count itself.
    const refreshRequests = (await requests()) - before - 1;

    const sorted = [...perRound].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    const round2 = (x: number) => Math.round(x * 100) / 100;
    console.log(
      JSON.stringify({
        ops: OPS,
        rounds: ROUNDS,
        cases: { get_access_token_hot: { median: round2(median), min: round2(sorted[0]!), max: round2(sorted.at(-1)!), rounds: perRound.map(round2) } },
        refresh_backchannel_requests: refreshRequests,
      }),
    );
  } finally {
    await idp.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
