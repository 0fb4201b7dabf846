/**
 * Raw DEFLATE (RFC 1951) decoding in plain TypeScript: no dependency, no stream and no Node API, so the edge
 * middleware can read a compressed identity (Next refuses `DecompressionStream` in middleware builds, and its sandbox
 * stubs it with a function that throws).
 *
 * The algorithm is that of tiny-inflate (MIT License, Copyright (c) 2015-present Devon Govett), itself a port of
 * Jørgen Ibsen's tinf (zlib License). Unlike it, this decoder is hardened for input an attacker may shape: the output
 * is capped, every read is bounds-checked, and any malformed stream (over-subscribed or incomplete codes, a distance
 * before the start, a bad stored length, trailing bytes, a truncation) gives `undefined`. Every step consumes input
 * or produces capped output, so no input loops forever.
 */

/** A canonical Huffman code: how many codes have each length, and the symbols sorted by code. */
interface HuffmanTree {
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
}

class MalformedDeflate extends Error {
  override readonly name = "MalformedDeflate";
}

const MAX_CODE_LENGTH = 15;
const END_OF_BLOCK = 256;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** The order in which a dynamic block lists the code lengths of its code-length code. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** LSB-first bit reader over the input; reading past its end is a truncation. */
class BitReader {
  private position = 0;
  private buffer = 0;
  private available = 0;

  constructor(private readonly input: Uint8Array) {}

  bits(count: number): number {
    while (this.available < count) {
      if (this.position >= this.input.length) throw new MalformedDeflate("truncated");
      this.buffer |= this.input[this.position++]! << this.available;
      this.available += 8;
    }
    const value = this.buffer & ((1 << count) - 1);
    this.buffer >>>= count;
    this.available -= count;
    return value;
  }

  /** Drops the bits left in the current byte (at most 7: `bits` never holds a whole unread byte) and returns `length` bytes. */
  alignedBytes(length: number): Uint8Array {
    this.buffer = 0;
    this.available = 0;
    if (this.position + length > this.input.length) throw new MalformedDeflate("truncated");
    const bytes = this.input.subarray(this.position, this.position + length);
    this.position += length;
    return bytes;
  }

  /** Whether the input ends within the current byte (the padding after the last block). */
  get atEnd(): boolean {
    return this.position === this.input.length;
  }

  decode(tree: HuffmanTree): number {
    // Canonical decoding: `first` is the first code of the current length, `index` the first symbol's position.
    let code = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length <= MAX_CODE_LENGTH; length++) {
      code |= this.bits(1);
      const count = tree.counts[length]!;
      if (code - first < count) return tree.symbols[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new MalformedDeflate("no such code");
  }
}

/** Output that refuses to grow past `maxBytes`. */
class CappedOutput {
  private bytes: Uint8Array;
  length = 0;

  constructor(private readonly maxBytes: number) {
    this.bytes = new Uint8Array(Math.min(maxBytes, 4096));
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed > this.maxBytes) throw new MalformedDeflate("over the cap");
    if (needed <= this.bytes.length) return;
    const grown = new Uint8Array(Math.min(this.maxBytes, Math.max(needed, this.bytes.length * 2)));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  push(byte: number): void {
    this.reserve(1);
    this.bytes[this.length++] = byte;
  }

