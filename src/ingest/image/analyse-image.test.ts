import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseImage } from './analyse-image.js';

const LIMITS = { maxPixels: 4_000_000 };

function gradient(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    data.set([(x * 255) / width, (y * 255) / height, ((x ^ y) * 4) & 0xff], i * 3);
  }
  return data;
}

let workDir = '';
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'haven-analyse-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('analyseImage', () => {
  it('JPEG with EXIF orientation: hash pixels as stored, previews upright, metadata read', async () => {
    const jpeg = await sharp(gradient(300, 200), { raw: { width: 300, height: 200, channels: 3 } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Canon', Model: 'Test' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const analysis = await analyseImage(jpeg, 'image/jpeg', LIMITS);
    expect(analysis).toMatchObject({ format: 'jpeg', width: 300, height: 200 });
    expect([analysis.pixels.width, analysis.pixels.height, analysis.pixels.channels]).toEqual([300, 200, 3]);
    expect(analysis.pipeline).toContain('orientation=not-applied');
    expect(analysis.exif).toMatchObject({ make: 'Canon', model: 'Test', orientation: 6 });
    expect([analysis.previews.thumbnail.width, analysis.previews.thumbnail.height]).toEqual([171, 256]);
    expect([analysis.previews.blurred.width, analysis.previews.blurred.height]).toEqual([171, 256]);
  });

  it('HEIC: decoded once with heic-decode, previews from the same pixels', async () => {
    if (spawnSync('sh', ['-c', 'command -v heif-enc']).status !== 0) {
      throw new Error(
        'heif-enc is not installed: run apt-get install -y --no-install-recommends libheif-examples',
      );
    }
    const png = path.join(workDir, 'in.png');
    const heic = path.join(workDir, 'out.heic');
    writeFileSync(
      png,
      await sharp(gradient(120, 80), { raw: { width: 120, height: 80, channels: 3 } })
        .png()
        .toBuffer(),
    );
    execFileSync('heif-enc', ['-o', heic, png], { stdio: 'pipe' });
    const analysis = await analyseImage(readFileSync(heic), 'image/heic', LIMITS);
    expect(analysis).toMatchObject({ format: 'heic', width: 120, height: 80, exif: null });
    expect(analysis.pipeline).toMatch(/^heic-decode-/);
    expect([analysis.previews.thumbnail.width, analysis.previews.thumbnail.height]).toEqual([120, 80]);
  });

  it('reports undecodable and oversized images as HavenErrors', async () => {
    const jpeg = await sharp(gradient(200, 150), { raw: { width: 200, height: 150, channels: 3 } })
      .jpeg()
      .toBuffer();
    await expect(analyseImage(jpeg.subarray(0, jpeg.length / 2), 'image/jpeg', LIMITS)).rejects.toMatchObject(
      {
        code: 'IMAGE_UNDECODABLE',
      },
    );
    await expect(analyseImage(jpeg, 'image/jpeg', { maxPixels: 10_000 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      details: { width: 200, height: 150, limit: 10_000 },
    });
  });
});
