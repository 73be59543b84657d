import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { orbSignal } from './orb-signal.js';

/** ../shared/testdata beside the repository (read at run time, never copied). */
function sharedPath(...parts: string[]): string {
  const full = path.join(
    fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url)),
    ...parts.slice(1),
  );
  if (!existsSync(full)) {
    throw new Error(`Test data missing: ${full} (../shared beside the repository)`);
  }
  return full;
}

async function decode(...parts: string[]): Promise<DecodedImage> {
  const { data, info } = await sharp(sharedPath('testdata', ...parts))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data };
}

describe('ORB local features', () => {
  it('links a real object to the scene holding it, and not to an unrelated picture', async () => {
    const box = await orbSignal.extract(await decode('object', 'box', 'box.png'));
    const scene = await orbSignal.extract(await decode('object', 'box', 'box_in_scene.png'), {
      x: 90,
      y: 150,
      width: 190,
      height: 160,
    });
    const other = await orbSignal.extract(await decode('negative', 'home.jpg'));
    expect(box.count).toBeGreaterThan(300);
    expect(box.points.every((v) => Number.isFinite(v))).toBe(true);
    const same = await orbSignal.verify(box, scene, { allowSecondPlane: false });
    const unrelated = await orbSignal.verify(box, other, { allowSecondPlane: true });
    expect(same.inliers).toBeGreaterThanOrEqual(20);
    expect(unrelated.inliers).toBeLessThan(12);
    // Matched points lie on the box in the scene: its left-centre part.
    for (const pair of same.pairs) {
      expect(pair.candidate[0]).toBeGreaterThan(60);
      expect(pair.candidate[0]).toBeLessThan(300);
      expect(pair.query[0]).toBeLessThanOrEqual(box.width);
    }
  }, 60_000);

  it('finds a left-right flipped copy through the mirrored query, with points in the unflipped query', async () => {
    const box = await decode('object', 'box', 'box.png');
    const flippedPixels = await sharp(box.data, {
      raw: { width: box.width, height: box.height, channels: box.channels },
    })
      .flop()
      .raw()
      .toBuffer();
    const flipped = await orbSignal.extract({ ...box, data: flippedPixels });
    const direct = await orbSignal.extract(box);
    const mirrored = await orbSignal.extract(box, null, true);
    const asIs = await orbSignal.verify(direct, flipped, { allowSecondPlane: false });
    const throughMirror = await orbSignal.verify(mirrored, flipped, { allowSecondPlane: false });
    expect(throughMirror.inliers).toBeGreaterThanOrEqual(40);
    expect(throughMirror.inliers).toBeGreaterThan(asIs.inliers * 3);
    // A query point at x lands near width - 1 - x in the flipped copy (same y).
    for (const pair of throughMirror.pairs) {
      expect(Math.abs(pair.candidate[0] - (box.width - 1 - pair.query[0]))).toBeLessThan(4);
      expect(Math.abs(pair.candidate[1] - pair.query[1])).toBeLessThan(4);
    }
  }, 60_000);

  it('keeps region keypoints inside the region, in original pixels', async () => {
    const scene = await decode('object', 'box', 'box_in_scene.png');
    const features = await orbSignal.extract(scene, { x: 90, y: 150, width: 190, height: 160 });
    expect(features.count).toBeGreaterThan(50);
    for (let i = 0; i < features.count; i += 1) {
      expect(features.points[i * 2]).toBeGreaterThanOrEqual(89);
      expect(features.points[i * 2]).toBeLessThanOrEqual(281);
      expect(features.points[i * 2 + 1]).toBeGreaterThanOrEqual(149);
      expect(features.points[i * 2 + 1]).toBeLessThanOrEqual(311);
    }
  }, 60_000);

  it('retrieves the right image from the inverted file, and survives serialisation', async () => {
    const images = [
      await decode('object', 'box', 'box.png'),
      await decode('scene', 'leuven', 'leuvenA.jpg'),
      await decode('negative', 'home.jpg'),
      await decode('negative', 'coffee.png'),
    ];
    const features = await Promise.all(images.map((image) => orbSignal.extract(image)));
    const all = new Uint8Array(features.reduce((sum, f) => sum + f.descriptors.length, 0));
    let at = 0;
    for (const f of features) {
      all.set(f.descriptors, at);
      at += f.descriptors.length;
    }
    const vocabulary = orbSignal.deserializeVocabulary(
      orbSignal.serializeVocabulary(orbSignal.trainVocabulary(all)),
    );
    const index = orbSignal.createIndex(vocabulary);
    features.forEach((f, i) => {
      index.add(i + 10, orbSignal.words(vocabulary, f));
    });
    index.add(10, orbSignal.words(vocabulary, features[3]!));
    expect(index.size).toBe(4);
    const scene = await orbSignal.extract(await decode('object', 'box', 'box_in_scene.png'), {
      x: 90,
      y: 150,
      width: 190,
      height: 160,
    });
    const leuvenB = await orbSignal.extract(await decode('scene', 'leuven', 'leuvenB.jpg'));
    // The rectangle around the box in the scene finds the box.
    expect(index.query(orbSignal.words(vocabulary, scene), 1)[0]!.id).toBe(10);
    const copy = orbSignal.deserializeIndex(index.serialize());
    expect(copy.query(orbSignal.words(vocabulary, leuvenB), 1)[0]!.id).toBe(11);
    copy.remove(11);
    expect(copy.size).toBe(3);
    expect(copy.query(orbSignal.words(vocabulary, leuvenB), 3).map((c) => c.id)).not.toContain(11);
    expect(() => orbSignal.deserializeIndex(new Uint8Array(5))).toThrow();
  }, 60_000);
});
