/**
 * Bulk construction of immutable MIH segments, linear in the number of hashes plus 2^width per
 * table. The big arrays are allocated on SharedArrayBuffers so worker threads can query them.
 */
import { HASH_WORDS, isDead } from '#haven/signals/pdq/hamming.js';
import { chooseLayout, substringKey, type MihLayout } from '#haven/signals/pdq/mih-params.js';
import { MihSegment, type SegmentData } from '#haven/signals/pdq/mih-segment.js';
import {
  sharedF64,
  sharedU32,
  sharedU8,
  sortByIds,
  sortByKey,
  type CompressedOffsets,
} from '#haven/signals/pdq/mih-sort.js';

export { sharedF64, sharedU32 } from '#haven/signals/pdq/mih-sort.js';

/** Positions are shifted left by 3 into word offsets in the query loop, which must stay in int32. */
export const MAX_SEGMENT_SIZE = 2 ** 28;

/**
 * Builds a segment over `count` hashes (8 words each) with the given ids. Table 0's order becomes
 * the storage order, so its buckets are ranges of positions and it needs no postings. Ids may
 * repeat: the last occurrence wins and the others are stored dead.
 */
export function buildSegment(
  ids: Float64Array,
  words: Uint32Array,
  count: number,
  layout: MihLayout,
): MihSegment {
  const m = layout.widths.length;
  const keys = new Uint32Array(count);
  const spareKeys = new Uint32Array(count);
  const spareOrder = new Uint32Array(count);
  const tables: CompressedOffsets[] = [];
  const postings: Uint32Array[] = [];
  // order[position] = input index
  const order = new Uint32Array(count);
  if (m === 0) {
    order.forEach((_, i) => (order[i] = i));
  } else {
    for (let i = 0; i < count; i++) {
      keys[i] = substringKey(words, i * HASH_WORDS, layout.starts[0]!, layout.widths[0]!);
    }
    tables.push(sortByKey(keys, count, layout.widths[0]!, order, spareKeys, spareOrder));
    postings.push(sharedU32(0));
  }
  // Scatter in input order: sequential reads, and stores that do not stall on their misses.
  const positionOf = spareOrder;
  for (let p = 0; p < count; p++) {
    positionOf[order[p]!] = p;
  }
  const hashes = sharedU32(count * HASH_WORDS);
  const storedIds = sharedF64(count);
  for (let i = 0; i < count; i++) {
    const to = positionOf[i]! * HASH_WORDS;
    const from = i * HASH_WORDS;
    for (let w = 0; w < HASH_WORDS; w++) {
      hashes[to + w] = words[from + w]!;
    }
    storedIds[positionOf[i]!] = ids[i]!;
  }
  const directory = idDirectory(ids, positionOf.subarray(0, count), count);
  for (let t = 1; t < m; t++) {
    for (let p = 0; p < count; p++) {
      keys[p] = substringKey(hashes, p * HASH_WORDS, layout.starts[t]!, layout.widths[t]!);
    }
    const list = sharedU32(count);
    tables.push(sortByKey(keys, count, layout.widths[t]!, list, spareKeys, spareOrder));
    postings.push(list);
  }
  const data: SegmentData = {
    count,
    layout,
    shifts: tables.map((table) => table.shift),
    hashes,
    ids: storedIds,
    byId: directory.byId,
    dead: directory.dead,
    bases: tables.map((table) => table.base),
    rels: tables.map((table) => table.rel),
    postings,
  };
  return new MihSegment(data, directory.deadCount);
}

/** Positions sorted by id, one per id: the last one given wins and earlier repeats are marked dead. */
function idDirectory(
  ids: Float64Array,
  positionOf: Uint32Array,
  count: number,
): { byId: Uint32Array; dead: Uint8Array; deadCount: number } {
  const sorted = sortByIds(ids.subarray(0, count), positionOf);
  const dead = sharedU8(Math.ceil(count / 8));
  const positions = sorted.values;
  let unique = 0;
  for (let i = 0; i < count; i++) {
    const p = positions[i]!;
    if (i + 1 < count && sorted.ids[i + 1] === sorted.ids[i]) {
      dead[p >>> 3]! |= 1 << (p & 7);
    } else {
      positions[unique++] = p;
    }
  }
  const byId = sharedU32(unique);
  byId.set(positions.subarray(0, unique));
  return { byId, dead, deadCount: count - unique };
}

/** A new segment with the live entries of `segments` and the buffered hashes, or null if none. */
export function mergeSegments(
  segments: readonly (MihSegment | null)[],
  buffer: { readonly ids: Float64Array; readonly words: Uint32Array } | null,
): MihSegment | null {
  let count = buffer?.ids.length ?? 0;
  for (const segment of segments) {
    count += segment?.alive ?? 0;
  }
  if (count === 0) {
    return null;
  }
  const ids = new Float64Array(count);
  const words = new Uint32Array(count * HASH_WORDS);
  let n = 0;
  for (const segment of segments) {
    const d = segment?.data;
    for (let p = 0; d !== undefined && p < d.count; p++) {
      if (!isDead(d.dead, p)) {
        ids[n] = d.ids[p]!;
        for (let w = 0; w < HASH_WORDS; w++) {
          words[n * HASH_WORDS + w] = d.hashes[p * HASH_WORDS + w]!;
        }
        n++;
      }
    }
  }
  if (buffer !== null) {
    ids.set(buffer.ids, n);
    words.set(buffer.words.subarray(0, buffer.ids.length * HASH_WORDS), n * HASH_WORDS);
  }
  return buildSegment(ids, words, count, chooseLayout(count));
}
