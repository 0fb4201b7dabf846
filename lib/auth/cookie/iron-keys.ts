/**
 * iron's key derivation, PBKDF2-HMAC-SHA1 with one iteration and a 256-bit output (RFC 8018 §5.2), computed in plain
 * JavaScript. Through WebCrypto the same derivation costs a thread-pool round trip per key (about 60 µs, most of an
 * unseal); here it is twelve SHA-1 compressions (a few µs), with the secret's HMAC pads hashed once per secret.
 *
 * Only 32-bit additions, rotations and bitwise operations on the data: no table lookups or branches that depend on
 * the secret, so its timing does not depend on it. Checked against WebCrypto's PBKDF2 by the unit tests.
 */

const BLOCK = 64;
const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0] as const;

/** SHA-1 compression of one 64-byte block at `offset` into `state` (FIPS 180-4 §6.1.2). */
function compress(state: Int32Array, block: Uint8Array, offset: number, w: Int32Array): void {
  for (let t = 0; t < 16; t++) {
    const i = offset + t * 4;
    w[t] = (block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!;
  }
  for (let t = 16; t < 80; t++) {
    const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
    w[t] = (x << 1) | (x >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}

/**
 * SHA-1 of `prefixLength` bytes already absorbed into `state` followed by `message`: returns the 20-byte digest.
 * `state` is not modified.
 */
function finish(state: Int32Array, prefixLength: number, message: Uint8Array, w: Int32Array): Uint8Array {
  const s = Int32Array.from(state);
  const total = prefixLength + message.length;
  const padded = new Uint8Array(Math.ceil((message.length + 9) / BLOCK) * BLOCK);
  padded.set(message);
  padded[message.length] = 0x80;
  const bits = total * 8;
  const end = padded.length;
  // Length in bits, big-endian, in the last 8 bytes (messages here are far below 2^32 bits).
  padded[end - 5] = Math.floor(bits / 2 ** 32) & 0xff;
  padded[end - 4] = (bits >>> 24) & 0xff;
  padded[end - 3] = (bits >>> 16) & 0xff;
  padded[end - 2] = (bits >>> 8) & 0xff;
  padded[end - 1] = bits & 0xff;
  for (let offset = 0; offset < end; offset += BLOCK) compress(s, padded, offset, w);
  const digest = new Uint8Array(20);
  for (let i = 0; i < 5; i++) {
    digest[i * 4] = s[i]! >>> 24;
    digest[i * 4 + 1] = (s[i]! >>> 16) & 0xff;
    digest[i * 4 + 2] = (s[i]! >>> 8) & 0xff;
    digest[i * 4 + 3] = s[i]! & 0xff;
  }
  return digest;
}

/** The HMAC-SHA1 inner and outer states for a key (RFC 2104): the key's pads hashed once. */
export interface HmacSha1Pads {
  inner: Int32Array;
  outer: Int32Array;
}

export function hmacSha1Pads(key: Uint8Array): HmacSha1Pads {
  const w = new Int32Array(80);
  const k = new Uint8Array(BLOCK);
  k.set(key.length > BLOCK ? finish(Int32Array.from(IV), 0, key, w) : key);
  const inner = Int32Array.from(IV);
  const outer = Int32Array.from(IV);
  const pad = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) pad[i] = k[i]! ^ 0x36;
  compress(inner, pad, 0, w);
  for (let i = 0; i < BLOCK; i++) pad[i] = k[i]! ^ 0x5c;
  compress(outer, pad, 0, w);
  k.fill(0);
  pad.fill(0);
  return { inner, outer };
}

/** PBKDF2-HMAC-SHA1, 1 iteration, 32 bytes: T1 ‖ T2[0..12), Ti = HMAC(P, S ‖ INT(i)). */
export function pbkdf2Sha1OneIteration(pads: HmacSha1Pads, salt: Uint8Array): Uint8Array<ArrayBuffer> {
  const w = new Int32Array(80);
  const message = new Uint8Array(salt.length + 4);
  message.set(salt);
  const out = new Uint8Array(32);
  for (let i = 1; i <= 2; i++) {
    message[salt.length + 3] = i;
    const innerDigest = finish(pads.inner, BLOCK, message, w);
    const t = finish(pads.outer, BLOCK, innerDigest, w);
    out.set(i === 1 ? t : t.subarray(0, 12), (i - 1) * 20);
  }
  return out;
}
