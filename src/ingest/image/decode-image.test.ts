import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHavenError } from '#haven/platform/errors/haven-error.js';
import { decodeForHashing, readImageHeader } from './decode-image.js';

const LIMITS = { maxPixels: 4_000_000 };
const WIDTH = 64;
const HEIGHT = 48;

/** A colourful test pattern with smooth areas and edges, RGB interleaved. */
function pattern(width = WIDTH, height = HEIGHT): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 4) & 0xff;
      data[i + 1] = (y * 5) & 0xff;
      data[i + 2] = (x + y) % 16 < 8 ? 40 : 220;
    }
  }
  return data;
}

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += Math.abs(a[i]! - b[i]!);
  }
  return sum / a.length;
}

function rawInput(data: Buffer, channels: 1 | 2 | 3 | 4, width = WIDTH, height = HEIGHT): Sharp {
  return sharp(data, { raw: { width, height, channels } });
}

/** Minimal PNG writer (one IDAT, filter 0) so 16-bit samples and bomb headers are exactly known. */
function chunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(
  width: number,
  height: number,
  bitDepth: 8 | 16,
  colourType: 0 | 2,
  samples: Uint8Array,
): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bitDepth;
  header[9] = colourType;
  const rowBytes = samples.length / height;
  const filtered = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    filtered.set(samples.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filtered)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function sixteenBitSamples(count: number): { bigEndian: Buffer; expected8: number[] } {
  const bigEndian = Buffer.alloc(count * 2);
  const expected8: number[] = [];
  for (let i = 0; i < count; i++) {
    const value = (i * 2731 + 300) & 0xffff;
    bigEndian.writeUInt16BE(value, i * 2);
    expected8.push(value >> 8);
  }
  return { bigEndian, expected8 };
}

async function expectHavenError(promise: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    if (isHavenError(error) && error.code === code) {
      return { ...error.details };
    }
    throw error;
  }
  throw new Error(`expected ${code}`);
}

function requireTool(tool: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!found) {
    throw new Error(
      `${tool} is not installed: run apt-get install -y --no-install-recommends ${debianPackage}`,
    );
  }
}

let workDir = '';
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'haven-decode-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Encodes `png` to HEIC (HEVC) with Debian's heif-enc and returns the file's bytes. */
function heifEnc(png: Buffer, name: string, extraArgs: string[] = []): Buffer {
  requireTool('heif-enc', 'libheif-examples');
  const input = path.join(workDir, `${name}.png`);
  const output = path.join(workDir, `${name}.heic`);
  writeFileSync(input, png);
  execFileSync('heif-enc', [...extraArgs, '-o', output, input], { stdio: 'pipe' });
  return readFileSync(output);
}

