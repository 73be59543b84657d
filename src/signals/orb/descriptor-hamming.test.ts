import { describe, expect, it } from 'vitest';
import { seededRandom } from '#haven/platform/random/seeded-random.js';
import { descriptorDistance, descriptorDistanceBelow } from './descriptor-hamming.js';

describe('bounded descriptor distance', () => {
  it('equals the full distance below the bound and never reports less than the bound above it', () => {
    const next = seededRandom(7);
    const a = Uint32Array.from({ length: 8 * 200 }, () => Math.floor(next() * 2 ** 32));
    // Half of b are near copies of a (a few bits flipped), half unrelated: both sides of any bound.
    const b = Uint32Array.from(a, (word, k) =>
      Math.floor(k / 8) % 2 === 0
        ? (word ^ (1 << Math.floor(next() * 32))) >>> 0
        : Math.floor(next() * 2 ** 32),
    );
    let below = 0;
    let cut = 0;
    for (let i = 0; i < 200; i += 1) {
      for (const bound of [0, 5, 40, 70, 128, 257]) {
        const exact = descriptorDistance(a, i, b, i);
        const bounded = descriptorDistanceBelow(a, i, b, i, bound);
        if (exact < bound) {
          expect(bounded).toBe(exact);
          below += 1;
        } else {
          expect(bounded).toBeGreaterThanOrEqual(bound);
          expect(bounded).toBeLessThanOrEqual(exact);
          cut += bounded < exact ? 1 : 0;
        }
      }
    }
    expect(below).toBeGreaterThan(100);
    expect(cut).toBeGreaterThan(100);
  });
});
