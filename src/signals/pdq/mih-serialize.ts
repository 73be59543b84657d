/**
 * Serialized form of PdqMultiIndex: the segments' arrays as they are in memory, so loading is a copy
 * plus linear validation rather than a rebuild. Besides the checksum, everything a query relies on
 * for memory safety and exactness is checked structurally: disjoint substrings, monotone offsets,
 * table 0 in key order, postings that are permutations, unique live ids.
 */
import { HASH_WORDS, isDead, popcount32 } from '#haven/signals/pdq/hamming.js';
import { MAX_SEGMENT_SIZE } from '#haven/signals/pdq/mih-build.js';
import { corrupt, IndexReader, IndexWriter, KIND_MULTI_INDEX } from '#haven/signals/pdq/mih-codec.js';
import { isValidLayout, MAX_TABLES, substringKey } from '#haven/signals/pdq/mih-params.js';
import type { SegmentData } from '#haven/signals/pdq/mih-segment.js';

export interface SegmentState {
  readonly data: SegmentData;
  readonly deadCount: number;
}

/** The unindexed tail of recent additions; ids.length hashes. */
export interface BufferState {
  readonly ids: Float64Array;
  readonly words: Uint32Array;
}

/** Everything a PdqMultiIndex holds; structured-cloneable, and shared by reference when on SharedArrayBuffers. */
export interface PdqIndexState {
  readonly base: SegmentState | null;
  readonly delta: SegmentState | null;
  readonly buffer: BufferState;
}

export function encodeState(state: PdqIndexState): Uint8Array {
  const w = new IndexWriter();
  w.u32((state.base === null ? 0 : 1) | (state.delta === null ? 0 : 2));
  for (const segment of [state.base, state.delta]) {
    if (segment !== null) {
      writeSegment(w, segment.data);
    }
  }
  w.u32(state.buffer.ids.length);
  w.array(state.buffer.ids);
  w.array(state.buffer.words);
  return w.finish(KIND_MULTI_INDEX);
}

function writeSegment(w: IndexWriter, d: SegmentData): void {
  const m = d.layout.widths.length;
  w.u32(d.count);
  w.u32(m);
  for (let t = 0; t < m; t++) {
    w.u32(d.layout.starts[t]!);
    w.u32(d.layout.widths[t]!);
    w.u32(d.shifts[t]!);
  }
  w.array(d.hashes);
  w.array(d.ids);
  w.u32(d.byId.length);
  w.array(d.byId);
  w.array(d.dead);
  for (let t = 0; t < m; t++) {
    w.array(d.bases[t]!);
    w.array(d.rels[t]!);
    w.array(d.postings[t]!);
  }
}

export function decodeState(bytes: Uint8Array): PdqIndexState {
  const r = IndexReader.open(bytes, KIND_MULTI_INDEX);
  const flags = r.u32();
  if (flags > 3) {
    throw corrupt(`unknown segment flags ${flags}`);
  }
  const base = (flags & 1) === 0 ? null : readSegment(r);
  const delta = (flags & 2) === 0 ? null : readSegment(r);
  const count = r.u32();
  const buffer: BufferState = { ids: r.f64Array(count), words: r.u32Array(count * HASH_WORDS) };
  r.end();
  checkIds(buffer.ids);
  // Each segment's directory is checked strictly increasing, so only the buffer can repeat itself;
  // across parts, ids are compared only where there is more than one non-empty part.
  const bufferIds = buffer.ids.slice().sort();
  const parts = [base, delta].filter((p) => p !== null && p.data.byId.length > 0).map((p) => p!.data);
  const lists = parts.length + (bufferIds.length > 0 ? 1 : 0) > 1 ? parts.map(liveIds) : [];
  if (bufferIds.length > 0) {
    lists.push(bufferIds);
  }
  if (bufferIds.some((v, i) => i > 0 && bufferIds[i - 1] === v)) {
    throw corrupt('an id is stored twice');
  }
  for (let a = 0; a < lists.length; a++) {
    for (let b = a + 1; b < lists.length; b++) {
      if (sharesId(lists[a]!, lists[b]!)) {
        throw corrupt('an id is stored twice');
      }
    }
  }
  return { base, delta, buffer };
}

