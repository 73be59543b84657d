import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { HavenError } from '#haven/platform/errors/haven-error.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { FlatVectorIndex } from './flat-vector-index.js';
import { gemSignal } from './gem-signal.js';

/** ../shared/testdata beside the repository (read at run time, never copied). */
function sharedPath(...parts: string[]): string {
  const full = path.join(fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url)), ...parts);
  if (!existsSync(full)) {
    throw new Error(`Test data missing: ${full} (../shared beside the repository)`);
  }
  return full;
}

async function decode(file: string, flop = false): Promise<DecodedImage> {
  const { data, info } = await sharp(file)
    .flop(flop)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data };
}

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function unitVectors(count: number, dimensions: number, seed: number): Float32Array[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dimensions }, () => next() - 0.5);
    const n = norm(v);
    return v.map((x) => x / n);
  });
}

describe('global descriptor (GeM over a MobileNetV3 backbone)', () => {
  it('gives unit vectors that rank another view of a place above unrelated pictures', async () => {
    const leuvenA = await gemSignal.describe(await decode(sharedPath('scene', 'leuven', 'leuvenA.jpg')));
    const leuvenB = await gemSignal.describe(await decode(sharedPath('scene', 'leuven', 'leuvenB.jpg')));
    const home = await gemSignal.describe(await decode(sharedPath('negative', 'home.jpg')));
    const box = await gemSignal.describe(await decode(sharedPath('object', 'box', 'box.png')));
    for (const vector of [leuvenA, leuvenB, home, box]) {
      expect(vector).toHaveLength(gemSignal.dimensions);
      expect(norm(vector)).toBeCloseTo(1, 5);
      expect(vector.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
    const same = gemSignal.similarity(leuvenA, leuvenB);
    expect(same).toBeGreaterThan(gemSignal.similarity(leuvenA, home));
    expect(same).toBeGreaterThan(gemSignal.similarity(leuvenA, box));
    expect(same).toBeLessThan(1);
  }, 120_000);

  it('describes a mirrored copy as the original when asked to mirror, and a region on its own', async () => {
    const file = sharedPath('object', 'box', 'box_in_scene.png');
    const original = await decode(file);
    const direct = await gemSignal.describe(original);
    const again = await gemSignal.describe(original);
    expect(Array.from(again)).toEqual(Array.from(direct));
    const unflipped = await gemSignal.describe(await decode(file, true), null, true);
    expect(gemSignal.similarity(direct, unflipped)).toBeGreaterThan(0.9999);
    // The box alone looks more like the box's own picture than the whole cluttered scene does.
    const region = await gemSignal.describe(original, { x: 90, y: 150, width: 190, height: 160 });
    const box = await gemSignal.describe(await decode(sharedPath('object', 'box', 'box.png')));
    expect(gemSignal.similarity(region, direct)).toBeLessThan(0.999);
    expect(gemSignal.similarity(region, box)).toBeGreaterThan(gemSignal.similarity(direct, box));
  }, 120_000);
});

describe('flat vector index', () => {
  it('returns exactly the nearest vectors, skips removed ones, and survives serialisation', () => {
    const vectors = unitVectors(500, 48, 7);
    const index = new FlatVectorIndex(48);
    vectors.forEach((v, i) => {
      index.add(i + 1, v);
    });
    index.remove(3);
    const query = unitVectors(1, 48, 99)[0]!;
    const brute = vectors
      .map((v, i) => ({ id: i + 1, similarity: v.reduce((sum, x, k) => sum + x * query[k]!, 0) }))
      .filter((hit) => hit.id !== 3)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 10);
    const found = index.query(query, 10);
    expect(found.map((hit) => hit.id)).toEqual(brute.map((hit) => hit.id));
    found.forEach((hit, i) => {
      expect(hit.similarity).toBeCloseTo(brute[i]!.similarity, 5);
    });
    expect(index.size).toBe(499);
    const copy = FlatVectorIndex.deserialize(index.serialize());
    expect(copy.size).toBe(499);
    expect(copy.query(query, 10)).toEqual(found);
    // A vector of another length is refused rather than silently misread.
    expect(() => {
      index.add(1000, new Float32Array(47));
    }).toThrow(HavenError);
  });

  it('refuses damaged bytes with INDEX_CORRUPT', () => {
    const index = new FlatVectorIndex(8);
    unitVectors(20, 8, 3).forEach((v, i) => {
      index.add(i + 1, v);
    });
    const bytes = index.serialize();
    const damaged = [
      new Uint8Array(0),
      bytes.subarray(0, bytes.length - 3),
      Uint8Array.from(bytes, (b, i) => (i === 0 ? b ^ 0xff : b)),
      new TextEncoder().encode('not an index at all, just some text of plausible length....'),
    ];
    for (const bad of damaged) {
      let caught: unknown;
      try {
        FlatVectorIndex.deserialize(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HavenError);
      expect((caught as HavenError).code).toBe('INDEX_CORRUPT');
    }
  });
});