describe('decodeForHashing: every supported format', () => {
  const source = pattern();

  it('JPEG (colour and greyscale)', async () => {
    const jpeg = await rawInput(source, 3).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
    const decoded = await decodeForHashing(jpeg, 'image/jpeg', LIMITS);
    expect(decoded).toMatchObject({ format: 'jpeg', width: WIDTH, height: HEIGHT });
    expect(decoded.image.channels).toBe(3);
    expect(meanAbsoluteDifference(decoded.image.data, source)).toBeLessThan(6);
    expect(decoded.pipeline).toMatch(
      /^sharp-libvips-[\d.]+;icc=ignored;alpha=dropped;16bit=>>8;.*orientation=not-applied/,
    );

    const grey = await rawInput(source, 3).toColourspace('b-w').jpeg().toBuffer();
    expect((await decodeForHashing(grey, 'image/jpeg', LIMITS)).image.channels).toBe(1);
  });

  it('PNG: RGB exact, RGBA with alpha dropped (not composited), grey and grey+alpha as one channel', async () => {
    const png = await rawInput(source, 3).png().toBuffer();
    expect(Buffer.from((await decodeForHashing(png, 'image/png', LIMITS)).image.data)).toEqual(source);

    const rgba = Buffer.alloc(WIDTH * HEIGHT * 4);
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      source.copy(rgba, i * 4, i * 3, i * 3 + 3);
      rgba[i * 4 + 3] = i % 3 === 0 ? 0 : 255;
    }
    const withAlpha = await decodeForHashing(await rawInput(rgba, 4).png().toBuffer(), 'image/png', LIMITS);
    expect(withAlpha.image.channels).toBe(3);
    expect(Buffer.from(withAlpha.image.data)).toEqual(source);

    const greyAlpha = Buffer.alloc(WIDTH * HEIGHT * 2);
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      greyAlpha[i * 2] = i & 0xff;
      greyAlpha[i * 2 + 1] = 128;
    }
    const greyPng = await rawInput(greyAlpha, 2).toColourspace('b-w').png().toBuffer();
    const grey = await decodeForHashing(greyPng, 'image/png', LIMITS);
    expect(grey.image.channels).toBe(1);
    expect(Array.from(grey.image.data.subarray(0, 4))).toEqual([0, 1, 2, 3]);
  });

  it('PNG 16-bit RGB and grey are reduced by v >> 8', async () => {
    const rgb = sixteenBitSamples(WIDTH * HEIGHT * 3);
    const rgbPng = encodePng(WIDTH, HEIGHT, 16, 2, rgb.bigEndian);
    expect((await sharp(rgbPng).metadata()).depth).toBe('ushort');
    const rgbDecoded = await decodeForHashing(rgbPng, 'image/png', LIMITS);
    expect(rgbDecoded.image.channels).toBe(3);
    expect(Array.from(rgbDecoded.image.data)).toEqual(rgb.expected8);

    const grey = sixteenBitSamples(WIDTH * HEIGHT);
    const greyDecoded = await decodeForHashing(
      encodePng(WIDTH, HEIGHT, 16, 0, grey.bigEndian),
      'image/png',
      LIMITS,
    );
    expect(greyDecoded.image.channels).toBe(1);
    expect(Array.from(greyDecoded.image.data)).toEqual(grey.expected8);
  });

  it('GIF and animated WebP: first frame only', async () => {
    const frames = Buffer.alloc(WIDTH * HEIGHT * 3 * 3);
    for (let frame = 0; frame < 3; frame++) {
      frames.fill([30, 200, 90][frame]!, frame * WIDTH * HEIGHT * 3, (frame + 1) * WIDTH * HEIGHT * 3);
    }
    const animated = sharp(frames, {
      raw: { width: WIDTH, height: HEIGHT * 3, channels: 3, pageHeight: HEIGHT },
    });
    const gif = await animated.clone().gif().toBuffer();
    const webp = await animated.clone().webp({ lossless: true }).toBuffer();
    for (const [bytes, mime, format] of [
      [gif, 'image/gif', 'gif'],
      [webp, 'image/webp', 'webp'],
    ] as const) {
      expect((await sharp(bytes).metadata()).pages).toBe(3);
      const decoded = await decodeForHashing(bytes, mime, LIMITS);
      expect(decoded).toMatchObject({ format, width: WIDTH, height: HEIGHT });
      // A flat grey frame folds to one channel: every sample is the first frame's value.
      expect(decoded.image.channels).toBe(1);
      expect(new Set(decoded.image.data)).toEqual(new Set([30]));
    }
  });

  it('WebP lossless and TIFF (first page of a multi-page file) are exact', async () => {
    const webp = await rawInput(source, 3).webp({ lossless: true }).toBuffer();
    expect(Buffer.from((await decodeForHashing(webp, 'image/webp', LIMITS)).image.data)).toEqual(source);

    const twoPages = Buffer.concat([source, Buffer.alloc(source.length, 77)]);
    const tiff = await sharp(twoPages, {
      raw: { width: WIDTH, height: HEIGHT * 2, channels: 3, pageHeight: HEIGHT },
    })
      .tiff({ compression: 'lzw' })
      .toBuffer();
    expect((await sharp(tiff).metadata()).pages).toBe(2);
    const decoded = await decodeForHashing(tiff, 'image/tiff', LIMITS);
    expect(decoded).toMatchObject({ format: 'tiff', width: WIDTH, height: HEIGHT });
    expect(Buffer.from(decoded.image.data)).toEqual(source);
  });

  it('AVIF, and AV1-coded HEIF announced as image/heif, go through sharp', async () => {
    const avif = await rawInput(source, 3).avif({ quality: 90 }).toBuffer();
    const heifAv1 = await rawInput(source, 3).heif({ compression: 'av1', quality: 90 }).toBuffer();
    for (const [bytes, mime] of [
      [avif, 'image/avif'],
      [heifAv1, 'image/heif'],
    ] as const) {
      const decoded = await decodeForHashing(bytes, mime, LIMITS);
      expect(decoded).toMatchObject({ format: 'avif', width: WIDTH, height: HEIGHT });
      expect(decoded.pipeline).toMatch(/^sharp-libvips-/);
      expect(meanAbsoluteDifference(decoded.image.data, source)).toBeLessThan(8);
    }
  });

  it('HEIC (HEVC, made by heif-enc) through heic-decode', async () => {
    const heic = heifEnc(await rawInput(source, 3).png().toBuffer(), 'pattern', ['-q', '90']);
    const decoded = await decodeForHashing(heic, 'image/heic', LIMITS);
    expect(decoded).toMatchObject({ format: 'heic', width: WIDTH, height: HEIGHT });
    expect(decoded.image.channels).toBe(3);
    expect(decoded.pipeline).toMatch(/^heic-decode-[\d.]+-libheif-js-[\d.]+;icc=ignored;alpha=dropped/);
    expect(meanAbsoluteDifference(decoded.image.data, source)).toBeLessThan(8);
    expect(await readImageHeader(heic, 'image/heic')).toMatchObject({
      width: WIDTH,
      height: HEIGHT,
      format: 'heic',
    });
  });
});

