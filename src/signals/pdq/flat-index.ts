/**
 * Brute-force PDQ index: one linear popcount scan per query. It is the baseline the multi-index is
 * measured against, and the right structure for small sets or radii far above 31 (up to 256).
 */
import { havenError } from '#haven/platform/errors/haven-error.js';
import {
  assertHash,
  assertId,
  HASH_BYTES,
  HASH_WORDS,
  hashToWords,
  HitSink,
  MAX_DISTANCE,
  scanWords,
} from '#haven/signals/pdq/hamming.js';
import { sortByIds } from '#haven/signals/pdq/mih-sort.js';
import { corrupt, IndexReader, IndexWriter, KIND_FLAT } from '#haven/signals/pdq/mih-codec.js';
import type { IndexHit, SignalIndex } from '#haven/signals/signal-type.js';

export class PdqFlatIndex implements SignalIndex {
  private ids: Float64Array = new Float64Array(1024);
  private words: Uint32Array = new Uint32Array(1024 * HASH_WORDS);
  private count = 0;
  private positionsById: Map<number, number> | null = new Map<number, number>();
  private readonly probe = new Uint32Array(HASH_WORDS);
  private readonly sink = new HitSink();

  /** Bulk load; a repeated id keeps its last hash. */
  static build(entries: {
    readonly ids: Float64Array | readonly number[];
    readonly hashes: Uint8Array;
  }): PdqFlatIndex {
    const count = entries.ids.length;
    if (entries.hashes.length !== count * HASH_BYTES) {
      throw havenError('INVALID_ARGUMENT', {
        reason: `${count} ids need ${count * HASH_BYTES} hash bytes, got ${entries.hashes.length}`,
      });
    }
    const ids = Float64Array.from(entries.ids);
    ids.forEach(assertId);
    // Sorting by id finds repeats without a Map of every id, which is built only if mutations need it.
    const sorted = sortByIds(
      ids,
      Uint32Array.from({ length: count }, (_, i) => i),
    );
    const index = new PdqFlatIndex();
    index.reserve(count);
    for (let i = 0; i < count; i++) {
      const from = sorted.values[i]!;
      if (i + 1 < count && sorted.ids[i + 1] === sorted.ids[i]) {
        continue;
      }
      index.ids[index.count] = ids[from]!;
      hashToWords(entries.hashes, from * HASH_BYTES, index.words, index.count * HASH_WORDS);
      index.count++;
    }
    index.positionsById = null;
    return index;
  }

  static deserialize(bytes: Uint8Array): PdqFlatIndex {
    const r = IndexReader.open(bytes, KIND_FLAT);
    const count = r.u32();
    const ids = r.f64Array(count);
    const words = r.u32Array(count * HASH_WORDS);
    r.end();
    const index = new PdqFlatIndex();
    index.ids = ids;
    index.words = words;
    index.count = count;
    const positions = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      if (!Number.isSafeInteger(id) || id <= 0 || positions.has(id)) {
        throw corrupt(`invalid or repeated id ${id}`);
      }
      positions.set(id, i);
    }
    index.positionsById = positions;
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held in typed arrays (capacity included). */
  get memoryBytes(): number {
    return this.ids.byteLength + this.words.byteLength;
  }

  add(id: number, value: Uint8Array): void {
    assertId(id);
    assertHash(value);
    const positions = this.positions();
    let at = positions.get(id);
    if (at === undefined) {
      this.reserve(this.count + 1);
      at = this.count++;
      this.ids[at] = id;
      positions.set(id, at);
    }
    hashToWords(value, 0, this.words, at * HASH_WORDS);
  }

  remove(id: number): void {
    const positions = this.positions();
    const at = positions.get(id);
    if (at === undefined) {
      return;
    }
    // Swap-remove keeps the scanned range dense.
    const last = --this.count;
    const lastId = this.ids[last]!;
    this.ids[at] = lastId;
    this.words.copyWithin(at * HASH_WORDS, last * HASH_WORDS, last * HASH_WORDS + HASH_WORDS);
    positions.set(lastId, at);
    positions.delete(id);
  }

  query(value: Uint8Array, maxDistance: number): IndexHit[] {
    assertHash(value);
    const hits: IndexHit[] = [];
    if (!(maxDistance >= 0)) {
      return hits;
    }
    hashToWords(value, 0, this.probe, 0);
    this.sink.count = 0;
    scanWords(
      this.words,
      this.count,
      this.probe,
      Math.min(Math.floor(maxDistance), MAX_DISTANCE),
      null,
      this.sink,
    );
    for (let i = 0; i < this.sink.count; i++) {
      hits.push({ id: this.ids[this.sink.positions[i]!]!, distance: this.sink.distances[i]! });
    }
    return hits;
  }

  serialize(): Uint8Array {
    const w = new IndexWriter();
    w.u32(this.count);
    w.array(this.ids.subarray(0, this.count));
    w.array(this.words.subarray(0, this.count * HASH_WORDS));
    return w.finish(KIND_FLAT);
  }

  private positions(): Map<number, number> {
    if (this.positionsById === null) {
      this.positionsById = new Map();
      for (let i = 0; i < this.count; i++) {
        this.positionsById.set(this.ids[i]!, i);
      }
    }
    return this.positionsById;
  }

  private reserve(count: number): void {
    if (count > this.ids.length) {
      const capacity = Math.max(count, this.ids.length * 2);
      const ids = new Float64Array(capacity);
      ids.set(this.ids.subarray(0, this.count));
      this.ids = ids;
      const words = new Uint32Array(capacity * HASH_WORDS);
      words.set(this.words.subarray(0, this.count * HASH_WORDS));
      this.words = words;
    }
  }
}
