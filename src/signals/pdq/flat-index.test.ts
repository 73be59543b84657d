import { describe, expect, it } from 'vitest';
import { isHavenError } from '#haven/platform/errors/haven-error.js';
import { PdqFlatIndex } from '#haven/signals/pdq/flat-index.js';
import { HASH_BYTES, hammingWords, hashesToWords, popcount32 } from '#haven/signals/pdq/hamming.js';
import type { IndexHit } from '#haven/signals/signal-type.js';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function randomHashes(count: number, next: () => number): Uint8Array {
  return Uint8Array.from({ length: count * HASH_BYTES }, () => Math.floor(next() * 256));
}

function flipBits(hash: Uint8Array, k: number, next: () => number): Uint8Array {
  const out = hash.slice();
  const bits = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(next() * (256 - i));
    [bits[i], bits[j]] = [bits[j]!, bits[i]!];
    out[bits[i]! >>> 3]! ^= 1 << (bits[i]! & 7);
  }
  return out;
}

/** Bit-by-bit reference distance, independent of the popcount under test. */
function slowDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let bit = 0; bit < 256; bit++) {
    d += ((a[bit >>> 3]! ^ b[bit >>> 3]!) >>> (bit & 7)) & 1;
  }
  return d;
}

function sorted(hits: IndexHit[]): string[] {
  return hits.map((h) => `${h.id}:${h.distance}`).sort();
}

function expected(entries: Map<number, Uint8Array>, q: Uint8Array, radius: number): string[] {
  return [...entries]
    .map(([id, h]) => [id, slowDistance(h, q)] as const)
    .filter(([, d]) => d <= radius)
    .map(([id, d]) => `${id}:${d}`)
    .sort();
}

describe('hamming helpers', () => {
  it('counts bits like the bit-by-bit reference', () => {
    const next = rng(1);
    for (let i = 0; i < 200; i++) {
      const [a, b] = [randomHashes(1, next), flipBits(randomHashes(1, next), i % 257, next)];
      expect(hammingWords(hashesToWords(a, 1), 0, hashesToWords(b, 1), 0)).toBe(slowDistance(a, b));
    }
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
  });
});

describe('PdqFlatIndex', () => {
  const next = rng(2);
  const centre = randomHashes(1, next);
  const count = 3000;
  const hashes = randomHashes(count, next);
  for (let k = 0; k <= 64; k++) {
    hashes.set(flipBits(centre, k, next), k * HASH_BYTES);
  }
  const ids = Array.from({ length: count }, (_, i) => 10 + i);
  const entries = new Map(ids.map((id, i) => [id, hashes.slice(i * HASH_BYTES, (i + 1) * HASH_BYTES)]));
  const queries = [centre, flipBits(centre, 20, next), randomHashes(1, next)];

  it('finds exactly the hashes within every radius up to 256', () => {
    const index = PdqFlatIndex.build({ ids, hashes });
    for (const q of queries) {
      for (const radius of [0, 1, 15, 31, 32, 52, 64, 100, 128, 256]) {
        expect(sorted(index.query(q, radius))).toEqual(expected(entries, q, radius));
      }
    }
  });

  it('handles empty and one-entry indexes', () => {
    const empty = PdqFlatIndex.build({ ids: [], hashes: new Uint8Array(0) });
    expect(empty.query(centre, 256)).toEqual([]);
    expect(PdqFlatIndex.deserialize(empty.serialize()).size).toBe(0);
    const one = new PdqFlatIndex();
    one.add(3, centre);
    expect(one.query(centre, 0)).toEqual([{ id: 3, distance: 0 }]);
  });

  it('keeps duplicates under distinct ids and the last hash of a repeated id', () => {
    const index = PdqFlatIndex.build({
      ids: [1, 2, 3, 1],
      hashes: Uint8Array.from([...centre, ...centre, ...queries[2]!, ...queries[1]!]),
    });
    expect(index.size).toBe(3);
    expect(sorted(index.query(centre, 0))).toEqual(['2:0']);
    expect(sorted(index.query(centre, 20))).toEqual(['1:20', '2:0']);
  });

  it('supports add, remove and re-add', () => {
    const index = PdqFlatIndex.build({ ids, hashes });
    const model = new Map<number, Uint8Array>(entries);
    for (let i = 0; i < 2000; i++) {
      const id = ids[Math.floor(next() * ids.length)]!;
      if (next() < 0.4) {
        index.remove(id);
        model.delete(id);
      } else {
        const hash = flipBits(centre, Math.floor(next() * 64), next);
        index.add(id, hash);
        model.set(id, hash);
      }
    }
    expect(index.size).toBe(model.size);
    for (const radius of [0, 31, 64]) {
      expect(sorted(index.query(centre, radius))).toEqual(expected(model, centre, radius));
    }
  });

  it('round-trips through serialize and rejects corrupt bytes', () => {
    const index = PdqFlatIndex.build({ ids, hashes });
    index.remove(ids[5]!);
    const bytes = index.serialize();
    const copy = PdqFlatIndex.deserialize(bytes);
    for (const q of queries) {
      expect(sorted(copy.query(q, 64))).toEqual(sorted(index.query(q, 64)));
    }
    for (const bad of [
      bytes.slice(0, 20),
      bytes.slice(0, bytes.length - 8),
      flip(bytes, 40),
      flip(bytes, 3),
    ]) {
      let error: unknown;
      try {
        PdqFlatIndex.deserialize(bad);
      } catch (e) {
        error = e;
      }
      expect(isHavenError(error, 'INDEX_CORRUPT')).toBe(true);
    }
  });
});

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at]! ^= 1;
  return out;
}
