import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PREVIEW_MAX_SIDE, renderPreviews, type PreviewImage } from './previews.js';

/** Four flat quadrants of different colours: any wrong rotation or mirror moves a colour. */
function quadrants(width: number, height: number): Buffer {
  const colours = [
    [220, 30, 30],
    [30, 200, 40],
    [40, 50, 210],
    [230, 220, 40],
  ] as const;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = colours[(y < height / 2 ? 0 : 2) + (x < width / 3 ? 0 : 1)]!;
      data.set(colour, (y * width + x) * 3);
    }
  }
  return data;
}

/** Fine detail everywhere: a 2-pixel checkerboard over a gradient. */
function detailed(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = (Math.floor(x / 2) + Math.floor(y / 2)) % 2 === 0 ? 40 : 215;
      data.set([base, (base + x) & 0xff, (base + y) & 0xff], (y * width + x) * 3);
    }
  }
  return data;
}

async function decodePreview(preview: PreviewImage): Promise<{ data: Buffer; channels: number }> {
  const { data, info } = await sharp(preview.bytes).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([preview.width, preview.height]);
  return { data, channels: info.channels };
}

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += Math.abs(a[i]! - b[i]!);
  }
  return sum / a.length;
}

/** Mean absolute 4-neighbour Laplacian of one channel: a measure of fine detail. */
function meanLaplacian(data: Uint8Array, width: number, height: number, channels: number): number {
  let sum = 0;
  const at = (x: number, y: number): number => data[(y * width + x) * channels]!;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      sum += Math.abs(4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1));
    }
  }
  return sum / ((width - 2) * (height - 2));
}

describe('renderPreviews', () => {
  it('applies each of the 8 EXIF orientations like sharp autoOrient does', async () => {
    const pixels = quadrants(90, 60);
    for (let orientation = 1; orientation <= 8; orientation++) {
      const jpeg = await sharp(pixels, { raw: { width: 90, height: 60, channels: 3 } })
        .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        .withMetadata({ orientation })
        .toBuffer();
      const expected = await sharp(jpeg).autoOrient().raw().toBuffer({ resolveWithObject: true });
      const previews = await renderPreviews(
        { data: pixels, width: 90, height: 60, channels: 3 },
        orientation,
      );
      const fromBytes = await renderPreviews(jpeg, orientation);
      for (const preview of [previews.thumbnail, fromBytes.thumbnail]) {
        expect([preview.width, preview.height], `orientation ${orientation}`).toEqual([
          expected.info.width,
          expected.info.height,
        ]);
        const { data } = await decodePreview(preview);
        expect(meanAbsoluteDifference(data, expected.data), `orientation ${orientation}`).toBeLessThan(6);
      }
    }
  });

  it('swaps the aspect ratio of a JPEG with orientation 6 and limits the longest side to 256', async () => {
    const jpeg = await sharp(quadrants(600, 400), { raw: { width: 600, height: 400, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const { thumbnail, blurred } = await renderPreviews(jpeg, 6);
    expect([thumbnail.width, thumbnail.height]).toEqual([171, PREVIEW_MAX_SIDE]);
    expect([blurred.width, blurred.height]).toEqual([171, PREVIEW_MAX_SIDE]);
    expect(thumbnail.mime).toBe('image/webp');
    expect(Buffer.from(thumbnail.bytes.subarray(8, 12)).toString('latin1')).toBe('WEBP');
  });

  it('keeps small images at their size', async () => {
    const { thumbnail, blurred } = await renderPreviews(
      { data: detailed(40, 30), width: 40, height: 30, channels: 3 },
      1,
    );
    expect([thumbnail.width, thumbnail.height, blurred.width, blurred.height]).toEqual([40, 30, 40, 30]);
  });

  it('blurred preview is grey and has lost the fine detail the thumbnail keeps', async () => {
    const source = { data: detailed(512, 384), width: 512, height: 384, channels: 3 } as const;
    const { thumbnail, blurred } = await renderPreviews(source, 1);
    const blurredPixels = await decodePreview(blurred);
    // Lossy WebP stores YUV, so neutral chroma can decode one level off; grey within that rounding.
    let largestChannelGap = 0;
    for (let i = 0; i < blurredPixels.data.length; i += blurredPixels.channels) {
      const [r, g, b] = [blurredPixels.data[i]!, blurredPixels.data[i + 1]!, blurredPixels.data[i + 2]!];
      largestChannelGap = Math.max(largestChannelGap, Math.abs(r - g), Math.abs(g - b), Math.abs(r - b));
    }
    expect(largestChannelGap).toBeLessThanOrEqual(2);
    const stats = await sharp(blurred.bytes).stats();
    expect(Math.abs(stats.channels[0]!.mean - stats.channels[1]!.mean)).toBeLessThan(0.5);
    expect(Math.abs(stats.channels[1]!.mean - stats.channels[2]!.mean)).toBeLessThan(0.5);
    const thumbnailPixels = await decodePreview(thumbnail);
    const thumbnailDetail = meanLaplacian(
      thumbnailPixels.data,
      thumbnail.width,
      thumbnail.height,
      thumbnailPixels.channels,
    );
    const blurredDetail = meanLaplacian(
      blurredPixels.data,
      blurred.width,
      blurred.height,
      blurredPixels.channels,
    );
    expect(thumbnailDetail).toBeGreaterThan(20);
    expect(blurredDetail).toBeLessThan(thumbnailDetail / 20);
  });

  it('strips all metadata and is deterministic', async () => {
    const jpeg = await sharp(quadrants(300, 200), { raw: { width: 300, height: 200, channels: 3 } })
      .jpeg()
      .withIccProfile('p3')
      .withExif({ IFD0: { Make: 'Canon', Model: 'Secret', Artist: 'Someone' } })
      .withXmp(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>',
      )
      .toBuffer();
    const source = await sharp(jpeg).metadata();
    expect(source.exif).toBeDefined();
    expect(source.icc).toBeDefined();
    const first = await renderPreviews(jpeg, 1);
    const second = await renderPreviews(jpeg, 1);
    for (const preview of [first.thumbnail, first.blurred]) {
      const metadata = await sharp(preview.bytes).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.iptc).toBeUndefined();
    }
    expect(Buffer.from(second.thumbnail.bytes)).toEqual(Buffer.from(first.thumbnail.bytes));
    expect(Buffer.from(second.blurred.bytes)).toEqual(Buffer.from(first.blurred.bytes));
  });

  it('accepts grey and grey+alpha raw pixels, and reports unreadable bytes as IMAGE_UNDECODABLE', async () => {
    const grey = Buffer.alloc(50 * 20, 128);
    expect(
      (await renderPreviews({ data: grey, width: 50, height: 20, channels: 1 }, 8)).thumbnail,
    ).toMatchObject({
      width: 20,
      height: 50,
    });
    const greyAlpha = Buffer.alloc(50 * 20 * 2, 77);
    expect(
      (await renderPreviews({ data: greyAlpha, width: 50, height: 20, channels: 2 }, 1)).blurred.width,
    ).toBe(50);
    await expect(renderPreviews(Buffer.from('not an image at all'), 1)).rejects.toMatchObject({
      code: 'IMAGE_UNDECODABLE',
    });
  });
});
