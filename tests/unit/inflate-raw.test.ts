import { randomBytes } from "node:crypto";
import { constants, deflateRawSync, inflateRawSync, type ZlibOptions } from "node:zlib";
import { describe, expect, it } from "vitest";
import { inflateBase64Url } from "@/lib/auth/cookie/inflate";
import { inflateRaw } from "@/lib/auth/cookie/inflate-raw";

/**
 * The edge-safe raw DEFLATE decoder against Node's zlib: every level and strategy zlib writes must read back exactly,
 * and anything truncated, corrupted or inflating past the cap must read as `undefined`, quickly.
 */

const STRATEGIES = {
  default: constants.Z_DEFAULT_STRATEGY,
  filtered: constants.Z_FILTERED,
  "huffman only": constants.Z_HUFFMAN_ONLY,
  rle: constants.Z_RLE,
  fixed: constants.Z_FIXED,
};

const groups = Array.from({ length: 300 }, (_, i) => `engineering-platform-group-${String(i + 1).padStart(3, "0")}`);
const SAMPLES: Record<string, Uint8Array> = {
  "300 groups as JSON": new TextEncoder().encode(JSON.stringify({ c: { sub: "ada", groups } })),
  "random bytes": new Uint8Array(randomBytes(5000)),
  "text with a long run and an old repeat": new TextEncoder().encode(
    `${"lorem ipsum dolor sit amet, ".repeat(40)}${"a".repeat(3000)}${randomBytes(2000).toString("base64")}` +
      "lorem ipsum dolor sit amet, ".repeat(3),
  ),
  "every byte value": Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) & 0xff),
};

/** Writes a DEFLATE bit stream: values LSB first, Huffman codes MSB first. */
class BitWriter {
  private readonly out: number[] = [];
  private bitCount = 0;

  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) this.push((value >> i) & 1);
    return this;
  }

  code(code: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.push((code >> i) & 1);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }

  private push(bit: number): void {
    if (this.bitCount % 8 === 0) this.out.push(0);
    this.out[this.out.length - 1]! |= bit << (this.bitCount % 8);
    this.bitCount++;
  }
}

const deflate = (data: Uint8Array, options: ZlibOptions = {}) => new Uint8Array(deflateRawSync(data, options));
const same = (actual: Uint8Array | undefined, expected: Uint8Array) =>
  actual !== undefined && Buffer.from(actual).equals(Buffer.from(expected));

