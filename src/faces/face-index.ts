import type { FaceBox, FaceRecord } from '#haven/faces/face.types.js';

export interface IndexHit {
  readonly faceId: number;
  readonly mediaId: string;
  readonly sha256: Uint8Array;
  readonly box: FaceBox;
  readonly score: number;
}

/**
 * Every held face embedding in one contiguous Float32Array, searched exhaustively: exact, and a
 * 1024-d dot product over 100k faces is a few tens of milliseconds. Grows by id (faces are only
 * ever added), so refreshing reads only what is new.
 */
export class FaceIndex {
  #dims = 0;
  #count = 0;
  #matrix = new Float32Array(0);
  #faces: Omit<IndexHit, 'score'>[] = [];
  #lastId = 0;

  get size(): number {
    return this.#count;
  }

  get lastId(): number {
    return this.#lastId;
  }

  add(faces: readonly FaceRecord[]): void {
    for (const face of faces) {
      if (this.#dims === 0) {
        this.#dims = face.embedding.length;
      }
      if (face.embedding.length !== this.#dims) {
        continue;
      }
      if ((this.#count + 1) * this.#dims > this.#matrix.length) {
        const grown = new Float32Array(Math.max(1024, (this.#count + 1) * 2) * this.#dims);
        grown.set(this.#matrix);
        this.#matrix = grown;
      }
      this.#matrix.set(face.embedding, this.#count * this.#dims);
      this.#faces.push({ faceId: face.id, mediaId: face.mediaId, sha256: face.sha256, box: face.box });
      this.#count++;
      this.#lastId = Math.max(this.#lastId, face.id);
    }
  }

  /** The `limit` most similar faces at or above `minScore`, best first. */
  search(query: Float32Array, limit: number, minScore: number): IndexHit[] {
    const dims = this.#dims;
    if (query.length !== dims || limit <= 0) {
      return [];
    }
    const best: { index: number; score: number }[] = [];
    const matrix = this.#matrix;
    for (let row = 0; row < this.#count; row++) {
      const dot = dotAt(matrix, row * dims, query, dims);
      if (dot < minScore || (best.length === limit && dot <= best[best.length - 1]!.score)) {
        continue;
      }
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < dot) {
        at--;
      }
      best.splice(at, 0, { index: row, score: dot });
      if (best.length > limit) {
        best.pop();
      }
    }
    return best.map(({ index, score }) => ({ ...this.#faces[index]!, score }));
  }
}

/** Dot product of the row at `base` with `query`: four independent sums keep the multiplications pipelined. */
function dotAt(matrix: Float32Array, base: number, query: Float32Array, dims: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    a += matrix[base + i]! * query[i]!;
    b += matrix[base + i + 1]! * query[i + 1]!;
    c += matrix[base + i + 2]! * query[i + 2]!;
    d += matrix[base + i + 3]! * query[i + 3]!;
  }
  for (; i < dims; i++) {
    a += matrix[base + i]! * query[i]!;
  }
  return a + b + c + d;
}
