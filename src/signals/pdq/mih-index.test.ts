import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isHavenError } from '#haven/platform/errors/haven-error.js';
import { hashesToWords, HASH_BYTES } from '#haven/signals/pdq/hamming.js';
import { buildSegment } from '#haven/signals/pdq/mih-build.js';
import { PdqMultiIndex } from '#haven/signals/pdq/mih-index.js';
import {
  chooseLayout,
  estimateBytes,
  isValidLayout,
  probeCount,
  probeMasks,
  tableRadii,
  type MihLayout,
} from '#haven/signals/pdq/mih-params.js';
import { QueryScratch } from '#haven/signals/pdq/mih-segment.js';
import { encodeState } from '#haven/signals/pdq/mih-serialize.js';
import type { IndexHit } from '#haven/signals/signal-type.js';

/** xorshift32: deterministic data, so a failure reproduces. */
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
  const out = new Uint8Array(count * HASH_BYTES);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.floor(next() * 256);
  }
  return out;
}

/** A copy of `hash` with exactly k distinct bits flipped. */
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

const POPCOUNT_8 = Uint8Array.from({ length: 256 }, (_, i) => popcount(i));

function popcount(x: number): number {
  let c = 0;
  for (; x !== 0; x &= x - 1) {
    c++;
  }
  return c;
}

function distance(a: Uint8Array, ai: number, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < HASH_BYTES; i++) {
    d += POPCOUNT_8[a[ai + i]! ^ b[i]!]!;
  }
  return d;
}

/** The reference model: id -> hash, searched by brute force. */
class Model {
  readonly entries = new Map<number, Uint8Array>();

  /** Sorted "id:distance" strings for each radius. */
  query(q: Uint8Array, radii: readonly number[]): string[][] {
    const near: [number, number][] = [];
    const max = Math.max(...radii);
    for (const [id, hash] of this.entries) {
      const d = distance(hash, 0, q);
      if (d <= max) {
        near.push([id, d]);
      }
    }
    return radii.map((r) =>
      near
        .filter(([, d]) => d <= r)
        .map(([id, d]) => `${id}:${d}`)
        .sort(),
    );
  }
}

function normalise(hits: IndexHit[]): string[] {
  return hits.map((h) => `${h.id}:${h.distance}`).sort();
}

const RADII = [0, 1, 15, 16, 17, 30, 31, 32, 33, 40, 64];

/** N random hashes plus, around each of `centres` random queries, one stored hash at every distance 0..40. */
function plantedData(count: number, centres: number, seed: number) {
  const next = rng(seed);
  const queries = Array.from({ length: centres }, () => randomHashes(1, next));
  const planted = queries.flatMap((q) => Array.from({ length: 41 }, (_, k) => flipBits(q, k, next)));
  const hashes = new Uint8Array((count + planted.length) * HASH_BYTES);
  hashes.set(randomHashes(count, next));
  planted.forEach((h, i) => {
    hashes.set(h, (count + i) * HASH_BYTES);
  });
  const ids = Float64Array.from({ length: count + planted.length }, (_, i) => 1 + i * 7);
  const model = new Model();
  ids.forEach((id, i) => model.entries.set(id, hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)));
  // Also query near stored random hashes and far from everything.
  for (let i = 0; i < 5; i++) {
    const source = Math.floor(next() * count) * HASH_BYTES;
    queries.push(flipBits(hashes.subarray(source, source + HASH_BYTES), Math.floor(next() * 32), next));
    queries.push(randomHashes(1, next));
  }
  const expected = queries.map((q) => model.query(q, RADII));
  return { ids, hashes, queries, model, expected };
}

