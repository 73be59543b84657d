/**
 * Hamming-distance helpers shared by the PDQ indexes. A hash is held as 8 unsigned 32-bit words,
 * word i being bytes 4i..4i+3 read big-endian; any fixed word order gives the same distance, and
 * this one keeps word 0 = bits 255..224 so debugging output matches the hex form.
 */
import { havenError } from '#haven/platform/errors/haven-error.js';

export const HASH_BYTES = 32;
export const HASH_WORDS = 8;
export const MAX_DISTANCE = 256;

/** JS has no popcount intrinsic; the SWAR form is branch-free and stays in int32 registers. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

export function assertHash(value: Uint8Array): void {
  if (value.length !== HASH_BYTES) {
    throw havenError('INVALID_HASH', {
      signal: 'pdq',
      reason: `expected ${HASH_BYTES} bytes, got ${value.length}`,
    });
  }
}

/** Ids are database row ids: positive safe integers. */
export function assertId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `index ids must be positive integers below 2^53, got ${id}`,
    });
  }
}

export function hashToWords(
  bytes: Uint8Array,
  byteOffset: number,
  out: Uint32Array,
  wordOffset: number,
): void {
  for (let w = 0; w < HASH_WORDS; w++) {
    const b = byteOffset + 4 * w;
    out[wordOffset + w] =
      ((bytes[b]! << 24) | (bytes[b + 1]! << 16) | (bytes[b + 2]! << 8) | bytes[b + 3]!) >>> 0;
  }
}

export function wordsToHash(words: Uint32Array, wordOffset: number): Uint8Array {
  const out = new Uint8Array(HASH_BYTES);
  for (let w = 0; w < HASH_WORDS; w++) {
    const v = words[wordOffset + w]!;
    out[4 * w] = v >>> 24;
    out[4 * w + 1] = (v >>> 16) & 0xff;
    out[4 * w + 2] = (v >>> 8) & 0xff;
    out[4 * w + 3] = v & 0xff;
  }
  return out;
}

/** Converts N concatenated 32-byte hashes into 8N words. */
export function hashesToWords(hashes: Uint8Array, count: number): Uint32Array {
  const words = new Uint32Array(count * HASH_WORDS);
  for (let i = 0; i < count; i++) {
    hashToWords(hashes, i * HASH_BYTES, words, i * HASH_WORDS);
  }
  return words;
}

export function hammingWords(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  let d = 0;
  for (let w = 0; w < HASH_WORDS; w++) {
    d += popcount32(a[ai + w]! ^ b[bi + w]!);
  }
  return d;
}

/** Positions and distances found by one scan; reused across queries to avoid allocation. */
export class HitSink {
  positions = new Uint32Array(64);
  distances = new Uint16Array(64);
  count = 0;

  push(position: number, distance: number): void {
    if (this.count === this.positions.length) {
      const positions = new Uint32Array(this.count * 2);
      positions.set(this.positions);
      this.positions = positions;
      const distances = new Uint16Array(this.count * 2);
      distances.set(this.distances);
      this.distances = distances;
    }
    this.positions[this.count] = position;
    this.distances[this.count] = distance;
    this.count++;
  }
}

export function isDead(dead: Uint8Array | null, position: number): boolean {
  return dead !== null && (dead[position >>> 3]! & (1 << (position & 7))) !== 0;
}

/**
 * Linear scan of `count` hashes. The first test covers 96 bits, which rejects nearly every random
 * hash at radius 31 with a predictable branch; testing after fewer bits would be a coin flip for
 * the branch predictor and cost more than the popcounts it saves.
 */
export function scanWords(
  words: Uint32Array,
  count: number,
  q: Uint32Array,
  maxDistance: number,
  dead: Uint8Array | null,
  sink: HitSink,
): void {
  const q0 = q[0]!;
  const q1 = q[1]!;
  const q2 = q[2]!;
  const end = count * HASH_WORDS;
  for (let b = 0; b < end; b += HASH_WORDS) {
    let d = popcount32(words[b]! ^ q0) + popcount32(words[b + 1]! ^ q1) + popcount32(words[b + 2]! ^ q2);
    if (d > maxDistance) {
      continue;
    }
    d +=
      popcount32(words[b + 3]! ^ q[3]!) +
      popcount32(words[b + 4]! ^ q[4]!) +
      popcount32(words[b + 5]! ^ q[5]!) +
      popcount32(words[b + 6]! ^ q[6]!) +
      popcount32(words[b + 7]! ^ q[7]!);
    if (d <= maxDistance && !isDead(dead, b >>> 3)) {
      sink.push(b >>> 3, d);
    }
  }
}
