/**
 * Exact radius search over PDQ hashes with multi-index hashing. Storage is log-structured: a big
 * immutable base segment, a smaller immutable delta segment for recent additions, and a buffer of
 * at most BUFFER_LIMIT hashes that is scanned linearly. Removal sets a tombstone. When the buffer
 * fills it is merged into the delta, and the delta into the base once it outgrows a fraction of it,
 * so each hash is rebuilt an amortised constant number of times into the base.
 */
import { havenError } from '#haven/platform/errors/haven-error.js';
import {
  assertHash,
  assertId,
  HASH_BYTES,
  HASH_WORDS,
  hashesToWords,
  hashToWords,
  MAX_DISTANCE,
  scanWords,
  type HitSink,
} from '#haven/signals/pdq/hamming.js';
import {
  buildSegment,
  MAX_SEGMENT_SIZE,
  mergeSegments,
  sharedF64,
  sharedU32,
} from '#haven/signals/pdq/mih-build.js';
import { chooseLayout } from '#haven/signals/pdq/mih-params.js';
import { MihSegment, QueryScratch } from '#haven/signals/pdq/mih-segment.js';
import {
  decodeState,
  encodeState,
  type PdqIndexState,
  type SegmentState,
} from '#haven/signals/pdq/mih-serialize.js';
import type { IndexHit, SignalIndex } from '#haven/signals/signal-type.js';

export type { PdqIndexState } from '#haven/signals/pdq/mih-serialize.js';

/** A scan of 4096 hashes costs about as much as one indexed probe pass at 10M, so it stays cheap. */
const BUFFER_LIMIT = 4096;
/** The delta is merged into the base when it exceeds base/DELTA_FRACTION. */
const DELTA_FRACTION = 8;

export interface PdqIndexEntries {
  /** One id per hash; a repeated id keeps its last hash. */
  readonly ids: Float64Array | readonly number[];
  /** The hashes, 32 bytes each, concatenated. */
  readonly hashes: Uint8Array;
}

export class PdqMultiIndex implements SignalIndex {
  private base: MihSegment | null = null;
  private delta: MihSegment | null = null;
  private bufferIds = new Float64Array(BUFFER_LIMIT);
  private bufferWords = new Uint32Array(BUFFER_LIMIT * HASH_WORDS);
  private bufferCount = 0;
  private readonly bufferPositions = new Map<number, number>();
  private readonly scratch = new QueryScratch();
  private readonly probe = new Uint32Array(HASH_WORDS);
  private readOnly = false;
  private examined = 0;

  static build(entries: PdqIndexEntries): PdqMultiIndex {
    const count = entries.ids.length;
    if (entries.hashes.length !== count * HASH_BYTES) {
      throw havenError('INVALID_ARGUMENT', {
        reason: `${count} ids need ${count * HASH_BYTES} hash bytes, got ${entries.hashes.length}`,
      });
    }
    if (count > MAX_SEGMENT_SIZE) {
      throw havenError('INVALID_ARGUMENT', { reason: `at most ${MAX_SEGMENT_SIZE} hashes per index` });
    }
    const ids = Float64Array.from(entries.ids);
    ids.forEach(assertId);
    const index = new PdqMultiIndex();
    if (count > 0) {
      index.base = buildSegment(ids, hashesToWords(entries.hashes, count), count, chooseLayout(count));
    }
    return index;
  }

  static deserialize(bytes: Uint8Array): PdqMultiIndex {
    return PdqMultiIndex.fromState(decodeState(bytes), false);
  }

  /**
   * A read-only index over state exported by another thread's exportShared(). The segments are the
   * same memory; removals made later by the owner show through its tombstones, anything else needs
   * a fresh export.
   */
  static fromShared(state: PdqIndexState): PdqMultiIndex {
    return PdqMultiIndex.fromState(state, true);
  }

  private static fromState(state: PdqIndexState, readOnly: boolean): PdqMultiIndex {
    const index = new PdqMultiIndex();
    const open = (s: SegmentState | null): MihSegment | null =>
      s === null ? null : new MihSegment(s.data, s.deadCount);
    index.base = open(state.base);
    index.delta = open(state.delta);
    for (let i = 0; i < state.buffer.ids.length; i++) {
      index.append(state.buffer.ids[i]!, state.buffer.words, i * HASH_WORDS);
    }
    index.readOnly = readOnly;
    return index;
  }

  /** The index's state for PdqMultiIndex.fromShared in a worker; pass it through postMessage or workerData. */
  exportShared(): PdqIndexState {
    const count = this.bufferCount;
    const ids = sharedF64(count);
    ids.set(this.bufferIds.subarray(0, count));
    const words = sharedU32(count * HASH_WORDS);
    words.set(this.bufferWords.subarray(0, count * HASH_WORDS));
    return { base: stateOf(this.base), delta: stateOf(this.delta), buffer: { ids, words } };
  }

  get size(): number {
    return (this.base?.alive ?? 0) + (this.delta?.alive ?? 0) + this.bufferCount;
  }

  /** Candidates verified against the full distance since this index was created (for benchmarks). */
  get candidatesExamined(): number {
    return this.examined;
  }

