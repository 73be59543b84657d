import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { queryDataDir } from './support/db-inspect.js';
import { freshDataDir, openTestHaven } from './support/haven-fixture.js';
import { bmp24, pictureJpeg } from './support/images.js';
import { tempDir } from './support/temp-dir.js';

function requireTool(tool: string, debianPackage: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`]);
  } catch {
    throw new Error(
      `${tool} is missing: install Debian's ${debianPackage} (scripts/install-system-deps.sh does)`,
    );
  }
}

describe('image formats', () => {
  it('ingests JPEG, PNG, GIF, WebP, TIFF, BMP, AVIF and HEIC by content, whatever the file names say', async () => {
    requireTool('heif-enc', 'libheif-examples');
    const dir = tempDir('haven-formats-');
    const base = await sharp(await pictureJpeg(400, 480, 360))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: base.info.width, height: base.info.height, channels: 3 as const } };
    const png = await sharp(base.data, raw).png().toBuffer();
    writeFileSync(path.join(dir, 'a.jpg.bin'), await sharp(base.data, raw).jpeg({ quality: 92 }).toBuffer());
    writeFileSync(path.join(dir, 'b.dat'), png);
    writeFileSync(path.join(dir, 'c.gif'), await sharp(base.data, raw).gif().toBuffer());
    writeFileSync(path.join(dir, 'd.webp'), await sharp(base.data, raw).webp({ lossless: true }).toBuffer());
    writeFileSync(
      path.join(dir, 'e.tif'),
      await sharp(base.data, raw).tiff({ compression: 'lzw' }).toBuffer(),
    );
    writeFileSync(path.join(dir, 'f.jpg'), bmp24(base.data, base.info.width, base.info.height));
    writeFileSync(path.join(dir, 'g.avif'), await sharp(base.data, raw).avif({ quality: 80 }).toBuffer());
    const heifSource = path.join(tempDir(), 'source.png');
    writeFileSync(heifSource, png);
    execFileSync('heif-enc', ['-q', '90', '-o', path.join(dir, 'h.heic'), heifSource]);
    const data = freshDataDir();
    const result = await runCli(['ingest', dir, '--case', 'FMT', '--data', data, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout).slice(0, -1);
    const mimes = Object.fromEntries(
      lines.map((line) => [path.basename(line.path as string), [line.mime, line.status]]),
    );
    expect(mimes).toEqual({
      'a.jpg.bin': ['image/jpeg', 'new'],
      'b.dat': ['image/png', 'new'],
      'c.gif': ['image/gif', 'new'],
      'd.webp': ['image/webp', 'new'],
      'e.tif': ['image/tiff', 'new'],
      'f.jpg': ['image/bmp', 'new'],
      'g.avif': ['image/avif', 'new'],
      'h.heic': ['image/heic', 'new'],
    });
    const rows = await queryDataDir<{
      mime: string;
      width: number;
      height: number;
      pdq: Uint8Array;
      quality: number;
    }>(
      data,
      `SELECT m.mime, m.width, m.height, s.value AS pdq, s.quality FROM media m
       JOIN media_signals s ON s.media_id = m.id AND s.signal = 'pdq' ORDER BY m.mime`,
    );
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect([row.width, row.height], row.mime).toEqual([480, 360]);
      expect(row.quality).toBeGreaterThanOrEqual(50);
    }
    // Lossless encodings of the same pixels give the very same PDQ; lossy ones stay close.
    const pdqOf = (format: string): Buffer =>
      Buffer.from(rows.find((row) => row.mime === `image/${format}`)!.pdq);
    const png1 = pdqOf('png');
    for (const format of ['tiff', 'bmp', 'webp']) {
      expect(pdqOf(format).equals(png1), format).toBe(true);
    }
    const haven = await openTestHaven(data);
    try {
      const { pdqSignal } = await import('#haven/signals/pdq/pdq-signal.js');
      for (const format of ['jpeg', 'avif', 'heic', 'gif']) {
        expect(pdqSignal.distance(pdqOf(format), png1), format).toBeLessThanOrEqual(31);
      }
    } finally {
      await haven.close();
    }
  });
});

describe('metadata and previews', () => {
  it('keeps camera EXIF and stores a thumbnail and a blurred greyscale preview, encrypted', async () => {
    requireTool('exiftool', 'libimage-exiftool-perl');
    const dir = tempDir('haven-exif-');
    const file = path.join(dir, 'camera.jpg');
    writeFileSync(file, await pictureJpeg(401, 800, 600));
    execFileSync('exiftool', [
      '-q',
      '-Make=Canon',
      '-Model=Canon EOS 5D Mark IV',
      '-SerialNumber=032021001234',
      '-LensSerialNumber=0000012345',
      '-DateTimeOriginal=2024:03:15 14:22:05',
      '-OffsetTimeOriginal=+01:00',
      '-GPSLatitude=48.858370',
      '-GPSLatitudeRef=N',
      '-GPSLongitude=2.294481',
      '-GPSLongitudeRef=E',
      '-Software=TestSoft',
      '-Orientation#=6',
      '-overwrite_original',
      file,
    ]);
    const data = freshDataDir();
    const result = await runCli(['ingest', dir, '--case', 'EXIF', '--data', data], {
      TZ: 'America/New_York',
    });
    expect(result.code, result.stderr).toBe(0);
    const [media] = await queryDataDir<{
      metadata: { exif: Record<string, unknown> };
      thumbnail_sha256: Uint8Array;
      blurred_sha256: Uint8Array;
      width: number;
    }>(data, 'SELECT metadata, thumbnail_sha256, blurred_sha256, width FROM media');
    expect(media!.width).toBe(800);
    expect(media!.metadata.exif).toMatchObject({
      make: 'Canon',
      model: 'Canon EOS 5D Mark IV',
      bodySerialNumber: '032021001234',
      lensSerialNumber: '0000012345',
      captureTime: '2024-03-15T14:22:05+01:00',
      software: 'TestSoft',
      orientation: 6,
    });
    expect(media!.metadata.exif.gpsLatitude).toBeCloseTo(48.85837, 5);
    expect(media!.metadata.exif.gpsLongitude).toBeCloseTo(2.294481, 5);

    const haven = await openTestHaven(data);
    try {
      const thumbnail = await haven.previews.readAll(media!.thumbnail_sha256);
      const blurred = await haven.previews.readAll(media!.blurred_sha256);
      // Orientation 6 turns the 800x600 picture upright: previews are portrait.
      expect(await sharp(thumbnail).metadata()).toMatchObject({ format: 'webp', width: 192, height: 256 });
      const blurredStats = await sharp(blurred).stats();
      expect(await sharp(blurred).metadata()).toMatchObject({ format: 'webp', width: 192, height: 256 });
      const [r, g, b] = blurredStats.channels;
      expect(Math.abs(r!.mean - g!.mean) + Math.abs(g!.mean - b!.mean)).toBeLessThan(2);
      expect(blurredStats.sharpness).toBeLessThan((await sharp(thumbnail).stats()).sharpness / 3);
    } finally {
      await haven.close();
    }
    // Nothing in the evidence store is readable without the key.
    const previewDir = path.join(data, 'evidence', 'previews');
    const stored = readdirSync(previewDir, { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    );
    for (const entry of stored) {
      const bytes = readFileSync(path.join(entry.parentPath, entry.name));
      expect(bytes.subarray(0, 8).toString('latin1')).toBe('HVNBLOB1');
      expect(bytes.includes(Buffer.from('WEBP'))).toBe(false);
    }
  });
});
