/**
 * Multi-index hashing parameters (Norouzi, Punjani and Fleet, "Fast exact search in Hamming space
 * with multi-index hashing"): the 256 bits are cut into m disjoint substrings, one direct-addressed
 * table each, and a radius query probes every key near the query's substring in each table.
 */
import { HASH_WORDS } from '#haven/signals/pdq/hamming.js';

/** One table per substring, in probe-priority order (see tableRadii). Bits past the last are not indexed. */
export interface MihLayout {
  /** Bit offset of each substring; bit p is bit (p & 31) of word (p >>> 5). */
  readonly starts: readonly number[];
  readonly widths: readonly number[];
}

export const MAX_TABLES = 64;
/** A table's offsets cost about 2^width bytes; 26 bits (64 MiB each) is far beyond any useful size. */
export const MAX_TABLE_BITS = 26;
export const SCAN_LAYOUT: MihLayout = { starts: [], widths: [] };

/**
 * Rough costs in ns, measured on a 2-core Xeon VM at 10M hashes: a probe and a postings range are
 * each about one cache miss, a candidate is a miss into the hash array plus the popcounts, and a
 * linear scan reads a hash every 8-25 ns (popcounts in JS, then memory bandwidth). Only their
 * ratios matter for the choices below.
 */
const PROBE_NS = 25;
const RANGE_NS = 25;
const CANDIDATE_NS = 45;
const SCAN_NS = 10;
/** Bytes per hash that do not depend on the tables: 8 words, a Float64 id, the id directory, a tombstone bit. */
const FIXED_BYTES = 32 + 8 + 4 + 1 / 8;
/** Each table after the first holds a Uint32 position per hash. */
const POSTING_BYTES = 4;
/** Offsets cost a byte per key plus a Uint32 per 128 keys. */
const OFFSET_BYTES_PER_KEY = 1 + 4 / 128;
/**
 * The memory target is 100 bytes per hash; segments aim 1 byte lower to leave room for the index's
 * unindexed buffer. Small indexes may use up to SMALL_INDEX_BYTES to favour speed.
 */
const BYTES_PER_HASH = 99;
const SMALL_INDEX_BYTES = 16 << 20;
const MAX_PROBES_PER_TABLE = 1 << 20;
/** The radius the layout is tuned for: PDQ's recommended match threshold. */
const DESIGN_RADIUS = 31;
const MIN_INDEXED = 2048;

/**
 * Pigeonhole rule with Norouzi's refinement: with r' = floor(r/m) and a = r - m r', a hash within r
 * of the query is within r' on one of the first a+1 substrings or within r'-1 on one of the others,
 * because otherwise the distance would be at least (a+1)(r'+1) + (m-a-1)r' = r+1. A radius of -1
 * means the table is not probed at all.
 */
export function tableRadii(tables: number, radius: number): Int32Array {
  const radii = new Int32Array(tables);
  const base = Math.floor(radius / tables);
  const extra = radius - tables * base;
  for (let t = 0; t < tables; t++) {
    radii[t] = t <= extra ? base : base - 1;
  }
  return radii;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) {
    c = (c * (n - i)) / (i + 1);
  }
  return Math.round(c);
}

/** Keys within Hamming distance `radius` of a `width`-bit key. */
export function probeCount(width: number, radius: number): number {
  let total = 0;
  for (let k = 0; k <= Math.min(radius, width); k++) {
    total += binomial(width, k);
  }
  return total;
}

export function scanCost(count: number): number {
  return count * SCAN_NS;
}

/** Expected query cost in ns for uniformly random hashes; Infinity when probing would be absurd. */
export function estimateCost(layout: MihLayout, count: number, radius: number): number {
  const m = layout.widths.length;
  if (m === 0) {
    return scanCost(count);
  }
  const radii = tableRadii(m, radius);
  let cost = 0;
  for (let t = 0; t < m; t++) {
    const r = radii[t]!;
    if (r < 0) {
      continue;
    }
    const width = layout.widths[t]!;
    const probes = probeCount(width, r);
    if (probes > MAX_PROBES_PER_TABLE) {
      return Infinity;
    }
    const perBucket = count / 2 ** width;
    const ranges = t === 0 ? 0 : probes * (1 - Math.exp(-perBucket));
    cost += probes * PROBE_NS + ranges * RANGE_NS + probes * perBucket * CANDIDATE_NS;
  }
  return cost;
}