  /** The base segment's tables, e.g. "11x23" (count x bits), or "scan". */
  get layoutSummary(): string {
    const widths = this.base?.data.layout.widths ?? [];
    const groups = new Map<number, number>();
    widths.forEach((w) => groups.set(w, (groups.get(w) ?? 0) + 1));
    return widths.length === 0 ? 'scan' : [...groups].map(([w, n]) => `${n}x${w}`).join('+');
  }

  /** Bytes held in typed arrays, the bulk of the index's memory. */
  get memoryBytes(): number {
    let total = this.bufferIds.byteLength + this.bufferWords.byteLength;
    for (const segment of [this.base, this.delta]) {
      if (segment !== null) {
        const d = segment.data;
        total += d.hashes.byteLength + d.ids.byteLength + d.byId.byteLength + d.dead.byteLength;
        for (const arrays of [d.bases, d.rels, d.postings]) {
          total += arrays.reduce((sum, a) => sum + a.byteLength, 0);
        }
      }
    }
    return total;
  }

  add(id: number, value: Uint8Array): void {
    this.assertWritable();
    assertId(id);
    assertHash(value);
    this.removeEntry(id);
    if (this.bufferCount === BUFFER_LIMIT) {
      this.flush();
    }
    hashToWords(value, 0, this.probe, 0);
    this.append(id, this.probe, 0);
  }

  remove(id: number): void {
    this.assertWritable();
    this.removeEntry(id);
  }

  query(value: Uint8Array, maxDistance: number): IndexHit[] {
    assertHash(value);
    const hits: IndexHit[] = [];
    if (!(maxDistance >= 0)) {
      return hits;
    }
    const radius = Math.min(Math.floor(maxDistance), MAX_DISTANCE);
    const q = this.probe;
    hashToWords(value, 0, q, 0);
    const sink = this.scratch.sink;
    for (const segment of [this.base, this.delta]) {
      if (segment !== null) {
        sink.count = 0;
        segment.query(q, radius, this.scratch);
        collect(sink, segment.data.ids, hits);
      }
    }
    sink.count = 0;
    scanWords(this.bufferWords, this.bufferCount, q, radius, null, sink);
    collect(sink, this.bufferIds, hits);
    this.examined += this.scratch.examined;
    this.scratch.examined = 0;
    return hits;
  }

  serialize(): Uint8Array {
    return encodeState({
      base: stateOf(this.base),
      delta: stateOf(this.delta),
      buffer: {
        ids: this.bufferIds.subarray(0, this.bufferCount),
        words: this.bufferWords.subarray(0, this.bufferCount * HASH_WORDS),
      },
    });
  }

  private assertWritable(): void {
    if (this.readOnly) {
      throw havenError('INVALID_ARGUMENT', { reason: 'this PDQ index is a read-only shared view' });
    }
  }

  private append(id: number, words: Uint32Array, offset: number): void {
    const at = this.bufferCount++;
    this.bufferIds[at] = id;
    this.bufferWords.set(words.subarray(offset, offset + HASH_WORDS), at * HASH_WORDS);
    this.bufferPositions.set(id, at);
  }

  private removeEntry(id: number): void {
    const at = this.bufferPositions.get(id);
    if (at !== undefined) {
      // Swap-remove: the buffer is unordered.
      const last = --this.bufferCount;
      const lastId = this.bufferIds[last]!;
      this.bufferIds[at] = lastId;
      this.bufferWords.copyWithin(at * HASH_WORDS, last * HASH_WORDS, last * HASH_WORDS + HASH_WORDS);
      this.bufferPositions.set(lastId, at);
      this.bufferPositions.delete(id);
      return;
    }
    for (const segment of [this.delta, this.base]) {
      const position = segment?.positionOf(id) ?? -1;
      if (segment !== null && position >= 0) {
        segment.kill(position);
        // Compacting once half is dead keeps the amortised cost per removal constant.
        if (segment.deadCount * 2 > segment.data.count && segment.data.count >= BUFFER_LIMIT) {
          const rebuilt = mergeSegments([segment], null);
          if (segment === this.base) {
            this.base = rebuilt;
          } else {
            this.delta = rebuilt;
          }
        }
        return;
      }
    }
  }

  private flush(): void {
    const pending = (this.delta?.alive ?? 0) + this.bufferCount;
    const buffer = { ids: this.bufferIds.subarray(0, this.bufferCount), words: this.bufferWords };
    if (this.base === null || pending > Math.max(BUFFER_LIMIT, this.base.alive / DELTA_FRACTION)) {
      this.base = mergeSegments([this.base, this.delta], buffer);
      this.delta = null;
    } else {
      this.delta = mergeSegments([this.delta], buffer);
    }
    this.bufferCount = 0;
    this.bufferPositions.clear();
  }
}

function stateOf(segment: MihSegment | null): SegmentState | null {
  return segment === null ? null : { data: segment.data, deadCount: segment.deadCount };
}

function collect(sink: HitSink, ids: Float64Array, hits: IndexHit[]): void {
  for (let i = 0; i < sink.count; i++) {
    hits.push({ id: ids[sink.positions[i]!]!, distance: sink.distances[i]! });
  }
}
