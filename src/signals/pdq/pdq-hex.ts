/**
 * The canonical text form of a PDQ hash and its distance. The 32 hash bytes are exactly the bytes of
 * the 64-digit hex text (byte 0 = first two digits = bits 255..248), so text and bytes convert
 * without any reordering.
 */

import { havenError } from '#haven/platform/errors/haven-error.js';

const HASH_BYTES = 32;
const HEX_DIGITS = /^[0-9a-fA-F]{64}$/;

/** 64 lower-case hex digits. */
export function pdqToHex(bytes: Uint8Array): string {
  if (bytes.length !== HASH_BYTES) {
    throw havenError('INVALID_HASH', { signal: 'pdq', reason: `expected 32 bytes, got ${bytes.length}` });
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses 64 hex digits (either case, surrounding whitespace ignored) into the 32 hash bytes. */
export function pdqFromHex(text: string): Uint8Array {
  const trimmed = text.trim();
  if (!HEX_DIGITS.test(trimmed)) {
    throw havenError('INVALID_HASH', {
      signal: 'pdq',
      reason: `expected exactly 64 hex digits, got ${describeLength(trimmed)}`,
    });
  }
  return new Uint8Array(Buffer.from(trimmed, 'hex'));
}

/** Hamming distance (0 to 256) between two 32-byte hashes. */
export function pdqDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== HASH_BYTES || b.length !== HASH_BYTES) {
    throw havenError('INVALID_HASH', {
      signal: 'pdq',
      reason: `expected two 32-byte hashes, got ${a.length} and ${b.length} bytes`,
    });
  }
  let distance = 0;
  for (let i = 0; i < HASH_BYTES; i += 4) {
    // Words are assembled by hand: the inputs may be unaligned views, and byte order is irrelevant
    // to a popcount.
    const x =
      (a[i]! ^ b[i]!) |
      ((a[i + 1]! ^ b[i + 1]!) << 8) |
      ((a[i + 2]! ^ b[i + 2]!) << 16) |
      ((a[i + 3]! ^ b[i + 3]!) << 24);
    distance += popcount32(x);
  }
  return distance;
}

function popcount32(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function describeLength(text: string): string {
  return /^[0-9a-fA-F]*$/.test(text) ? `${text.length} digits` : 'non-hex characters';
}
