import { describe, expect, it } from 'vitest';
import { seededRandom } from '#haven/platform/random/seeded-random.js';
import { ransacHomography } from './ransac-homography.js';

/** x' = (h0 x + h1 y + h2) / w, y' = (h3 x + h4 y + h5) / w, w = h6 x + h7 y + 1. */
function apply(h: readonly number[], x: number, y: number): [number, number] {
  const w = h[6]! * x + h[7]! * y + 1;
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}

/** `inliers` correspondences moved by `h` (with up to a pixel of noise), then `outliers` random ones. */
function correspondences(
  h: readonly number[],
  inliers: number,
  outliers: number,
  seed: number,
): { source: Float64Array; target: Float64Array } {
  const next = seededRandom(seed);
  const total = inliers + outliers;
  const source = new Float64Array(total * 2);
  const target = new Float64Array(total * 2);
  for (let i = 0; i < total; i += 1) {
    const x = next() * 800;
    const y = next() * 600;
    source[i * 2] = x;
    source[i * 2 + 1] = y;
    const [u, v] = i < inliers ? apply(h, x, y) : [next() * 800, next() * 600];
    target[i * 2] = u + (next() - 0.5) * 2;
    target[i * 2 + 1] = v + (next() - 0.5) * 2;
  }
  return { source, target };
}

const PERSPECTIVE = [0.9, -0.12, 40, 0.08, 0.95, -25, 0.0002, -0.0001];

describe('adaptive RANSAC homography', () => {
  it('keeps the correspondences a perspective warp explains and drops the random ones', () => {
    for (const [inliers, outliers] of [
      [60, 20],
      [25, 75],
      [12, 30],
    ] as const) {
      const { source, target } = correspondences(PERSPECTIVE, inliers, outliers, inliers * 31 + outliers);
      const kept = ransacHomography(source, target, { threshold: 6 });
      const genuine = kept.filter((k) => k < inliers).length;
      expect(genuine).toBeGreaterThanOrEqual(inliers - 1);
      // A random point can land within 6 pixels of the warp by chance, rarely.
      expect(kept.length - genuine).toBeLessThanOrEqual(2);
    }
  });

  it('fits a mirrored view (every triangle flipped) as well as a direct one', () => {
    const mirror = [-1, 0, 799, 0, 1, 0, 0, 0];
    const { source, target } = correspondences(mirror, 40, 20, 11);
    const kept = ransacHomography(source, target, { threshold: 4 });
    expect(kept.filter((k) => k < 40).length).toBeGreaterThanOrEqual(39);
  });

  it('finds no large consensus among unrelated points, and stopping early does not invent one', () => {
    const { source, target } = correspondences(PERSPECTIVE, 0, 80, 7);
    const full = ransacHomography(source, target, { threshold: 6 });
    const cut = ransacHomography(source, target, { threshold: 6, needed: 12 });
    expect(full.length).toBeLessThan(12);
    expect(cut.length).toBeLessThanOrEqual(Math.max(full.length, 11));
  });

  it('still finds a model that reaches the needed inliers when cut short', () => {
    const { source, target } = correspondences(PERSPECTIVE, 15, 60, 3);
    const kept = ransacHomography(source, target, { threshold: 6, needed: 12 });
    expect(kept.filter((k) => k < 15).length).toBeGreaterThanOrEqual(14);
  });

  it('refuses degenerate input: too few points, all points on one line', () => {
    expect(ransacHomography(new Float64Array(6), new Float64Array(6), { threshold: 3 })).toEqual([]);
    const line = Float64Array.from({ length: 40 }, (_, k) => (k % 2 === 0 ? k * 10 : k * 10 - 10));
    expect(ransacHomography(line, line, { threshold: 3 })).toEqual([]);
  });
});