function layoutFromWidths(widths: readonly number[]): MihLayout {
  const starts: number[] = [];
  let bit = 0;
  for (const width of widths) {
    starts.push(bit);
    bit += width;
  }
  return { starts, widths: [...widths] };
}

/** Estimated bytes of a segment of `count` hashes with the given table widths. */
export function estimateBytes(widths: readonly number[], count: number): number {
  let bytes = count * (FIXED_BYTES + POSTING_BYTES * Math.max(0, widths.length - 1));
  for (const width of widths) {
    bytes += 2 ** width * OFFSET_BYTES_PER_KEY;
  }
  return bytes;
}

/**
 * Picks the layout with the lowest estimated cost at radius 31 for `count` hashes within the
 * memory target. Small sets are scanned: probing costs more than reading a few thousand hashes.
 */
export function chooseLayout(count: number): MihLayout {
  if (count < MIN_INDEXED) {
    return SCAN_LAYOUT;
  }
  const allowance = Math.max(BYTES_PER_HASH * count, SMALL_INDEX_BYTES);
  let best = SCAN_LAYOUT;
  let bestCost = scanCost(count);
  for (let m = 8; m <= 24; m++) {
    let narrow = Math.min(MAX_TABLE_BITS, Math.floor(256 / m));
    let wider = 256 - m * narrow;
    const widthsOf = (): number[] => Array.from({ length: m }, (_, t) => (t < wider ? narrow + 1 : narrow));
    while (narrow > 1 && estimateBytes(widthsOf(), count) > allowance) {
      if (wider > 0) {
        wider--;
      } else {
        narrow--;
      }
    }
    const widths = widthsOf();
    if (estimateBytes(widths, count) > allowance) {
      continue;
    }
    for (const order of [widths, [...widths].reverse()]) {
      const layout = layoutFromWidths(order);
      const cost = estimateCost(layout, count, DESIGN_RADIUS);
      if (cost < bestCost) {
        best = layout;
        bestCost = cost;
      }
    }
  }
  return best;
}

/** Checks a layout read from outside: disjoint substrings inside the hash, sane widths. */
export function isValidLayout(layout: MihLayout): boolean {
  const m = layout.widths.length;
  if (m > MAX_TABLES || layout.starts.length !== m) {
    return false;
  }
  const used = new Uint8Array(HASH_WORDS * 32);
  for (let t = 0; t < m; t++) {
    const start = layout.starts[t]!;
    const width = layout.widths[t]!;
    if (!Number.isInteger(start) || !Number.isInteger(width) || width < 1 || width > MAX_TABLE_BITS) {
      return false;
    }
    if (start < 0 || start + width > used.length) {
      return false;
    }
    for (let b = start; b < start + width; b++) {
      if (used[b] === 1) {
        return false;
      }
      used[b] = 1;
    }
  }
  return true;
}

/** The `width`-bit substring at bit `start` of the hash at `words[base..base+8)`. */
export function substringKey(words: Uint32Array, base: number, start: number, width: number): number {
  const w = base + (start >>> 5);
  const shift = start & 31;
  let v = words[w]! >>> shift;
  if (shift + width > 32) {
    v |= words[w + 1]! << (32 - shift);
  }
  return v & ((1 << width) - 1);
}

const maskCache = new Map<number, Uint32Array>();

/** Every XOR mask of weight <= radius over `width` bits, lightest first. Cached: queries reuse them. */
export function probeMasks(width: number, radius: number): Uint32Array {
  const key = width * 1024 + radius;
  const cached = maskCache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const masks = new Uint32Array(probeCount(width, radius));
  let n = 0;
  const extend = (mask: number, from: number, left: number): void => {
    if (left === 0) {
      masks[n++] = mask;
      return;
    }
    for (let bit = from; bit < width; bit++) {
      extend(mask | (1 << bit), bit + 1, left - 1);
    }
  };
  for (let k = 0; k <= Math.min(radius, width); k++) {
    extend(0, 0, k);
  }
  maskCache.set(key, masks);
  return masks;
}