describe("inflateRaw against zlib's deflateRawSync", () => {
  it("reads back every level (0-9) and strategy zlib writes, for text, JSON and random data", () => {
    let checked = 0;
    for (const [sample, data] of Object.entries(SAMPLES)) {
      for (const [strategy, value] of Object.entries(STRATEGIES)) {
        for (let level = 0; level <= 9; level++) {
          const compressed = deflate(data, { level, strategy: value });
          expect(same(inflateRaw(compressed, data.length), data), `${sample}, level ${level}, ${strategy}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBe(200);
  });

  it("reads an empty input back as empty, at every level", () => {
    for (let level = 0; level <= 9; level++) {
      const compressed = deflate(new Uint8Array(0), { level });
      expect(compressed.length).toBeGreaterThan(0);
      expect(inflateRaw(compressed, 0), `level ${level}`).toEqual(new Uint8Array(0));
    }
  });

  it("reads stored blocks (level 0) around their 65,535-byte size limit, split over several blocks", () => {
    for (const size of [1, 65_534, 65_535, 65_536, 65_537, 2 * 65_535 + 1]) {
      const data = new Uint8Array(randomBytes(size));
      const compressed = deflate(data, { level: 0 });
      expect(compressed[0]! & 0b110, `${size}: a stored block`).toBe(0);
      expect(same(inflateRaw(compressed, size), data), `${size} bytes`).toBe(true);
    }
  });

  it("reads streams of many small blocks (memLevel 1) and every window size, sizes around block boundaries", () => {
    const text = SAMPLES["text with a long run and an old repeat"]!;
    for (const size of [127, 128, 129, 255, 256, 257, 4095, 4096, 4097, 16_383, 16_384, 16_385]) {
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i += text.length) data.set(text.subarray(0, size - i), i);
      for (const memLevel of [1, 9]) {
        const compressed = deflate(data, { memLevel, level: 9 });
        expect(same(inflateRaw(compressed, size), data), `${size} bytes, memLevel ${memLevel}`).toBe(true);
      }
    }
    // Repeats near the far end of the 32 KiB window (zlib matches up to 32,768 - 262 bytes back).
    const block = new Uint8Array(randomBytes(32_500));
    const farRepeat = new Uint8Array([...block, ...block.subarray(0, 1000)]);
    for (let windowBits = 9; windowBits <= 15; windowBits++) {
      const compressed = deflate(farRepeat, { windowBits, level: 9 });
      expect(same(inflateRaw(compressed, farRepeat.length), farRepeat), `windowBits ${windowBits}`).toBe(true);
    }
    expect(deflate(farRepeat, { level: 9 }).length).toBeLessThan(block.length + 200);
  });

  it("stops at the cap: exactly maxBytes reads, one byte more is undefined", () => {
    const data = SAMPLES["300 groups as JSON"]!;
    const compressed = deflate(data);
    expect(same(inflateRaw(compressed, data.length), data)).toBe(true);
    expect(inflateRaw(compressed, data.length - 1)).toBeUndefined();
    expect(inflateRaw(deflate(data, { level: 0 }), data.length - 1)).toBeUndefined();
    expect(inflateRaw(compressed, 0)).toBeUndefined();
  });

  it("gives up on a deflate bomb at the cap, in bounded time", () => {
    const bomb = deflate(new Uint8Array(20 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(25_000);
    const started = performance.now();
    expect(inflateRaw(bomb, 16 * 1024)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("inflateRaw on malformed input", () => {
  const data = SAMPLES["text with a long run and an old repeat"]!;

  it("reads every truncation of a stream as undefined, at every strategy", () => {
    const head = data.subarray(0, 2000);
    for (const [strategy, value] of Object.entries(STRATEGIES)) {
      for (const level of [0, 1, 9]) {
        const compressed = deflate(head, { level, strategy: value });
        for (let length = 0; length < compressed.length; length++) {
          const result = inflateRaw(compressed.subarray(0, length), head.length);
          expect(result, `${strategy}, level ${level}, first ${length} bytes`).toBeUndefined();
        }
      }
    }
  });

  it("refuses reserved block types, bad stored lengths, distances before the start, bad codes and trailing bytes", () => {
    const cases: Record<string, number[]> = {
      "reserved block type 3": [0b111],
      "stored length without its complement": [0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5],
      "stored block cut short": [0x01, 0x05, 0x00, 0xfa, 0xff, 1, 2],
      // Fixed codes: a copy of length 3 from distance 1 with nothing written yet.
      "distance before the start": [0x03, 0x02, 0x00],
      // Fixed codes: literal/length code 286, which no length has.
      "length code 286": [0x1b, 0x03],
      // Dynamic block whose code-length code gives four symbols length 1 (over-subscribed).
      "over-subscribed code lengths": [0x05, 0x00, 0x92, 0x04],
      "a stored block followed by other bytes": [0x01, 0x00, 0x00, 0xff, 0xff, 0x00],
      "no final block": [0x00, 0x00, 0x00, 0xff, 0xff],
    };
    for (const [name, bytes] of Object.entries(cases)) {
      expect(inflateRaw(Uint8Array.from(bytes), 1000), name).toBeUndefined();
    }
    expect(inflateRaw(Uint8Array.from([0x01, 0x02, 0x00, 0xfd, 0xff, 7, 8]), 1000)).toEqual(Uint8Array.from([7, 8]));
  });

  it("refuses an incomplete literal/length code, as zlib does, and reads the same block once the code is complete", () => {
    // One dynamic block: "a" (literal 97, code 0) then end-of-block (256, code 10); `withB` gives 98 a code too
    // (10, so end-of-block becomes 11).
    const block = (withB: boolean) => {
      const writer = new BitWriter();
      writer.bits(1, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(14, 4);
      // Code-length code: 0, 1, 2 and 18 with two bits each (00, 01, 10, 11), listed in RFC 1951's order.
      for (const symbol of [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1])
        writer.bits([0, 1, 2, 18].includes(symbol) ? 2 : 0, 3);
      const zeros = (count: number) => writer.code(0b11, 2).bits(count - 11, 7);
      zeros(86);
      zeros(11); // literals 0-96: no code
      writer.code(0b01, 2); // 97: length 1
      writer.code(withB ? 0b10 : 0b00, 2); // 98: length 2, or no code
      zeros(138);
      zeros(19); // 99-255: no code
      writer.code(0b10, 2); // 256: length 2
      writer.code(0b00, 2); // the one distance code: none
      return writer
        .code(0b0, 1)
        .code(withB ? 0b11 : 0b10, 2)
        .bytes();
    };
    expect(inflateRawSync(block(true)).toString()).toBe("a");
    expect(new TextDecoder().decode(inflateRaw(block(true), 10))).toBe("a");
    expect(() => inflateRawSync(block(false))).toThrow(/invalid literal\/lengths set/);
    expect(inflateRaw(block(false), 10)).toBeUndefined();
  });

  it("never throws on corrupted streams, reads none that zlib refuses, and agrees with zlib on the rest", () => {
    const sources = [deflate(data), deflate(data, { strategy: constants.Z_FIXED }), deflate(data, { level: 0 })];
    let refused = 0;
    let oursOnly = 0;
    for (let i = 0; i < 3000; i++) {
      const corrupted = Uint8Array.from(sources[i % sources.length]!);
      for (let flips = 1 + (i % 3); flips > 0; flips--) {
        // Half of them in the first bytes, where a dynamic block's code lengths are.
        const span = i % 2 === 0 ? Math.min(corrupted.length, 48) : corrupted.length;
        corrupted[Math.floor(Math.random() * span)]! ^= 1 << Math.floor(Math.random() * 8);
      }
      const ours = inflateRaw(corrupted, 64 * 1024);
      let theirs: Uint8Array | undefined;
      try {
        theirs = new Uint8Array(inflateRawSync(corrupted, { maxOutputLength: 64 * 1024 }));
      } catch {
        theirs = undefined;
      }
      if (ours === undefined) refused++;
      else if (theirs !== undefined) expect(same(ours, theirs), `corruption ${i}`).toBe(true);
      else oursOnly++;
    }
    expect(refused).toBeGreaterThan(100);
    // Nothing zlib refuses is read (it reads trailing bytes this decoder refuses, the reverse is allowed).
    expect(oursOnly).toBe(0);
  });

  it("returns within bounded time on random bytes", () => {
    const started = performance.now();
    for (let i = 0; i < 5000; i++) inflateRaw(new Uint8Array(randomBytes(1 + (i % 300))), 16 * 1024);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("inflateBase64Url", () => {
  it("reads base64url deflate-raw text back, and refuses bad base64url, bad UTF-8 and text over the cap", () => {
    const text = JSON.stringify({ c: { sub: "ada", name: "Åda Lövelace", groups } });
    const encoded = deflateRawSync(text).toString("base64url");
    expect(inflateBase64Url(encoded, 16 * 1024)).toBe(text);
    expect(inflateBase64Url(encoded, Buffer.byteLength(text) - 1)).toBeUndefined();
    expect(inflateBase64Url(`${encoded}!`, 16 * 1024)).toBeUndefined();
    expect(inflateBase64Url(deflateRawSync(Buffer.from([0xc3, 0x28])).toString("base64url"), 100)).toBeUndefined();
  });
});
