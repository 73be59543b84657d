import { havenError } from '#haven/platform/errors/haven-error.js';

/** One neighbour of a query: the stored id and its cosine similarity to the query. */
export interface VectorHit {
  readonly id: number;
  readonly similarity: number;
}

const MAGIC = 0x31564746; // "FGV1", little-endian
const HEADER_BYTES = 16;

/**
 * Exact nearest neighbours over unit vectors by dot product, in one flat Float32Array: at 100k
 * vectors of a few hundred dimensions a full scan takes milliseconds, with no approximation to
 * tune or explain. Entries are appended or tombstoned, so it grows incrementally and serialises as
 * it is (header, ids, live flags, vectors).
 */
export class FlatVectorIndex {
  #ids: Float64Array;
  #live: Uint8Array;
  #vectors: Float32Array;
  #slots = 0;
  #liveCount = 0;
  readonly #slotOfId = new Map<number, number>();

  constructor(
    readonly dimensions: number,
    capacity = 64,
  ) {
    this.#ids = new Float64Array(capacity);
    this.#live = new Uint8Array(capacity);
    this.#vectors = new Float32Array(capacity * dimensions);
  }

  get size(): number {
    return this.#liveCount;
  }

  get byteSize(): number {
    return HEADER_BYTES + this.#slots * (9 + this.dimensions * 4);
  }

  has(id: number): boolean {
    return this.#slotOfId.has(id);
  }

  /** Adds (or replaces) the vector of `id`. */
  add(id: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw havenError('INVALID_ARGUMENT', {
        reason: `a vector of ${vector.length} dimensions cannot join an index of ${this.dimensions}`,
      });
    }
    this.remove(id);
    if (this.#slots === this.#ids.length) {
      this.#grow(this.#slots * 2);
    }
    const slot = this.#slots;
    this.#slots += 1;
    this.#ids[slot] = id;
    this.#live[slot] = 1;
    this.#vectors.set(vector, slot * this.dimensions);
    this.#slotOfId.set(id, slot);
    this.#liveCount += 1;
  }

  remove(id: number): void {
    const slot = this.#slotOfId.get(id);
    if (slot === undefined) {
      return;
    }
    this.#live[slot] = 0;
    this.#slotOfId.delete(id);
    this.#liveCount -= 1;
  }

  /** The `limit` most similar live entries, best first (ties: lower id first). */
  query(vector: Float32Array, limit: number): VectorHit[] {
    if (limit <= 0 || this.#liveCount === 0) {
      return [];
    }
    const dims = this.dimensions;
    const vectors = this.#vectors;
    // A small sorted buffer of the best so far: cheaper than sorting every score.
    const bestScores = new Float64Array(limit).fill(-Infinity);
    const bestSlots = new Int32Array(limit).fill(-1);
    let worst = -Infinity;
    for (let slot = 0; slot < this.#slots; slot += 1) {
      if (this.#live[slot] === 0) {
        continue;
      }
      const base = slot * dims;
      // Four running sums: independent additions pipeline better than one dependent chain.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i + 3 < dims; i += 4) {
        s0 += vector[i]! * vectors[base + i]!;
        s1 += vector[i + 1]! * vectors[base + i + 1]!;
        s2 += vector[i + 2]! * vectors[base + i + 2]!;
        s3 += vector[i + 3]! * vectors[base + i + 3]!;
      }
      for (; i < dims; i += 1) {
        s0 += vector[i]! * vectors[base + i]!;
      }
      const sum = s0 + s1 + s2 + s3;
      if (sum <= worst) {
        continue;
      }
      let at = limit - 1;
      while (at > 0 && bestScores[at - 1]! < sum) {
        bestScores[at] = bestScores[at - 1]!;
        bestSlots[at] = bestSlots[at - 1]!;
        at -= 1;
      }
      bestScores[at] = sum;
      bestSlots[at] = slot;
      worst = bestScores[limit - 1]!;
    }
    const hits: VectorHit[] = [];
    for (let i = 0; i < limit && bestSlots[i]! >= 0; i += 1) {
      hits.push({ id: this.#ids[bestSlots[i]!]!, similarity: bestScores[i]! });
    }
    return hits.sort((a, b) => b.similarity - a.similarity || a.id - b.id);
  }

  serialize(): Uint8Array {
    const count = this.#slots;
    const bytes = new Uint8Array(HEADER_BYTES + count * 8 + count + count * this.dimensions * 4 + 8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, this.dimensions, true);
    view.setFloat64(8, count, true);
    let at = HEADER_BYTES;
    for (let slot = 0; slot < count; slot += 1, at += 8) {
      view.setFloat64(at, this.#ids[slot]!, true);
    }
    bytes.set(this.#live.subarray(0, count), at);
    at += count;
    // Vectors start on a 4-byte boundary so that loading can view them without copying per value.
    at = (at + 3) & ~3;
    new Float32Array(bytes.buffer, at, count * this.dimensions).set(
      this.#vectors.subarray(0, count * this.dimensions),
    );
    return bytes.subarray(0, at + count * this.dimensions * 4);
  }

  static deserialize(bytes: Uint8Array, file = 'similarity vector index'): FlatVectorIndex {
    const corrupt = (reason: string): Error => havenError('INDEX_CORRUPT', { file, reason });
    if (bytes.byteLength < HEADER_BYTES) {
      throw corrupt('too short for a header');
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) {
      throw corrupt('not a vector index (wrong magic number)');
    }
    const dimensions = view.getUint32(4, true);
    const count = view.getFloat64(8, true);
    if (dimensions < 1 || dimensions > 65536 || !Number.isInteger(count) || count < 0) {
      throw corrupt(`implausible header (${dimensions} dimensions, ${count} entries)`);
    }
    let at = HEADER_BYTES + count * 8 + count;
    at = (at + 3) & ~3;
    if (bytes.byteLength !== at + count * dimensions * 4) {
      throw corrupt(`length ${bytes.byteLength} does not match ${count} entries of ${dimensions} dimensions`);
    }
    const index = new FlatVectorIndex(dimensions, Math.max(64, count));
    const vectors = new Float32Array(count * dimensions);
    new Uint8Array(vectors.buffer).set(bytes.subarray(at, at + count * dimensions * 4));
    for (let slot = 0; slot < count; slot += 1) {
      const id = view.getFloat64(HEADER_BYTES + slot * 8, true);
      const live = bytes[HEADER_BYTES + count * 8 + slot] === 1;
      index.#ids[slot] = id;
      index.#live[slot] = live ? 1 : 0;
      if (live) {
        if (!Number.isSafeInteger(id) || id <= 0 || index.#slotOfId.has(id)) {
          throw corrupt(`entry ${slot} has an invalid or repeated id`);
        }
        index.#slotOfId.set(id, slot);
        index.#liveCount += 1;
      }
    }
    index.#vectors.set(vectors);
    index.#slots = count;
    return index;
  }

  #grow(capacity: number): void {
    const ids = new Float64Array(capacity);
    ids.set(this.#ids);
    this.#ids = ids;
    const live = new Uint8Array(capacity);
    live.set(this.#live);
    this.#live = live;
    const vectors = new Float32Array(capacity * this.dimensions);
    vectors.set(this.#vectors);
    this.#vectors = vectors;
  }
}