describe('decodeForHashing: bad input', () => {
  it('rejects truncated JPEG and PNG files instead of hashing a partly grey image', async () => {
    const photo = pattern(256, 192);
    const jpeg = await rawInput(photo, 3, 256, 192).jpeg().toBuffer();
    const png = await rawInput(photo, 3, 256, 192).png({ compressionLevel: 0 }).toBuffer();
    const jpegError = await expectHavenError(
      decodeForHashing(jpeg.subarray(0, jpeg.length >> 1), 'image/jpeg', LIMITS),
      'IMAGE_UNDECODABLE',
    );
    expect(jpegError.reason).toMatch(/premature end/i);
    await expectHavenError(
      decodeForHashing(png.subarray(0, png.length >> 1), 'image/png', LIMITS),
      'IMAGE_UNDECODABLE',
    );
  });

  it('rejects random bytes behind a JPEG signature, empty input and unsupported types', async () => {
    const garbage = Buffer.alloc(4000);
    for (let i = 0; i < garbage.length; i++) {
      garbage[i] = (i * 7919 + 13) % 251;
    }
    garbage.set([0xff, 0xd8, 0xff, 0xe0]);
    await expectHavenError(decodeForHashing(garbage, 'image/jpeg', LIMITS), 'IMAGE_UNDECODABLE');
    expect(
      (await expectHavenError(decodeForHashing(new Uint8Array(0), 'image/png', LIMITS), 'IMAGE_UNDECODABLE'))
        .reason,
    ).toBe('empty input');
    await expectHavenError(
      decodeForHashing(garbage, 'image/vnd.microsoft.icon', LIMITS),
      'IMAGE_UNDECODABLE',
    );
    await expectHavenError(decodeForHashing(garbage, 'image/heic', LIMITS), 'IMAGE_UNDECODABLE');
  });

  it('refuses a PNG declaring 100000x100000 pixels from its header, quickly', async () => {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(100_000, 0);
    header.writeUInt32BE(100_000, 4);
    header[8] = 8;
    header[9] = 2;
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.alloc(1000))),
      chunk('IEND', new Uint8Array(0)),
    ]);
    const started = performance.now();
    const details = await expectHavenError(decodeForHashing(bomb, 'image/png', LIMITS), 'IMAGE_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(details).toEqual({ width: 100_000, height: 100_000, limit: LIMITS.maxPixels });
    expect(await readImageHeader(bomb, 'image/png')).toMatchObject({
      width: 100_000,
      height: 100_000,
      format: 'png',
    });
  });

  it('refuses a HEIC whose container declares an oversized image, before decoding it', async () => {
    const heic = heifEnc(await rawInput(pattern(), 3).png().toBuffer(), 'small');
    // Rewrite every image spatial extents property (ispe: coded and cropped image) to 4000x4000.
    const patched = Buffer.from(heic);
    let patches = 0;
    for (
      let ispe = heic.indexOf('ispe', 0, 'latin1');
      ispe >= 0;
      ispe = heic.indexOf('ispe', ispe + 1, 'latin1')
    ) {
      patched.writeUInt32BE(4000, ispe + 8);
      patched.writeUInt32BE(4000, ispe + 12);
      patches++;
    }
    expect(patches).toBeGreaterThan(0);
    const details = await expectHavenError(
      decodeForHashing(patched, 'image/heic', LIMITS),
      'IMAGE_TOO_LARGE',
    );
    expect(details).toEqual({ width: 4000, height: 4000, limit: LIMITS.maxPixels });
  });
});

describe('readImageHeader', () => {
  it('reports orientation and page count without decoding', async () => {
    const jpeg = await rawInput(pattern(), 3).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await readImageHeader(jpeg, 'image/jpeg')).toEqual({
      width: WIDTH,
      height: HEIGHT,
      format: 'jpeg',
      orientation: 6,
    });
    // Two different frames (the GIF writer merges identical ones).
    const frames = Buffer.concat([
      Buffer.alloc(WIDTH * HEIGHT * 3, 20),
      Buffer.alloc(WIDTH * HEIGHT * 3, 200),
    ]);
    const gif = await sharp(frames, {
      raw: { width: WIDTH, height: HEIGHT * 2, channels: 3, pageHeight: HEIGHT },
    })
      .gif()
      .toBuffer();
    expect(await readImageHeader(gif, 'image/gif')).toMatchObject({
      width: WIDTH,
      height: HEIGHT,
      format: 'gif',
      pages: 2,
    });
  });
});
