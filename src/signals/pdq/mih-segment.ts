/**
 * One immutable MIH segment: hashes, ids and per-table CSR lists, plus a tombstone bitset that is
 * the only part that changes after the build. All arrays are plain data (on SharedArrayBuffers when
 * built here), so a segment can be rebuilt around the same memory in a worker or from a file.
 */
import { HASH_WORDS, HitSink, isDead, popcount32, scanWords } from '#haven/signals/pdq/hamming.js';
import {
  estimateCost,
  probeMasks,
  scanCost,
  substringKey,
  tableRadii,
  type MihLayout,
} from '#haven/signals/pdq/mih-params.js';

export interface SegmentData {
  readonly count: number;
  readonly layout: MihLayout;
  /** Per table: offsets are bases[t][key >>> shift] + rels[t][key]. */
  readonly shifts: readonly number[];
  /** 8 words per stored hash, in table 0's bucket order. */
  readonly hashes: Uint32Array;
  readonly ids: Float64Array;
  /** Positions sorted by id, one per distinct id; covers every live position, maybe some dead ones. */
  readonly byId: Uint32Array;
  /** Tombstones, one bit per position. */
  readonly dead: Uint8Array;
  readonly bases: readonly Uint32Array[];
  readonly rels: readonly Uint8Array[];
  /** Positions per table in key order; empty for table 0, whose buckets are ranges of positions. */
  readonly postings: readonly Uint32Array[];
}

/** Per-thread buffers reused by every query; a segment itself holds no per-query state. */
export class QueryScratch {
  rangeStart = new Uint32Array(4096);
  rangeEnd = new Uint32Array(4096);
  /** Ranges [tableEnd[t-1], tableEnd[t]) belong to table t. */
  readonly tableEnd = new Uint32Array(64);
  readonly candidates = new Uint32Array(8192);
  readonly keys = new Int32Array(64);
  readonly sink = new HitSink();
  /** Sink for loads whose only purpose is to start cache misses early. */
  touched = 0;
  examined = 0;

  reserveRanges(length: number): void {
    if (length > this.rangeStart.length) {
      const size = Math.max(length, this.rangeStart.length * 2);
      const start = new Uint32Array(size);
      start.set(this.rangeStart);
      this.rangeStart = start;
      const end = new Uint32Array(size);
      end.set(this.rangeEnd);
      this.rangeEnd = end;
    }
  }
}

/**
 * Appends the non-empty buckets among the probed keys to the scratch ranges. Every probe is written
 * and the count advanced only for non-empty ones: a branch here would mispredict about a third of
 * the time at ~1 entry per bucket, and without it the loads of consecutive probes overlap.
 */
function probeTable(
  base: Uint32Array,
  rel: Uint8Array,
  shift: number,
  key: number,
  masks: Uint32Array,
  s: QueryScratch,
  n: number,
): number {
  const starts = s.rangeStart;
  const ends = s.rangeEnd;
  for (let i = 0; i < masks.length; i++) {
    const x = key ^ masks[i]!;
    const lo = base[x >>> shift]! + rel[x]!;
    const hi = base[(x + 1) >>> shift]! + rel[x + 1]!;
    starts[n] = lo;
    ends[n] = hi;
    n += (lo - hi) >>> 31;
  }
  return n;
}

/** Loads the first entry of each range: a loop with nothing else in it keeps many misses in flight. */
function touchRanges(
  list: Uint32Array,
  starts: Uint32Array,
  from: number,
  to: number,
  scale: number,
): number {
  let touched = 0;
  for (let j = from; j < to; j++) {
    touched ^= list[starts[j]! * scale]!;
  }
  return touched;
}

function touchHashes(hashes: Uint32Array, candidates: Uint32Array, n: number): number {
  let touched = 0;
  for (let i = 0; i < n; i++) {
    touched ^= hashes[candidates[i]! << 3]!;
  }
  return touched;
}

export class MihSegment {
  readonly data: SegmentData;
  deadCount: number;
  private readonly radiiByRadius = new Map<number, Int32Array | null>();

  constructor(data: SegmentData, deadCount: number) {
    this.data = data;
    this.deadCount = deadCount;
  }

  get alive(): number {
    return this.data.count - this.deadCount;
  }