describe('MIH parameters', () => {
  it('gives per-table radii that satisfy the pigeonhole bound', () => {
    for (let m = 1; m <= 24; m++) {
      for (let r = 0; r <= 64; r++) {
        const radii = [...tableRadii(m, r)];
        expect(radii.reduce((sum, x) => sum + x + 1, 0)).toBeGreaterThan(r);
        expect(radii).toEqual([...radii].sort((a, b) => b - a));
      }
    }
  });

  it('enumerates every probe mask once', () => {
    const masks = probeMasks(10, 3);
    expect(masks.length).toBe(probeCount(10, 3));
    expect(new Set(masks).size).toBe(masks.length);
    expect([...masks].every((x) => x < 1024 && popcount(x) <= 3)).toBe(true);
  });

  it('chooses valid layouts within the memory budget', () => {
    for (const n of [0, 100, 5000, 20_000, 200_000, 1e6, 1e7, 1e8]) {
      const layout = chooseLayout(n);
      expect(isValidLayout(layout)).toBe(true);
      expect(estimateBytes(layout.widths, n)).toBeLessThanOrEqual(Math.max(99 * n, 16 << 20));
    }
    expect(estimateBytes(chooseLayout(1e7).widths, 1e7) / 1e7).toBeLessThan(100);
    expect(chooseLayout(1e7).widths).toEqual([24, 24, 24, ...Array<number>(8).fill(23)]);
    expect(isValidLayout({ starts: [0, 10], widths: [12, 8] })).toBe(false);
  });
});

describe('PdqMultiIndex recall', () => {
  const data = plantedData(200_000, 12, 7);
  const index = PdqMultiIndex.build({ ids: data.ids, hashes: data.hashes });

  it('returns exactly the brute-force results at every radius', () => {
    for (let i = 0; i < data.queries.length; i++) {
      const q = data.queries[i]!;
      expect(RADII.map((radius) => normalise(index.query(q, radius)))).toEqual(data.expected[i]);
    }
  });

  it('probes rather than scans at radius 31', () => {
    const before = index.candidatesExamined;
    index.query(data.queries[0]!, 31);
    const examined = index.candidatesExamined - before;
    expect(examined).toBeGreaterThan(0);
    expect(examined).toBeLessThan(data.ids.length / 20);
  });
});

describe('MIH segment layouts', () => {
  const layouts: [string, MihLayout][] = [
    ['chosen for 10M', chooseLayout(1e7)],
    ['11 x 23 bits', layoutOf(Array<number>(11).fill(23))],
    ['chosen for 1M', chooseLayout(1e6)],
    ['4 x 22 + 8 x 21 bits', layoutOf([22, 22, 22, 22, 21, 21, 21, 21, 21, 21, 21, 21])],
    ['16 x 16 bits (faiss)', layoutOf(Array<number>(16).fill(16))],
  ];
  const data = plantedData(200_000, 8, 11);
  const words = hashesToWords(data.hashes, data.ids.length);

  it.each(layouts)('%s is exact', (_, layout) => {
    const segment = buildSegment(data.ids, words, data.ids.length, layout);
    const scratch = new QueryScratch();
    for (let i = 0; i < data.queries.length; i++) {
      const q = hashesToWords(data.queries[i]!, 1);
      const found = RADII.map((radius) => {
        scratch.sink.count = 0;
        segment.query(q, radius, scratch);
        return normalise(
          Array.from({ length: scratch.sink.count }, (_, j) => ({
            id: segment.data.ids[scratch.sink.positions[j]!]!,
            distance: scratch.sink.distances[j]!,
          })),
        );
      });
      expect(found).toEqual(data.expected[i]);
    }
    // Radius 31 must have been answered by probing, not by the scan fallback.
    scratch.examined = 0;
    segment.query(hashesToWords(data.queries[0]!, 1), 31, scratch);
    expect(scratch.examined).toBeGreaterThan(0);
    expect(scratch.examined).toBeLessThan(data.ids.length / 10);
  });
});

function layoutOf(widths: number[]): MihLayout {
  return { starts: widths.map((_, t) => widths.slice(0, t).reduce((x, y) => x + y, 0)), widths };
}

