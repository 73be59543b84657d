import { describe, expect, it } from 'vitest';
import { FaceIndex } from '#haven/faces/face-index.js';
import {
  clusterBySimilarity,
  embeddingFromBytes,
  embeddingToBytes,
  normalise,
  similarity,
} from '#haven/faces/face-math.js';

const unit = (...values: number[]): Float32Array => normalise(Float32Array.from(values));

describe('face embeddings', () => {
  it('normalises, compares by cosine and survives the byte form', () => {
    const a = unit(3, 4, 0);
    expect(similarity(a, a)).toBeCloseTo(1, 6);
    expect(similarity(a, unit(0, 0, 2))).toBeCloseTo(0, 6);
    expect(similarity(a, unit(-3, -4, 0))).toBeCloseTo(-1, 6);
    expect([...embeddingFromBytes(embeddingToBytes(a))]).toEqual([...a]);
    expect([...normalise(new Float32Array(3))]).toEqual([0, 0, 0]);
  });

  it('clusters by single linkage at the threshold, numbered by first appearance', () => {
    const vectors = [unit(1, 0, 0), unit(0, 1, 0), unit(1, 0.1, 0), unit(0, 1, 0.1), unit(0, 0, 1)];
    expect(clusterBySimilarity(vectors, 0.9)).toEqual([1, 2, 1, 2, 3]);
    expect(clusterBySimilarity(vectors, -1)).toEqual([1, 1, 1, 1, 1]);
  });

  it('index search returns the best matches above the floor, best first, growing by id', () => {
    const index = new FaceIndex();
    const face = (id: number, embedding: Float32Array) => ({
      id,
      mediaId: `m${id}`,
      sha256: new Uint8Array([id]),
      framePosition: null,
      box: { x: 0, y: 0, width: 1, height: 1 },
      score: 1,
      quality: 1,
      embedding,
    });
    index.add([face(1, unit(1, 0, 0)), face(2, unit(1, 1, 0)), face(3, unit(0, 1, 0))]);
    index.add([face(4, unit(1, 0.2, 0)), face(5, unit(1, 2))]);
    expect(index.size).toBe(4);
    expect(index.lastId).toBe(4);
    const hits = index.search(unit(1, 0, 0), 3, 0.5);
    expect(hits.map((hit) => hit.faceId)).toEqual([1, 4, 2]);
    expect(hits[0]!.score).toBeCloseTo(1, 6);
    expect(index.search(unit(1, 0, 0), 2, 0.99).map((hit) => hit.faceId)).toEqual([1]);
    expect(index.search(unit(1, 0), 2, 0)).toEqual([]);
  });
});
