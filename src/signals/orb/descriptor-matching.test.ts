import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { DEFAULT_BRANCH_SEARCH, PreparedQuery } from './descriptor-matching.js';
import { verifyPair } from './geometric-verification.js';
import { orbSignal } from './orb-signal.js';

async function decode(...parts: string[]): Promise<DecodedImage> {
  const file = path.join(fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url)), ...parts);
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data };
}

describe('descriptor matching within vocabulary branches', () => {
  it('finds nearly the matches of the exhaustive search, and the same verdicts', async () => {
    const box = await orbSignal.extract(await decode('object', 'box', 'box.png'));
    const scene = await orbSignal.extract(await decode('object', 'box', 'box_in_scene.png'));
    const leuvenA = await orbSignal.extract(await decode('scene', 'leuven', 'leuvenA.jpg'));
    const leuvenB = await orbSignal.extract(await decode('scene', 'leuven', 'leuvenB.jpg'));
    const home = await orbSignal.extract(await decode('negative', 'home.jpg'));
    const all = new Uint8Array([box, scene, leuvenA, home].reduce((sum, f) => sum + f.descriptors.length, 0));
    let at = 0;
    for (const f of [box, scene, leuvenA, home]) {
      all.set(f.descriptors, at);
      at += f.descriptors.length;
    }
    const vocabulary = orbSignal.trainVocabulary(all);
    const search = { vocabulary, ...DEFAULT_BRANCH_SEARCH };
    for (const [query, candidate] of [
      [box, scene],
      [leuvenA, leuvenB],
    ] as const) {
      const exhaustive = new PreparedQuery(query).tentativeMatches(candidate);
      const branched = new PreparedQuery(query, search).tentativeMatches(candidate);
      const reference = new Set(exhaustive.map(([i, j]) => `${i}:${j}`));
      const shared = branched.filter(([i, j]) => reference.has(`${i}:${j}`)).length;
      expect(exhaustive.length).toBeGreaterThan(30);
      expect(shared).toBeGreaterThanOrEqual(exhaustive.length * 0.85);
      // A narrower search may pass a few more ratio tests (it misses some second-best), not many.
      expect(branched.length).toBeLessThanOrEqual(exhaustive.length * 1.2 + 5);
    }
    const fast = { allowSecondPlane: true, search, minInliers: 12 } as const;
    const reference = { allowSecondPlane: true, ransac: 'opencv' } as const;
    const sameFast = await verifyPair(leuvenA, leuvenB, fast);
    const sameReference = await verifyPair(leuvenA, leuvenB, reference);
    expect(sameReference.inliers).toBeGreaterThanOrEqual(20);
    expect(sameFast.inliers).toBeGreaterThanOrEqual(sameReference.inliers * 0.8);
    const otherFast = await verifyPair(box, home, fast);
    expect(otherFast.inliers).toBeLessThan(12);
    // Matched pairs keep pointing into the right pictures.
    for (const pair of sameFast.pairs) {
      expect(pair.query[0]).toBeLessThanOrEqual(leuvenA.width);
      expect(pair.candidate[0]).toBeLessThanOrEqual(leuvenB.width);
    }
  }, 120_000);
});