function readSegment(r: IndexReader): SegmentState {
  const count = r.u32();
  const m = r.u32();
  if (count > MAX_SEGMENT_SIZE || m > MAX_TABLES) {
    throw corrupt(`implausible segment of ${count} hashes and ${m} tables`);
  }
  const starts: number[] = [];
  const widths: number[] = [];
  const shifts: number[] = [];
  for (let t = 0; t < m; t++) {
    starts.push(r.u32());
    widths.push(r.u32());
    shifts.push(r.u32());
  }
  const layout = { starts, widths };
  if (!isValidLayout(layout) || shifts.some((shift, t) => shift > widths[t]!)) {
    throw corrupt('invalid table layout');
  }
  const hashes = r.u32Array(count * HASH_WORDS);
  const ids = r.f64Array(count);
  const byId = r.u32Array(r.u32());
  const dead = r.u8Array(Math.ceil(count / 8));
  const bases: Uint32Array[] = [];
  const rels: Uint8Array[] = [];
  const postings: Uint32Array[] = [];
  for (let t = 0; t < m; t++) {
    const buckets = 2 ** widths[t]!;
    bases.push(r.u32Array(buckets / 2 ** shifts[t]! + 1));
    rels.push(r.u8Array(buckets + 1));
    postings.push(r.u32Array(t === 0 ? 0 : count));
  }
  const data: SegmentData = { count, layout, shifts, hashes, ids, byId, dead, bases, rels, postings };
  checkIds(ids);
  const deadCount = checkDirectory(data);
  for (let t = 0; t < m; t++) {
    checkTable(data, t);
  }
  return { data, deadCount };
}

function checkIds(ids: Float64Array): void {
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw corrupt(`invalid id ${id}`);
    }
  }
}

/** byId must list every live position, in strictly increasing id order. Returns the dead count. */
function checkDirectory(d: SegmentData): number {
  let deadCount = 0;
  for (const byte of d.dead) {
    deadCount += popcount32(byte);
  }
  const tail = d.count % 8;
  if (tail !== 0 && d.dead[d.dead.length - 1]! >>> tail !== 0) {
    throw corrupt('tombstone bits past the end');
  }
  let previous = 0;
  let live = 0;
  for (const p of d.byId) {
    if (p >= d.count || !(d.ids[p]! > previous)) {
      throw corrupt('id directory out of order');
    }
    previous = d.ids[p]!;
    live += isDead(d.dead, p) ? 0 : 1;
  }
  // Strictly increasing ids make the entries distinct, so this means every live position is listed.
  if (live !== d.count - deadCount) {
    throw corrupt('id directory does not match the live entries');
  }
  return deadCount;
}

/** Offsets monotone from 0 to count; table 0's buckets hold exactly their keys; postings a permutation. */
function checkTable(d: SegmentData, t: number): void {
  const base = d.bases[t]!;
  const rel = d.rels[t]!;
  const shift = d.shifts[t]!;
  const width = d.layout.widths[t]!;
  const start = d.layout.starts[t]!;
  const buckets = 2 ** width;
  let previous = 0;
  for (let x = 0; x <= buckets; x++) {
    const offset = base[x >>> shift]! + rel[x]!;
    const expected = x === 0 ? 0 : x === buckets ? d.count : offset;
    if (offset < previous || offset !== expected) {
      throw corrupt(`table ${t} offsets are not monotone`);
    }
    if (t === 0) {
      for (let p = previous; p < offset; p++) {
        if (substringKey(d.hashes, p * HASH_WORDS, start, width) !== x - 1) {
          throw corrupt('storage order does not match table 0');
        }
      }
    }
    previous = offset;
  }
  if (t > 0) {
    const seen = new Uint8Array(Math.ceil(d.count / 8));
    for (const p of d.postings[t]!) {
      if (p >= d.count || (seen[p >>> 3]! & (1 << (p & 7))) !== 0) {
        throw corrupt(`table ${t} postings are not a permutation`);
      }
      seen[p >>> 3]! |= 1 << (p & 7);
    }
  }
}

function liveIds(d: SegmentData): Float64Array {
  const out = new Float64Array(d.byId.length);
  let n = 0;
  for (const p of d.byId) {
    if (!isDead(d.dead, p)) {
      out[n++] = d.ids[p]!;
    }
  }
  return out.subarray(0, n);
}

/** Both sorted ascending. */
function sharesId(a: Float64Array, b: Float64Array): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      return true;
    }
    if (a[i]! < b[j]!) {
      i++;
    } else {
      j++;
    }
  }
  return false;
}
