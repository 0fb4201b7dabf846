import { sealData } from "iron-session";
import { decodeBase64Url, encodeBase64Url } from "./base64url.js";
import { hmacSha1Pads, pbkdf2Sha1OneIteration, type HmacSha1Pads } from "./iron-keys.js";
import { secretScope } from "./verified-memo.js";

/**
 * iron-session seals (AES-256-CBC + HMAC-SHA256) with rotation-safe password ids: each secret's id is derived from
 * the secret itself, so adding or removing secrets never renumbers the others. The newest secret (first in the list)
 * seals; every listed secret unseals.
 */

const IRON_VERSION_SUFFIX = "~2";

function passwordId(secret: string): number {
  // FNV-1a, 31 bits: a stable label, not a secret-derived key.
  let hash = 0x811c9dc5;
  for (let i = 0; i < secret.length; i++) {
    hash ^= secret.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 1) + 1;
}

interface Passwords {
  /** Every secret by its id, for opening. */
  all: ReadonlyMap<string, string>;
  /** The newest secret alone, in iron-session's password-map shape, for sealing. */
  newest: Record<number, string>;
  newestId: number;
}

/** Password maps by secret set ({@link secretScope}, so even an array changed in place is seen); bounded. */
const passwordMaps = new Map<string, Passwords>();
const MAX_PASSWORD_MAPS = 16;

function passwords(secrets: readonly string[]): Passwords {
  const scope = secretScope(secrets);
  let maps = passwordMaps.get(scope);
  if (!maps) {
    const all = new Map<string, string>();
    // Newest first: should two secrets ever share an id, the newer one is tried.
    for (const secret of secrets) if (!all.has(String(passwordId(secret)))) all.set(String(passwordId(secret)), secret);
    const newestId = passwordId(secrets[0]!);
    maps = { all, newest: { [newestId]: secrets[0]! }, newestId };
    if (passwordMaps.size >= MAX_PASSWORD_MAPS) passwordMaps.delete(passwordMaps.keys().next().value!);
    passwordMaps.set(scope, maps);
  }
  return maps;
}

/** True when `value` names a password other than the newest in its header: a cheap pre-check before re-sealing. */
export function sealedWithOlderSecret(value: string, secrets: readonly string[]): boolean {
  const id = value.split("*", 3)[1];
  return id !== undefined && id !== String(passwords(secrets).newestId);
}

/** When a seal expires (ms since the epoch), from its header; only meaningful for a seal that also unseals. */
export function sealExpiresAt(value: string): number | undefined {
  const expiration = Number(value.split("*")[5]);
  return Number.isSafeInteger(expiration) && expiration > 0 ? expiration : undefined;
}

export async function seal(
  data: Record<string, unknown>,
  secrets: readonly string[],
  ttlSeconds: number,
): Promise<string> {
  return sealData(data, { password: passwords(secrets).newest, ttl: ttlSeconds });
}

export interface Unsealed {
  data: Record<string, unknown>;
  /** False when an older secret opened it: the caller should re-seal with the newest. */
  sealedWithNewest: boolean;
}