  append(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** Copies `length` bytes from `distance` back; the ranges may overlap (a run), so byte by byte. */
  repeat(distance: number, length: number): void {
    if (distance > this.length) throw new MalformedDeflate("distance before the start");
    this.reserve(length);
    for (let i = 0; i < length; i++, this.length++) this.bytes[this.length] = this.bytes[this.length - distance]!;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * The canonical code of `lengths`. As zlib, it refuses an over-subscribed set, and an incomplete one unless it is a
 * single one-bit code of literals or distances (an empty set is accepted: reading from it fails).
 */
function huffmanTree(lengths: ArrayLike<number>, isCodeLengthCode = false): HuffmanTree {
  const counts = new Uint16Array(MAX_CODE_LENGTH + 1);
  for (let symbol = 0; symbol < lengths.length; symbol++) counts[lengths[symbol]!]!++;
  counts[0] = 0;
  let left = 1;
  let longest = 0;
  for (let length = 1; length <= MAX_CODE_LENGTH; length++) {
    left = (left << 1) - counts[length]!;
    if (left < 0) throw new MalformedDeflate("over-subscribed code");
    if (counts[length] !== 0) longest = length;
  }
  if (left > 0 && longest > 0 && (isCodeLengthCode || longest > 1)) throw new MalformedDeflate("incomplete code");
  const offsets = new Uint16Array(MAX_CODE_LENGTH + 1);
  for (let length = 1; length < MAX_CODE_LENGTH; length++) offsets[length + 1] = offsets[length]! + counts[length]!;
  const symbols = new Uint16Array(lengths.length);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol]!;
    if (length !== 0) symbols[offsets[length]!++] = symbol;
  }
  return { counts, symbols };
}

let fixedTrees: { literals: HuffmanTree; distances: HuffmanTree } | undefined;

function fixedCodes(): { literals: HuffmanTree; distances: HuffmanTree } {
  if (fixedTrees) return fixedTrees;
  const literals = new Uint8Array(288);
  literals.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
  fixedTrees = { literals: huffmanTree(literals), distances: huffmanTree(new Uint8Array(32).fill(5)) };
  return fixedTrees;
}

function dynamicCodes(reader: BitReader): { literals: HuffmanTree; distances: HuffmanTree } {
  const literalCount = reader.bits(5) + 257;
  const distanceCount = reader.bits(5) + 1;
  const codeLengthCount = reader.bits(4) + 4;
  if (literalCount > 286 || distanceCount > 30) throw new MalformedDeflate("too many codes");
  const codeLengthLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCount; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]!] = reader.bits(3);
  const codeLengthTree = huffmanTree(codeLengthLengths, true);

  const lengths = new Uint8Array(literalCount + distanceCount);
  for (let i = 0; i < lengths.length;) {
    const symbol = reader.decode(codeLengthTree);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    if (symbol === 16 && i === 0) throw new MalformedDeflate("repeat with no previous length");
    const value = symbol === 16 ? lengths[i - 1]! : 0;
    const times = symbol === 16 ? 3 + reader.bits(2) : symbol === 17 ? 3 + reader.bits(3) : 11 + reader.bits(7);
    if (i + times > lengths.length) throw new MalformedDeflate("lengths overflow");
    lengths.fill(value, i, i + times);
    i += times;
  }
  if (lengths[END_OF_BLOCK] === 0) throw new MalformedDeflate("no end-of-block code");
  return {
    literals: huffmanTree(lengths.subarray(0, literalCount)),
    distances: huffmanTree(lengths.subarray(literalCount)),
  };
}

function inflateBlock(
  reader: BitReader,
  output: CappedOutput,
  { literals, distances }: { literals: HuffmanTree; distances: HuffmanTree },
): void {
  for (;;) {
    const symbol = reader.decode(literals);
    if (symbol < END_OF_BLOCK) {
      output.push(symbol);
      continue;
    }
    if (symbol === END_OF_BLOCK) return;
    const lengthCode = symbol - 257;
    if (lengthCode >= LENGTH_BASE.length) throw new MalformedDeflate("bad length code");
    const length = LENGTH_BASE[lengthCode]! + reader.bits(LENGTH_EXTRA[lengthCode]!);
    const distanceCode = reader.decode(distances);
    if (distanceCode >= DISTANCE_BASE.length) throw new MalformedDeflate("bad distance code");
    output.repeat(DISTANCE_BASE[distanceCode]! + reader.bits(DISTANCE_EXTRA[distanceCode]!), length);
  }
}

function storedBlock(reader: BitReader, output: CappedOutput): void {
  const header = reader.alignedBytes(4);
  const length = header[0]! | (header[1]! << 8);
  const complement = header[2]! | (header[3]! << 8);
  if (length !== (~complement & 0xffff)) throw new MalformedDeflate("bad stored length");
  output.append(reader.alignedBytes(length));
}

/**
 * The bytes that raw DEFLATE `input` inflates to, or `undefined` when it is malformed, truncated, followed by other
 * bytes, or inflates to more than `maxBytes` (decoding stops there). Never throws.
 */
export function inflateRaw(input: Uint8Array, maxBytes: number): Uint8Array | undefined {
  try {
    const reader = new BitReader(input);
    const output = new CappedOutput(Math.max(0, Math.floor(maxBytes)));
    for (let last = false; !last;) {
      last = reader.bits(1) === 1;
      const type = reader.bits(2);
      if (type === 0) storedBlock(reader, output);
      else if (type === 1) inflateBlock(reader, output, fixedCodes());
      else if (type === 2) inflateBlock(reader, output, dynamicCodes(reader));
      else throw new MalformedDeflate("reserved block type");
    }
    return reader.atEnd ? output.result() : undefined;
  } catch {
    return undefined;
  }
}
