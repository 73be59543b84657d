import { describe, expect, it } from 'vitest';
import { fuse } from './similarity-fusion.js';

const thresholds = { minInliers: 12, minGlobalSimilarity: 0.995 };

describe('fusing inliers and global similarity', () => {
  it('accepts on either route alone, and on neither below both thresholds', () => {
    expect(fuse(12, null, thresholds).accepted).toBe(true);
    expect(fuse(0, 0.995, thresholds).accepted).toBe(true);
    expect(fuse(11, 0.994, thresholds).accepted).toBe(false);
    expect(fuse(0, null, thresholds).accepted).toBe(false);
  });

  it('keeps the score between 0 and 1 whatever comes in', () => {
    for (const [inliers, similarity] of [
      [0, -1],
      [0, null],
      [10_000, 1],
      [-5, 0.5],
      [3, 1.2],
    ] as const) {
      const { score } = fuse(inliers, similarity, thresholds);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(fuse(10_000, 1, thresholds).score).toBe(1);
  });

  it('ranks by both kinds of evidence: a few inliers lift a close look above a slightly closer one', () => {
    const both = fuse(8, 0.975, thresholds);
    const lookOnly = fuse(0, 0.98, thresholds);
    expect(both.score).toBeGreaterThan(lookOnly.score);
    // More of either never lowers the score.
    expect(fuse(9, 0.975, thresholds).score).toBeGreaterThanOrEqual(both.score);
    expect(fuse(8, 0.976, thresholds).score).toBeGreaterThanOrEqual(both.score);
    // Beyond the cap, the global look orders matches that are certain by their inliers.
    expect(fuse(300, 0.96, thresholds).score).toBeGreaterThan(fuse(400, 0.95, thresholds).score);
  });
});
