import { describe, expect, it } from 'vitest';
import { seededRandom } from '#haven/platform/random/seeded-random.js';
import { InvertedFile } from './inverted-file.js';

/** Documents of random words, a few of them sharing most words with `theme`. */
function documents(count: number, wordCount: number, seed: number): Uint32Array[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Uint32Array.from({ length: 50 + Math.floor(next() * 300) }, () => Math.floor(next() * wordCount)),
  );
}

/** The ranking the inverted file must give, computed the slow way: score every document. */
function referenceRanking(docs: readonly Uint32Array[], ids: readonly number[], query: Uint32Array) {
  const counts = (words: Uint32Array): Map<number, number> => {
    const map = new Map<number, number>();
    for (const w of words) {
      map.set(w, (map.get(w) ?? 0) + 1);
    }
    return map;
  };
  const docCounts = docs.map(counts);
  const df = new Map<number, number>();
  for (const c of docCounts) {
    for (const w of c.keys()) {
      df.set(w, (df.get(w) ?? 0) + 1);
    }
  }
  return docCounts
    .map((c, k) => {
      let score = 0;
      for (const [w, q] of counts(query)) {
        const d = c.get(w);
        if (d) {
          score += Math.log(1 + docs.length / df.get(w)!) * Math.min(q, d);
        }
      }
      return { id: ids[k]!, score: score / Math.sqrt(docs[k]!.length) };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

describe('inverted file', () => {
  it('returns the same top documents as scoring every document, without sorting them all', () => {
    const docs = documents(3000, 4096, 5);
    const ids = docs.map((_, k) => 1000 + k * 3);
    const index = new InvertedFile(4096);
    docs.forEach((words, k) => {
      index.add(ids[k]!, words);
    });
    for (const probe of [docs[17]!, docs[2999]!, documents(1, 4096, 77)[0]!]) {
      const expected = referenceRanking(docs, ids, probe).slice(0, 25);
      const got = index.query(probe, 25);
      expect(got.map((c) => c.id)).toEqual(expected.map((c) => c.id));
      got.forEach((c, k) => {
        expect(c.score).toBeCloseTo(expected[k]!.score, 3);
      });
    }
  });

  it('survives a snapshot round trip from an unaligned buffer, then keeps growing', () => {
    const docs = documents(500, 1024, 9);
    const index = new InvertedFile(1024);
    docs.forEach((words, k) => {
      index.add(k + 1, words);
    });
    index.remove(7);
    const bytes = index.serialize();
    const unaligned = new Uint8Array(bytes.byteLength + 3);
    unaligned.set(bytes, 3);
    const copy = InvertedFile.deserialize(unaligned.subarray(3));
    expect(copy.size).toBe(499);
    expect(copy.has(7)).toBe(false);
    expect(copy.query(docs[41]!, 5)).toEqual(index.query(docs[41]!, 5));
    // Appending after a load grows lists that were views into the snapshot.
    copy.add(9999, docs[41]!);
    index.add(9999, docs[41]!);
    expect(copy.query(docs[41]!, 5)).toEqual(index.query(docs[41]!, 5));
    expect(copy.serialize()).toEqual(index.serialize());
  });

  it('rejects damaged snapshots with a clear error', () => {
    const index = new InvertedFile(64);
    index.add(1, Uint32Array.from([1, 2, 3]));
    const bytes = index.serialize();
    expect(() => InvertedFile.deserialize(bytes.subarray(0, 10))).toThrow(/too short/);
    expect(() => InvertedFile.deserialize(bytes.subarray(0, bytes.length - 8))).toThrow(/wrong length/);
    const foreign = Uint8Array.from(bytes);
    foreign[0] = 0;
    expect(() => InvertedFile.deserialize(foreign)).toThrow(/not a snapshot/);
    const pointing = Uint8Array.from(bytes);
    // One document, 64 words: header 16, id 8, size 4 (to 32), live flag (to 40), 64 lengths of
    // 4 bytes: the first posting's document slot is at byte 296. Slot 5 does not exist.
    new DataView(pointing.buffer).setUint32(296, 5, true);
    expect(() => InvertedFile.deserialize(pointing)).toThrow(/outside the documents/);
  });
});
