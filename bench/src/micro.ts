/**
 * In-process micro-benchmark: µs to turn an identity cookie into a user, ours beside the peers' own cookie readers
 * and the WebCrypto floor, in one process, interleaved. Bundled by bench/run.mjs with esbuild (our TypeScript is
 * compiled in; packages stay external). Prints one JSON line: { cases: { name: { median, min, max, rounds } } }.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { unsealData } from "iron-session";
import { decode as authjsDecode, encode as authjsEncode } from "@auth/core/jwt";
import { parseAuthConfig } from "../../lib/auth/config/parse";
import { clearIdentityMemo } from "../../lib/auth/cookie/identity-cookie";
import { parseCookieHeader } from "../../lib/auth/cookie/serialize";
import { userFromCookies } from "../../lib/auth/user/from-cookies";
import { testCookieHeader, testIdentityCookies } from "../../lib/auth/testing";
import { benchClaims } from "./claims";

const OPS = Number(process.env["MICRO_OPS"] ?? 1000);
const ROUNDS = Number(process.env["MICRO_ROUNDS"] ?? 7);
const SECRET = "bench-cookie-secret-0123456789-abcdefghijklmnop";
const PEER_SECRET = "bench-peer-secret-0123456789-abcdefghijklmnopqr";
const ORIGIN = "http://127.0.0.1:3000";

interface Auth0Cookies {
  decrypt(value: string, secret: string): Promise<{ payload: Record<string, unknown> } | null>;
}
interface Auth0Testing {
  generateSessionCookie(session: Record<string, unknown>, config: { secret: string }): Promise<string>;
}

const benchDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
/** nextjs-auth0 does not export its cookie module; the file is imported directly (the same code its middleware runs). */
async function auth0Modules(): Promise<{ cookies: Auth0Cookies; testing: Auth0Testing }> {
  const dist = path.join(benchDir, "node_modules/@auth0/nextjs-auth0/dist");
  const cookies = (await import(pathToFileURL(path.join(dist, "server/cookies.js")).href)) as Auth0Cookies;
  const testing = (await import(pathToFileURL(path.join(dist, "testing/index.js")).href)) as Auth0Testing;
  return { cookies, testing };
}

function b64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The floor: the same iron cookie with both keys derived ahead of time; split, base64url, HMAC verify, AES decrypt, JSON. */
async function webcryptoFloor(value: string): Promise<(value: string) => Promise<unknown>> {
  const parts = value.slice(0, -2).split("*");
  const enc = new TextEncoder();
  const password = await crypto.subtle.importKey("raw", enc.encode(SECRET), "PBKDF2", false, ["deriveKey"]);
  const derive = (salt: string, algorithm: HmacImportParams | AesKeyAlgorithm, usage: KeyUsage) =>
    crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-1", salt: enc.encode(salt), iterations: 1 }, password, algorithm, false, [usage]);
  const macKey = await derive(parts[6]!, { name: "HMAC", hash: "SHA-256", length: 256 }, "verify");
  const aesKey = await derive(parts[2]!, { name: "AES-CBC", length: 256 }, "decrypt");
  const decoder = new TextDecoder();
  return async (cookie: string) => {
    const p = cookie.slice(0, -2).split("*");
    const macBase = p.slice(0, 6).join("*");
    const ok = await crypto.subtle.verify("HMAC", macKey, b64(p[7]!), enc.encode(macBase));
    if (!ok) throw new Error("floor: bad MAC");
    const plain = await crypto.subtle.decrypt({ name: "AES-CBC", iv: b64(p[3]!) }, aesKey, b64(p[4]!));
    return JSON.parse(decoder.decode(plain));
  };
}

type Op = (i: number) => Promise<unknown>;

