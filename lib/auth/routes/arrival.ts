import { decodeBase64Url, encodeBase64Url } from "../cookie/base64url.js";

/**
 * Where an authorization response arrived, carried from the middleware to the callback route for the mix-up check
 * (RFC 9700 §4.4): the middleware rewrites every configured callback path to `/auth/callback`, so the route itself
 * cannot see the path the browser asked for.
 *
 * It travels as a query parameter of the rewrite, not as a request header: when Next treats the rewrite as external
 * (for example `next start -H 127.0.0.1` while `redirect_uri` says `localhost`), it proxies the URL but drops the
 * headers the middleware added. Since a URL can be written by anyone, the value is MACed with the newest
 * `cookie_secret` over the path and the response's `state`: only the middleware can vouch for a path, and only for
 * this one response. Without a valid MAC the route falls back to the path it was reached at.
 */

export const ARRIVAL_PARAM = "auth_arrival";
const MAC_LENGTH = 43; // base64url of 32 bytes
const LABEL = "streamlit-auth-nextjs arrival\u0000";

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    usage,
  ]);
}

function signedData(path: string, state: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${LABEL}${state}\u0000${path}`);
}

/** `<mac><path>`, for the rewrite's query string. */
export async function signArrival(path: string, state: string, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), signedData(path, state));
  return encodeBase64Url(new Uint8Array(mac)) + path;
}

/** The path the middleware vouched for, or undefined when the value is missing, malformed or not MACed by it. */
export async function verifyArrival(
  value: string | null,
  state: string,
  secrets: readonly string[],
): Promise<string | undefined> {
  if (!value || value.length <= MAC_LENGTH || value.length > 2048) return undefined;
  const mac = decodeBase64Url(value.slice(0, MAC_LENGTH));
  const path = value.slice(MAC_LENGTH);
  if (!mac || mac.length !== 32 || !path.startsWith("/")) return undefined;
  for (const secret of secrets) {
    // crypto.subtle.verify compares in constant time.
    if (await crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), mac, signedData(path, state))) return path;
  }
  return undefined;
}
