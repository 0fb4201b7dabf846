import { describe, expect, it } from "vitest";
import { hmacSha1Pads, pbkdf2Sha1OneIteration } from "@/lib/auth/cookie/iron-keys";
import { prng } from "../support/prng";

const encoder = new TextEncoder();

async function webCryptoPbkdf2(secret: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt, iterations: 1 }, key, 256),
  );
}

describe("iron's key derivation in JavaScript", () => {
  it("matches WebCrypto's PBKDF2-SHA1 (1 iteration, 256 bits) for secrets and salts of every length around the block size", async () => {
    const random = prng(42);
    const bytes = (length: number) => Uint8Array.from({ length }, () => Math.floor(random() * 256));
    const lengths = [0, 1, 20, 32, 43, 44, 55, 56, 57, 63, 64, 65, 100, 119, 120, 128, 129, 200];
    for (const secretLength of lengths) {
      for (const saltLength of lengths) {
        const secret = bytes(secretLength);
        const salt = bytes(saltLength);
        if (secretLength === 0) continue; // WebCrypto refuses an empty PBKDF2 key; iron needs 32 characters anyway
        expect(
          pbkdf2Sha1OneIteration(hmacSha1Pads(secret), salt),
          `secret ${secretLength} B, salt ${saltLength} B`,
        ).toEqual(await webCryptoPbkdf2(secret, salt));
      }
    }
  });

  it("matches for iron's own inputs: a text secret (also non-ASCII) and a 64-hex-digit salt", async () => {
    for (const secret of [
      "bench-cookie-secret-0123456789-abcdefghijklmnop",
      "ünïcødé-secret-🍪-0123456789-abcdefghijklmnop".repeat(3),
    ]) {
      const pads = hmacSha1Pads(encoder.encode(secret));
      for (let i = 0; i < 20; i++) {
        const salt = encoder.encode(
          [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join(""),
        );
        expect(pbkdf2Sha1OneIteration(pads, salt)).toEqual(await webCryptoPbkdf2(encoder.encode(secret), salt));
      }
    }
  });

  it('matches the RFC 6070 test vector (first 20 bytes: P = "password", S = "salt", c = 1)', () => {
    const derived = pbkdf2Sha1OneIteration(hmacSha1Pads(encoder.encode("password")), encoder.encode("salt"));
    expect(Buffer.from(derived.subarray(0, 20)).toString("hex")).toBe("0c60c80f961f0e71f3a9b524af6012062fe037a6");
  });
});