async function main(): Promise<void> {
  const toml = `[auth]
redirect_uri = "${ORIGIN}/oauth2callback"
cookie_secret = "${SECRET}"
client_id = "bench"
client_secret = "bench-client-secret-0123456789"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
`;
  const state = parseAuthConfig(toml, { source: "bench", port: "3000" });
  if (state.status !== "ok") throw new Error(`bench config: ${state.status}`);

  const claims = benchClaims();
  const mint = async (sub: string) =>
    testCookieHeader(await testIdentityCookies({ ...claims, sub } as Record<string, unknown> & { sub: string }, { cookieSecret: SECRET, url: ORIGIN }));
  const header = await mint(String(claims["sub"]));
  const freshHeaders: string[] = [];
  for (let i = 0; i < OPS * (ROUNDS + 1); i++) freshHeaders.push(await mint(`user-${i}`));
  const ironValue = header.slice(header.indexOf("=") + 1);
  const ironPassword = { [ironValue.split("*")[1]!]: SECRET };

  const authjsSalt = "authjs.session-token";
  const authjsToken = await authjsEncode({ token: { ...claims, sub: String(claims["sub"]) }, secret: PEER_SECRET, salt: authjsSalt });
  const { cookies: auth0, testing: auth0Testing } = await auth0Modules();
  const auth0Value = await auth0Testing.generateSessionCookie(
    { user: claims, tokenSet: { accessToken: "at", expiresAt: Math.floor(Date.now() / 1000) + 3600 } },
    { secret: PEER_SECRET },
  );
  const floor = await webcryptoFloor(ironValue);

  // Every fixture opens to the same subject before anything is timed.
  const sub = String(claims["sub"]);
  const checks: Array<[string, unknown]> = [
    ["ours", (await userFromCookies(parseCookieHeader(header), state))["sub"]],
    ["iron", ((await unsealData(ironValue, { password: ironPassword })) as { u?: { c?: { sub?: string } } }).u?.c?.sub],
    ["authjs", (await authjsDecode({ token: authjsToken, secret: PEER_SECRET, salt: authjsSalt }))?.sub],
    ["auth0", ((await auth0.decrypt(auth0Value, PEER_SECRET))?.payload["user"] as { sub?: string } | undefined)?.sub],
    ["floor", ((await floor(ironValue)) as { u: { c: { sub: string } } }).u.c.sub],
  ];
  for (const [name, got] of checks) if (got !== sub) throw new Error(`micro: ${name} opened to ${String(got)}, expected ${sub}`);
  const tampered = header.slice(0, -10) + (header.at(-10) === "A" ? "B" : "A") + header.slice(-9);
  if ((await userFromCookies(parseCookieHeader(tampered), state))["is_logged_in"] !== false) throw new Error("micro: tampered cookie accepted");

  let fresh = 0;
  const cases: Record<string, Op> = {
    identity_read_repeat: () => userFromCookies(parseCookieHeader(header), state),
    identity_read_cold: () => userFromCookies(parseCookieHeader(freshHeaders[fresh++]!), state),
    authjs_decode: () => authjsDecode({ token: authjsToken, secret: PEER_SECRET, salt: authjsSalt }),
    auth0_decrypt: () => auth0.decrypt(auth0Value, PEER_SECRET),
    webcrypto_floor: () => floor(ironValue),
    iron_unseal: () => unsealData(ironValue, { password: ironPassword }),
  };
  const only = process.env["MICRO_ONLY"]?.split(",");
  const names = Object.keys(cases).filter((name) => !only || only.includes(name));
  const perRound: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  clearIdentityMemo();
  for (let round = 0; round <= ROUNDS; round++) {
    // Rotate the order every round, so no case always runs right after another.
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const op = cases[name]!;
      const start = process.hrtime.bigint();
      for (let i = 0; i < OPS; i++) await op(i);
      const us = Number(process.hrtime.bigint() - start) / 1000 / OPS;
      if (round > 0) perRound[name]!.push(us); // round 0 warms up
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const result = Object.fromEntries(
    names.map((n) => {
      const xs = perRound[n]!;
      return [n, { median: round2(median(xs)), min: round2(Math.min(...xs)), max: round2(Math.max(...xs)), rounds: xs.map(round2) }];
    }),
  );
  const sizes = { ours: ironValue.length, authjs: authjsToken.length, auth0: auth0Value.length };
  console.log(JSON.stringify({ ops: OPS, rounds: ROUNDS, sizes, cases: result }));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