describe('PdqMultiIndex edge cases', () => {
  it('handles an empty index', () => {
    const index = PdqMultiIndex.build({ ids: [], hashes: new Uint8Array(0) });
    expect(index.size).toBe(0);
    expect(index.query(new Uint8Array(32), 256)).toEqual([]);
    expect(PdqMultiIndex.deserialize(index.serialize()).size).toBe(0);
  });

  it('grows from empty through add()', () => {
    const next = rng(12);
    const index = new PdqMultiIndex();
    const model = new Model();
    const centre = randomHashes(1, next);
    for (let id = 1; id <= 9000; id++) {
      const hash = flipBits(centre, id % 45, next);
      index.add(id, hash);
      model.entries.set(id, hash);
    }
    expect(index.size).toBe(9000);
    expect(normalise(index.query(centre, 31))).toEqual(model.query(centre, [31])[0]);
  });

  it('handles a one-entry index', () => {
    const hash = randomHashes(1, rng(3));
    const index = PdqMultiIndex.build({ ids: [42], hashes: hash });
    expect(index.query(hash, 0)).toEqual([{ id: 42, distance: 0 }]);
    expect(index.query(flipBits(hash, 31, rng(4)), 31)).toEqual([{ id: 42, distance: 31 }]);
    expect(index.query(flipBits(hash, 32, rng(4)), 31)).toEqual([]);
  });

  it('returns every id of a duplicated hash once, even past the chunk size', () => {
    const next = rng(5);
    const hash = randomHashes(1, next);
    const count = 20_000;
    const hashes = randomHashes(count, next);
    for (let i = 0; i < 12_000; i++) {
      hashes.set(i % 2 === 0 ? hash : flipBits(hash, 3, next), i * HASH_BYTES);
    }
    const ids = Array.from({ length: count }, (_, i) => i + 1);
    const index = PdqMultiIndex.build({ ids, hashes });
    const hits = index.query(flipBits(hash, 2, next), 31);
    expect(hits.length).toBe(12_000);
    expect(new Set(hits.map((h) => h.id)).size).toBe(12_000);
  });

  it('keeps the last hash of a repeated id', () => {
    const next = rng(6);
    const hashes = randomHashes(3, next);
    const index = PdqMultiIndex.build({ ids: [5, 6, 5], hashes });
    expect(index.size).toBe(2);
    expect(index.query(hashes.subarray(0, 32), 0)).toEqual([]);
    expect(index.query(hashes.subarray(64, 96), 0)).toEqual([{ id: 5, distance: 0 }]);
  });

  it('rejects malformed input', () => {
    const index = PdqMultiIndex.build({ ids: [1], hashes: new Uint8Array(32) });
    expect(() => index.query(new Uint8Array(31), 5)).toThrow(/32 bytes/);
    expect(() => {
      index.add(0, new Uint8Array(32));
    }).toThrow(/positive integers/);
    expect(() => {
      index.add(1.5, new Uint8Array(32));
    }).toThrow(/positive integers/);
    expect(() => PdqMultiIndex.build({ ids: [1, 2], hashes: new Uint8Array(32) })).toThrow(/hash bytes/);
    expect(index.query(new Uint8Array(32), -1)).toEqual([]);
  });
});

describe('PdqMultiIndex updates', () => {
  it('matches the model through adds, removes, re-adds and merges', () => {
    const next = rng(9);
    const data = plantedData(20_000, 4, 13);
    const index = PdqMultiIndex.build({ ids: data.ids, hashes: data.hashes });
    const model = data.model;
    const ids = [...model.entries.keys()];
    const queries = data.queries;
    // Enough additions to fill the buffer many times, build a delta and merge it into the base.
    for (let i = 0; i < 40_000; i++) {
      const roll = next();
      if (roll < 0.1 && ids.length > 0) {
        const id = ids[Math.floor(next() * ids.length)]!;
        index.remove(id);
        model.entries.delete(id);
      } else {
        const id = roll < 0.2 ? ids[Math.floor(next() * ids.length)]! : 1_000_000 + i;
        const near = queries[Math.floor(next() * queries.length)]!;
        const hash = roll < 0.5 ? flipBits(near, Math.floor(next() * 40), next) : randomHashes(1, next);
        index.add(id, hash);
        model.entries.set(id, hash);
        ids.push(id);
      }
      if (i % 10_000 === 0 || i === 39_999) {
        expect(index.size).toBe(model.entries.size);
        for (const q of queries) {
          expect(normalise(index.query(q, 31))).toEqual(model.query(q, [31])[0]);
        }
      }
    }
    index.remove(123_456_789);
    expect(index.size).toBe(model.entries.size);
  });

  it('re-adding an id replaces its hash', () => {
    const next = rng(10);
    const [a, b] = [randomHashes(1, next), randomHashes(1, next)];
    const index = PdqMultiIndex.build({ ids: [7], hashes: a });
    index.add(7, b);
    expect(index.size).toBe(1);
    expect(index.query(a, 10)).toEqual([]);
    expect(index.query(b, 0)).toEqual([{ id: 7, distance: 0 }]);
    index.remove(7);
    expect(index.query(b, 0)).toEqual([]);
    index.add(7, a);
    expect(index.query(a, 0)).toEqual([{ id: 7, distance: 0 }]);
  });
});

