/** Set bits in a 32-bit word (SWAR popcount). */
export function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Hamming distance between descriptor `i` of `a` and descriptor `j` of `b` (8 words each). */
export function descriptorDistance(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  const p = i * 8;
  const q = j * 8;
  return (
    popcount32(a[p]! ^ b[q]!) +
    popcount32(a[p + 1]! ^ b[q + 1]!) +
    popcount32(a[p + 2]! ^ b[q + 2]!) +
    popcount32(a[p + 3]! ^ b[q + 3]!) +
    popcount32(a[p + 4]! ^ b[q + 4]!) +
    popcount32(a[p + 5]! ^ b[q + 5]!) +
    popcount32(a[p + 6]! ^ b[q + 6]!) +
    popcount32(a[p + 7]! ^ b[q + 7]!)
  );
}

/**
 * `descriptorDistance`, or any value of at least `bound` once the first half of the bits already
 * reaches it: a nearest-neighbour search only needs distances below its current second best, and
 * most candidate descriptors are ruled out after four words.
 */
export function descriptorDistanceBelow(
  a: Uint32Array,
  i: number,
  b: Uint32Array,
  j: number,
  bound: number,
): number {
  const p = i * 8;
  const q = j * 8;
  const half =
    popcount32(a[p]! ^ b[q]!) +
    popcount32(a[p + 1]! ^ b[q + 1]!) +
    popcount32(a[p + 2]! ^ b[q + 2]!) +
    popcount32(a[p + 3]! ^ b[q + 3]!);
  if (half >= bound) {
    return half;
  }
  return (
    half +
    popcount32(a[p + 4]! ^ b[q + 4]!) +
    popcount32(a[p + 5]! ^ b[q + 5]!) +
    popcount32(a[p + 6]! ^ b[q + 6]!) +
    popcount32(a[p + 7]! ^ b[q + 7]!)
  );
}

/** A word-aligned copy of descriptors (the byte array may start at any offset). */
export function descriptorWords(descriptors: Uint8Array): Uint32Array {
  const copy = new Uint8Array(descriptors.length - (descriptors.length % 32));
  copy.set(descriptors.subarray(0, copy.length));
  return new Uint32Array(copy.buffer);
}