/** iron's clock skew tolerance: a seal is accepted until 60 s after its expiration (as iron-session does). */
export const SEAL_SKEW_MS = 60_000;
const MAX_SEAL_LENGTH = 64 * 1024;
const MAC_PREFIX = "Fe26.2";
const HEX_SALT = /^[0-9a-f]{64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const DIGITS = /^\d{1,15}$/;

/**
 * Opens an iron seal (`Fe26.2*id*encSalt*iv*ciphertext*expiration*macSalt*mac~2`), as iron-session's `unsealData`
 * does, with the same checks in the same order (expiration, then the HMAC over everything before the MAC salt, then
 * AES-256-CBC decryption), on Web APIs only. It is faster because iron's two PBKDF2 key derivations (one iteration
 * each) are computed in plain JavaScript from the secret's pads, hashed once per secret (iron-keys.ts), instead of
 * three awaited WebCrypto calls per key; HMAC-SHA256 and AES-256-CBC stay in WebCrypto. The AES key is used only after
 * the HMAC has matched.
 *
 * Stricter than iron: the seal must carry an expiration (every seal this library writes does; iron would accept one
 * without, forever), salts must be the 64 hex digits iron writes, and the MAC is compared as the exact base64url
 * string iron writes (constant time), so no other spelling of the same bytes is accepted.
 *
 * Never throws: a tampered, truncated, expired, foreign or garbage value gives `undefined`. The seal's own,
 * authenticated expiration decides how long it lives.
 */
export async function unseal(value: string, secrets: readonly string[]): Promise<Unsealed | undefined> {
  const opened = await openSeal(value, secrets, Date.now());
  return opened && { data: opened.data, sealedWithNewest: opened.sealedWithNewest };
}

export interface OpenedSeal extends Unsealed {
  /** The last moment (ms since the epoch) this value is accepted: its expiration plus the skew. */
  acceptedUntil: number;
  /** Length of the decrypted JSON text (for sizing caches). */
  plaintextLength: number;
}

/** {@link unseal} with the seal's expiry and size; `now` is the clock the expiration is checked against. */
export async function openSeal(
  value: string,
  secrets: readonly string[],
  now: number,
): Promise<OpenedSeal | undefined> {
  if (value.length > MAX_SEAL_LENGTH || !value.endsWith(IRON_VERSION_SUFFIX)) return undefined;
  const parts = value.slice(0, -IRON_VERSION_SUFFIX.length).split("*");
  if (parts.length !== 8) return undefined;
  const [prefix, id, encryptionSalt, iv, ciphertext, expiration, macSalt, mac] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (prefix !== MAC_PREFIX || !DIGITS.test(expiration)) return undefined;
  const acceptedUntil = Number(expiration) + SEAL_SKEW_MS;
  // iron: expired when expiration <= now - skew.
  if (!(now < acceptedUntil)) return undefined;
  const { all, newestId } = passwords(secrets);
  const secret = all.get(id);
  if (secret === undefined) return undefined;
  if (
    !HEX_SALT.test(encryptionSalt) ||
    !HEX_SALT.test(macSalt) ||
    !BASE64URL.test(iv) ||
    !BASE64URL.test(ciphertext) ||
    !BASE64URL.test(mac)
  ) {
    return undefined;
  }
  try {
    const pads = passwordPads(secret);
    const [macKey, encryptionKey] = await Promise.all([
      importDerived(pads, macSalt, HMAC_SHA256),
      importDerived(pads, encryptionSalt, AES_CBC),
    ]);
    const macBase = value.slice(0, value.length - IRON_VERSION_SUFFIX.length - macSalt.length - mac.length - 2);
    const expected = new Uint8Array(await crypto.subtle.sign("HMAC", macKey, encoder.encode(macBase)));
    if (!equalInConstantTime(encodeBase64Url(expected), mac)) return undefined;
    const ivBytes = decodeBase64Url(iv);
    const ciphertextBytes = decodeBase64Url(ciphertext);
    if (!ivBytes || ivBytes.length !== 16 || !ciphertextBytes) return undefined;
    const plaintext = decoder.decode(
      await crypto.subtle.decrypt({ name: "AES-CBC", iv: ivBytes }, encryptionKey, ciphertextBytes),
    );
    const data: unknown = JSON.parse(plaintext);
    if (typeof data !== "object" || data === null || Array.isArray(data) || Object.keys(data).length === 0)
      return undefined;
    return {
      data: data as Record<string, unknown>,
      sealedWithNewest: id === String(newestId),
      acceptedUntil,
      plaintextLength: plaintext.length,
    };
  } catch {
    return undefined;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const HMAC_SHA256: HmacImportParams = { name: "HMAC", hash: "SHA-256", length: 256 };
const AES_CBC: AesKeyAlgorithm = { name: "AES-CBC", length: 256 };

/** Each configured secret's HMAC-SHA1 pads (bounded: older ones are dropped past {@link MAX_PASSWORD_PADS}). */
const passwordPadsBySecret = new Map<string, HmacSha1Pads>();
const MAX_PASSWORD_PADS = 16;

function passwordPads(secret: string): HmacSha1Pads {
  let pads = passwordPadsBySecret.get(secret);
  if (pads === undefined) {
    if (passwordPadsBySecret.size >= MAX_PASSWORD_PADS)
      passwordPadsBySecret.delete(passwordPadsBySecret.keys().next().value!);
    pads = hmacSha1Pads(encoder.encode(secret));
    passwordPadsBySecret.set(secret, pads);
  }
  return pads;
}

/** iron's key: PBKDF2-SHA1 of the secret with the seal's salt (the hex text itself), 1 iteration, 256 bits. */
async function importDerived(
  pads: HmacSha1Pads,
  salt: string,
  algorithm: HmacImportParams | AesKeyAlgorithm,
): Promise<CryptoKey> {
  const raw = pbkdf2Sha1OneIteration(pads, encoder.encode(salt));
  try {
    return await crypto.subtle.importKey("raw", raw, algorithm, false, [
      algorithm.name === "HMAC" ? "sign" : "decrypt",
    ]);
  } finally {
    raw.fill(0);
  }
}

/** Compares two strings in time that depends only on their lengths (iron's fixedTimeComparison). */
function equalInConstantTime(a: string, b: string): boolean {
  let mismatch = a.length === b.length ? 0 : 1;
  const other = mismatch ? a : b;
  for (let i = 0; i < a.length; i++) mismatch |= a.charCodeAt(i) ^ other.charCodeAt(i);
  return mismatch === 0;
}
