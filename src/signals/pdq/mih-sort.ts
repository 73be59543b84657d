/**
 * Radix sorts used to build segments. At 10M entries, random access into a 32 MiB histogram or a
 * scatter through per-key cursors costs a cache and TLB miss per entry; two passes over 11-12 bit
 * digits write a few thousand sequential streams instead and run several times faster.
 */

/** Offsets are stored as a Uint32 every 2^shift keys plus a Uint8 per key; this bounds the shift. */
export const MAX_BLOCK_SHIFT = 7;

/** CSR offsets of one table: offset(x) = base[x >>> shift] + rel[x], for x in 0..2^width. */
export interface CompressedOffsets {
  readonly base: Uint32Array;
  readonly rel: Uint8Array;
  readonly shift: number;
}

export function sharedU32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}

export function sharedU8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

export function sharedF64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

/** Exclusive prefix sums in place. */
function prefix(counts: Uint32Array): void {
  let sum = 0;
  for (let d = 0; d < counts.length; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
}

/**
 * Stable sort of 0..count-1 by `keys` (each < 2^width) into `order`, returning the compressed CSR
 * offsets of the sorted keys. `keys` is overwritten with the sorted keys; `spareKeys` and
 * `spareOrder` are scratch of length >= count.
 */
export function sortByKey(
  keys: Uint32Array,
  count: number,
  width: number,
  order: Uint32Array,
  spareKeys: Uint32Array,
  spareOrder: Uint32Array,
): CompressedOffsets {
  const lowBits = width >>> 1;
  const lowMask = (1 << lowBits) - 1;
  const low = new Uint32Array(1 << lowBits);
  const high = new Uint32Array(1 << (width - lowBits));
  const shift = Math.min(MAX_BLOCK_SHIFT, width);
  const blocks = new Uint32Array(2 ** (width - shift));
  for (let i = 0; i < count; i++) {
    const k = keys[i]!;
    low[k & lowMask]!++;
    high[k >>> lowBits]!++;
    blocks[k >>> shift]!++;
  }
  prefix(low);
  prefix(high);
  for (let i = 0; i < count; i++) {
    const k = keys[i]!;
    const to = low[k & lowMask]!++;
    spareKeys[to] = k;
    spareOrder[to] = i;
  }
  for (let i = 0; i < count; i++) {
    const k = spareKeys[i]!;
    const to = high[k >>> lowBits]!++;
    keys[to] = k;
    order[to] = spareOrder[i]!;
  }
  // A block of more than 255 entries cannot use byte offsets at this shift (skewed data): rare, so
  // the slower exact search for a smaller shift is fine there.
  const fits = blocks.every((c) => c <= 255);
  return offsetsOfSorted(keys, count, width, fits ? shift : fittingShift(keys, count, width, shift - 1));
}

/** The largest shift below `from` at which every block of sorted keys holds at most 255 entries. */
function fittingShift(sorted: Uint32Array, count: number, width: number, from: number): number {
  for (let shift = from; shift > 0; shift--) {
    let ok = true;
    let blockStart = 0;
    for (let p = 1; p < count && ok; p++) {
      if (sorted[p]! >>> shift !== sorted[blockStart]! >>> shift) {
        blockStart = p;
      }
      ok = p - blockStart < 255;
    }
    if (ok) {
      return shift;
    }
  }
  return 0;
}

/** One sequential walk over the sorted keys and the key space; shift 0 always fits (every rel is 0). */
function offsetsOfSorted(
  sorted: Uint32Array,
  count: number,
  width: number,
  shift: number,
): CompressedOffsets {
  const buckets = 2 ** width;
  const base = sharedU32(buckets / 2 ** shift + 1);
  const rel = sharedU8(buckets + 1);
  const mask = (1 << shift) - 1;
  let x = 0;
  const fill = (upTo: number, offset: number): void => {
    for (; x <= upTo; x++) {
      if ((x & mask) === 0) {
        base[x >>> shift] = offset;
      }
      rel[x] = offset - base[x >>> shift]!;
    }
  };
  for (let p = 0; p < count; p++) {
    fill(sorted[p]!, p);
  }
  fill(buckets, count);
  return { base, rel, shift };
}

/**
 * Stable LSD radix sort of `values` by the ids alongside them (16 bits per pass, skipping digits
 * that are the same everywhere). Returns the values and ids in ascending id order.
 */
export function sortByIds(
  ids: Float64Array,
  values: Uint32Array,
): { values: Uint32Array; ids: Float64Array } {
  const n = values.length;
  let val = values.slice();
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    lo[i] = ids[i]! >>> 0;
    hi[i] = Math.floor(ids[i]! / 2 ** 32);
  }
  let val2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const shift = (pass & 1) * 16;
    const digits = pass < 2 ? lo : hi;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      counts[(digits[i]! >>> shift) & 0xffff]!++;
    }
    if (n === 0 || counts.includes(n)) {
      continue;
    }
    prefix(counts);
    for (let i = 0; i < n; i++) {
      const to = counts[(digits[i]! >>> shift) & 0xffff]!++;
      val2[to] = val[i]!;
      lo2[to] = lo[i]!;
      hi2[to] = hi[i]!;
    }
    [val, val2, lo, lo2, hi, hi2] = [val2, val, lo2, lo, hi2, hi];
  }
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sorted[i] = hi[i]! * 2 ** 32 + lo[i]!;
  }
  return { values: val, ids: sorted };
}