describe('PdqMultiIndex serialization and sharing', () => {
  const data = plantedData(30_000, 5, 17);
  const index = PdqMultiIndex.build({ ids: data.ids, hashes: data.hashes });
  const next = rng(19);
  for (let i = 0; i < 5000; i++) {
    index.add(5_000_000 + i, flipBits(data.queries[i % 5]!, i % 41, next));
  }
  for (let i = 0; i < 300; i++) {
    index.remove(data.ids[i * 50]!);
  }
  const expected = data.queries.map((q) => normalise(index.query(q, 31)));

  it('round-trips to identical results', () => {
    const copy = PdqMultiIndex.deserialize(index.serialize());
    expect(copy.size).toBe(index.size);
    expect(data.queries.map((q) => normalise(copy.query(q, 31)))).toEqual(expected);
    copy.add(9_999_999, data.queries[0]!);
    expect(copy.query(data.queries[0]!, 0).map((h) => h.id)).toContain(9_999_999);
  });

  it('builds a read-only view over shared memory', () => {
    const state = structuredClone(index.exportShared());
    expect(state.base?.data.hashes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const view = PdqMultiIndex.fromShared(state);
    expect(data.queries.map((q) => normalise(view.query(q, 31)))).toEqual(expected);
    expect(() => {
      view.add(1, data.queries[0]!);
    }).toThrow(/read-only/);
    // Removals by the owner show through the shared tombstones.
    const victim = index.query(data.queries[1]!, 0)[0]!;
    index.remove(victim.id);
    expect(view.query(data.queries[1]!, 0).map((h) => h.id)).not.toContain(victim.id);
  });

  it('rejects truncated or corrupted bytes with INDEX_CORRUPT', () => {
    const bytes = index.serialize();
    const expectCorrupt = (b: Uint8Array): void => {
      let error: unknown;
      try {
        PdqMultiIndex.deserialize(b);
      } catch (e) {
        error = e;
      }
      expect(isHavenError(error, 'INDEX_CORRUPT')).toBe(true);
    };
    for (const length of [0, 10, 31, 32, 100, bytes.length >> 1, bytes.length - 1]) {
      expectCorrupt(bytes.slice(0, length));
    }
    for (const at of [0, 9, 13, 17, 25, 40, 1000, bytes.length >> 1, bytes.length - 1]) {
      const bad = bytes.slice();
      bad[at]! ^= 0x10;
      expectCorrupt(bad);
    }
    // An id live in two parts would be reported twice.
    const state = index.exportShared();
    const words = hashesToWords(data.queries[0]!, 1);
    const twice = encodeState({ ...state, buffer: { ids: Float64Array.of(data.ids[1]!), words } });
    expectCorrupt(twice);
    // Structural checks hold even when the checksum is made to match.
    for (let trial = 0; trial < 40; trial++) {
      const bad = bytes.slice();
      const at = 32 + Math.floor(next() * (bytes.length - 32));
      bad[at]! ^= 1 << Math.floor(next() * 8);
      new DataView(bad.buffer).setUint32(24, crc32(bad.subarray(32)), true);
      let copy: PdqMultiIndex | null = null;
      try {
        copy = PdqMultiIndex.deserialize(bad);
      } catch (e) {
        expect(isHavenError(e, 'INDEX_CORRUPT')).toBe(true);
      }
      // A flip the checks cannot see (a hash bit, a postings order) must not crash queries.
      copy?.query(data.queries[0]!, 31);
    }
  });
});