  /** The live position holding `id`, or -1. */
  positionOf(id: number): number {
    const { byId, ids } = this.data;
    let lo = 0;
    let hi = byId.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = byId[mid]!;
      const v = ids[p]!;
      if (v === id) {
        return isDead(this.data.dead, p) ? -1 : p;
      }
      if (v < id) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  kill(position: number): void {
    const dead = this.data.dead;
    if (!isDead(dead, position)) {
      dead[position >>> 3]! |= 1 << (position & 7);
      this.deadCount++;
    }
  }

  /** Per-table radii for `radius`, or null when a full scan is cheaper than probing. */
  private radii(radius: number): Int32Array | null {
    let radii = this.radiiByRadius.get(radius);
    if (radii === undefined) {
      const { layout, count } = this.data;
      const indexed = layout.widths.length > 0 && estimateCost(layout, count, radius) < scanCost(count);
      radii = indexed ? tableRadii(layout.widths.length, radius) : null;
      this.radiiByRadius.set(radius, radii);
    }
    return radii;
  }

  /**
   * Appends every live position within `radius` of q (8 words) to s.sink, each exactly once. The
   * work is staged so that each pass over memory is a tight loop of independent loads: probe all
   * tables, touch the postings, expand them, touch the hashes, then compute distances on cache
   * lines already loaded. Branchy loops that wait on each miss in turn were about twice as slow.
   */
  query(q: Uint32Array, radius: number, s: QueryScratch): void {
    const d = this.data;
    const radii = this.radii(radius);
    if (radii === null) {
      scanWords(d.hashes, d.count, q, radius, d.dead, s.sink);
      return;
    }
    const { starts, widths } = d.layout;
    // Radii never increase along the tables, so the probed ones are a prefix.
    let tables = 0;
    let ranges = 0;
    while (tables < radii.length && radii[tables]! >= 0) {
      const t = tables++;
      const key = substringKey(q, 0, starts[t]!, widths[t]!);
      s.keys[t] = key;
      const masks = probeMasks(widths[t]!, radii[t]!);
      s.reserveRanges(ranges + masks.length);
      ranges = probeTable(d.bases[t]!, d.rels[t]!, d.shifts[t]!, key, masks, s, ranges);
      s.tableEnd[t] = ranges;
    }
    let touched = touchRanges(d.hashes, s.rangeStart, 0, s.tableEnd[0]!, HASH_WORDS);
    for (let t = 1; t < tables; t++) {
      touched ^= touchRanges(d.postings[t]!, s.rangeStart, s.tableEnd[t - 1]!, s.tableEnd[t]!, 1);
    }
    s.touched = touched;
    for (let t = 0; t < tables; t++) {
      this.expand(t, t === 0 ? 0 : s.tableEnd[t - 1]!, q, radius, radii, s);
    }
  }

  /** Gathers table t's candidates in chunks and verifies each chunk. */
  private expand(
    t: number,
    from: number,
    q: Uint32Array,
    radius: number,
    radii: Int32Array,
    s: QueryScratch,
  ): void {
    const candidates = s.candidates;
    const capacity = candidates.length;
    const postings = this.data.postings[t]!;
    const to = s.tableEnd[t]!;
    let n = 0;
    for (let j = from; j < to; j++) {
      let lo = s.rangeStart[j]!;
      const hi = s.rangeEnd[j]!;
      while (lo < hi) {
        const end = Math.min(hi, lo + capacity - n);
        if (t === 0) {
          for (let p = lo; p < end; p++) {
            candidates[n++] = p;
          }
        } else {
          for (let p = lo; p < end; p++) {
            candidates[n++] = postings[p]!;
          }
        }
        lo = end;
        if (n === capacity) {
          this.verify(q, radius, radii, t, n, s);
          n = 0;
        }
      }
    }
    this.verify(q, radius, radii, t, n, s);
  }

  private verify(
    q: Uint32Array,
    radius: number,
    radii: Int32Array,
    t: number,
    n: number,
    s: QueryScratch,
  ): void {
    const h = this.data.hashes;
    const candidates = s.candidates;
    s.touched ^= touchHashes(h, candidates, n);
    s.examined += n;
    const q0 = q[0]!;
    const q1 = q[1]!;
    const q2 = q[2]!;
    for (let i = 0; i < n; i++) {
      const b = candidates[i]! << 3;
      let dist = popcount32(h[b]! ^ q0) + popcount32(h[b + 1]! ^ q1) + popcount32(h[b + 2]! ^ q2);
      if (dist > radius) {
        continue;
      }
      dist +=
        popcount32(h[b + 3]! ^ q[3]!) +
        popcount32(h[b + 4]! ^ q[4]!) +
        popcount32(h[b + 5]! ^ q[5]!) +
        popcount32(h[b + 6]! ^ q[6]!) +
        popcount32(h[b + 7]! ^ q[7]!);
      if (dist <= radius) {
        this.accept(candidates[i]!, dist, t, radii, s);
      }
    }
  }

  /** Keeps a hit only in the first probed table that reaches it, so no position is reported twice. */
  private accept(position: number, dist: number, table: number, radii: Int32Array, s: QueryScratch): void {
    if (isDead(this.data.dead, position)) {
      return;
    }
    const { starts, widths } = this.data.layout;
    const base = position * HASH_WORDS;
    for (let t = 0; t < table; t++) {
      const key = substringKey(this.data.hashes, base, starts[t]!, widths[t]!);
      if (popcount32(key ^ s.keys[t]!) <= radii[t]!) {
        return;
      }
    }
    s.sink.push(position, dist);
  }
}
