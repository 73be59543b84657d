import { describe, expect, it } from 'vitest';
import { isHavenError } from '#haven/platform/errors/haven-error.js';
import { decodeBmp, readBmpHeader } from './bmp-decoder.js';
import { decodeForHashing } from './decode-image.js';

// ---------------------------------------------------------------------------------------------
// A small BMP writer for the tests, written from the format description: 14-byte file header,
// one of the DIB headers, optional masks and palette, then rows padded to 4 bytes.
// ---------------------------------------------------------------------------------------------

type Rgb = readonly [number, number, number];

interface Masks {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
  readonly alpha?: number;
}

interface BmpSpec {
  readonly width: number;
  readonly height: number;
  readonly bitsPerPixel: 1 | 2 | 4 | 8 | 16 | 24 | 32;
  /** DIB header size: 12 (core), 40 (info), 52 (V2), 56 (V3), 108 (V4), 124 (V5). */
  readonly headerSize?: 12 | 40 | 52 | 56 | 108 | 124;
  /** 0 RGB, 1 RLE8, 2 RLE4, 3 BITFIELDS, 6 ALPHABITFIELDS. */
  readonly compression?: 0 | 1 | 2 | 3 | 6;
  readonly masks?: Masks;
  readonly palette?: readonly Rgb[];
  readonly coloursUsed?: number;
  readonly topDown?: boolean;
  /** Stored value per pixel, top row first: palette index, packed 16/32-bit value, or 0xRRGGBB. */
  readonly values?: readonly (readonly number[])[];
  /** Pre-encoded pixel data (RLE). */
  readonly pixelData?: Uint8Array;
}

function encodeRows(spec: BmpSpec): Uint8Array {
  const { width, height, bitsPerPixel } = spec;
  const stride = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  const out = new Uint8Array(stride * height);
  const view = new DataView(out.buffer);
  for (let y = 0; y < height; y++) {
    const storedRow = spec.topDown === true ? y : height - 1 - y;
    const row = spec.values![y]!;
    const base = storedRow * stride;
    for (let x = 0; x < width; x++) {
      const value = row[x]!;
      if (bitsPerPixel <= 8) {
        const bitOffset = x * bitsPerPixel;
        const shift = 8 - bitsPerPixel - (bitOffset % 8);
        out[base + Math.floor(bitOffset / 8)]! |= value << shift;
      } else if (bitsPerPixel === 16) {
        view.setUint16(base + x * 2, value, true);
      } else if (bitsPerPixel === 24) {
        out[base + x * 3] = value & 0xff;
        out[base + x * 3 + 1] = (value >> 8) & 0xff;
        out[base + x * 3 + 2] = (value >> 16) & 0xff;
      } else {
        view.setUint32(base + x * 4, value >>> 0, true);
      }
    }
  }
  return out;
}

function encodeBmp(spec: BmpSpec): Uint8Array {
  const headerSize = spec.headerSize ?? 40;
  const compression = spec.compression ?? 0;
  const core = headerSize === 12;
  const palette = spec.palette ?? [];
  const paletteEntry = core ? 3 : 4;
  const separateMasks = headerSize === 40 && (compression === 3 || compression === 6);
  const maskBytes = separateMasks ? (compression === 6 ? 16 : 12) : 0;
  const pixels = spec.pixelData ?? encodeRows(spec);
  const pixelOffset = 14 + headerSize + maskBytes + palette.length * paletteEntry;
  const file = new Uint8Array(pixelOffset + pixels.length);
  const view = new DataView(file.buffer);
  file[0] = 0x42;
  file[1] = 0x4d;
  view.setUint32(2, file.length, true);
  view.setUint32(10, pixelOffset, true);
  view.setUint32(14, headerSize, true);
  const height = spec.topDown === true ? -spec.height : spec.height;
  if (core) {
    view.setUint16(18, spec.width, true);
    view.setUint16(20, spec.height, true);
    view.setUint16(22, 1, true);
    view.setUint16(24, spec.bitsPerPixel, true);
  } else {
    view.setInt32(18, spec.width, true);
    view.setInt32(22, height, true);
    view.setUint16(26, 1, true);
    view.setUint16(28, spec.bitsPerPixel, true);
    view.setUint32(30, compression, true);
    view.setUint32(34, pixels.length, true);
    view.setUint32(46, spec.coloursUsed ?? 0, true);
    if (spec.masks !== undefined && (headerSize >= 52 || separateMasks)) {
      const masks = [spec.masks.red, spec.masks.green, spec.masks.blue, spec.masks.alpha ?? 0];
      const count = headerSize >= 56 || compression === 6 ? 4 : 3;
      masks.slice(0, count).forEach((mask, i) => {
        view.setUint32(54 + i * 4, mask >>> 0, true);
      });
    }
  }
  palette.forEach(([r, g, b], i) => {
    const entry = 14 + headerSize + maskBytes + i * paletteEntry;
    file[entry] = b;
    file[entry + 1] = g;
    file[entry + 2] = r;
  });
  file.set(pixels, pixelOffset);
  return file;
}

/** Expected RGB bytes for palette images, top row first. */
function expectedFromPalette(values: readonly (readonly number[])[], palette: readonly Rgb[]): number[] {
  return values.flatMap((row) => row.flatMap((index) => [...(palette[index] ?? [0, 0, 0])]));
}

function grid(width: number, height: number, value: (x: number, y: number) => number): number[][] {
  return Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => value(x, y)));
}

function makePalette(size: number): Rgb[] {
  return Array.from({ length: size }, (_, i) => [
    (i * 37) & 0xff,
    (i * 91 + 7) & 0xff,
    (255 - i * 13) & 0xff,
  ]);
}

const LIMITS = { maxPixels: 1_000_000 };

function undecodableReason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isHavenError(error, 'IMAGE_UNDECODABLE')) {
      return String(error.details.reason);
    }
    throw error;
  }
  throw new Error('expected IMAGE_UNDECODABLE');
}

// RLE encoders: a literal (absolute-mode) stretch at the start of each row, runs for the rest.
function encodeRle(rows: readonly (readonly number[])[], bits: 4 | 8): Uint8Array {
  const out: number[] = [];
  // Rows are stored bottom-up.
  for (const row of [...rows].reverse()) {
    const literal = Math.min(row.length, 5);
    if (literal >= 3) {
      out.push(0, literal);
      const literalBytes: number[] = [];
      for (let i = 0; i < literal; i++) {
        if (bits === 8) {
          literalBytes.push(row[i]!);
        } else if (i % 2 === 0) {
          literalBytes.push(row[i]! << 4);
        } else {
          literalBytes[literalBytes.length - 1]! |= row[i]!;
        }
      }
      out.push(...literalBytes);
      if (literalBytes.length % 2 === 1) {
        out.push(0);
      }
    }
    let x = literal >= 3 ? literal : 0;
    while (x < row.length) {
      let run = 1;
      while (x + run < row.length && row[x + run] === row[x] && run < 255) {
        run++;
      }
      const value = row[x]!;
      out.push(run, bits === 8 ? value : (value << 4) | value);
      x += run;
    }
    out.push(0, 0);
  }
  out.push(0, 1);
  return Uint8Array.from(out);
}

describe('decodeBmp: uncompressed', () => {
  it('24 bpp bottom-up with row padding', () => {
    const values = grid(5, 3, (x, y) => x * 50 * 65536 + y * 80 * 256 + (x + y) * 20);
    const image = decodeBmp(encodeBmp({ width: 5, height: 3, bitsPerPixel: 24, values }), LIMITS);
    expect([image.width, image.height, image.channels]).toEqual([5, 3, 3]);
    const expected = values.flatMap((row) => row.flatMap((v) => [v >> 16, (v >> 8) & 0xff, v & 0xff]));
    expect(Array.from(image.data)).toEqual(expected);
  });

  it('24 bpp top-down', () => {
    const values = grid(3, 4, (x, y) => y * 60 * 65536 + x * 100);
    const image = decodeBmp(
      encodeBmp({ width: 3, height: 4, bitsPerPixel: 24, values, topDown: true }),
      LIMITS,
    );
    const expected = values.flatMap((row) => row.flatMap((v) => [v >> 16, (v >> 8) & 0xff, v & 0xff]));
    expect(Array.from(image.data)).toEqual(expected);
  });

  for (const [bits, width] of [
    [1, 13],
    [2, 7],
    [4, 9],
    [8, 6],
  ] as const) {
    it(`${bits} bpp palette, width ${width}`, () => {
      const palette = makePalette(2 ** bits);
      const values = grid(width, 4, (x, y) => (x * 3 + y * 5) % 2 ** bits);
      const image = decodeBmp(encodeBmp({ width, height: 4, bitsPerPixel: bits, palette, values }), LIMITS);
      expect(image.channels).toBe(3);
      expect(Array.from(image.data)).toEqual(expectedFromPalette(values, palette));
    });
  }

  it('8 bpp with a short palette (biClrUsed) and an index past its end (shown black)', () => {
    const palette = makePalette(20);
    const values = grid(4, 2, (x, y) => (x + y * 4) * 3);
    const bytes = encodeBmp({ width: 4, height: 2, bitsPerPixel: 8, palette, coloursUsed: 20, values });
    const image = decodeBmp(bytes, LIMITS);
    expect(Array.from(image.data)).toEqual(expectedFromPalette(values, palette));
    expect(Array.from(image.data.subarray(21, 24))).toEqual([0, 0, 0]);
  });

  it('core header (OS/2 1.x) with 3-byte palette entries and 24 bpp', () => {
    const palette = makePalette(256);
    const values = grid(7, 3, (x, y) => x * 30 + y);
    const image = decodeBmp(
      encodeBmp({ width: 7, height: 3, bitsPerPixel: 8, headerSize: 12, palette, values }),
      LIMITS,
    );
    expect(Array.from(image.data)).toEqual(expectedFromPalette(values, palette));
    const rgb = grid(2, 2, (x, y) => 0x102030 * (x + 1) + y);
    const truecolour = decodeBmp(
      encodeBmp({ width: 2, height: 2, bitsPerPixel: 24, headerSize: 12, values: rgb }),
      LIMITS,
    );
    expect(Array.from(truecolour.data)).toEqual(
      rgb.flatMap((row) => row.flatMap((v) => [v >> 16, (v >> 8) & 0xff, v & 0xff])),
    );
  });

  it('16 bpp BI_RGB is 5-5-5', () => {
    const values = [[0x7c00, 0x03e0, 0x001f, 0x7fff, 0x4210]];
    const image = decodeBmp(encodeBmp({ width: 5, height: 1, bitsPerPixel: 16, values }), LIMITS);
    expect(Array.from(image.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 132, 132, 132]);
  });

  for (const headerSize of [40, 56, 124] as const) {
    it(`16 bpp BI_BITFIELDS 5-6-5 (header ${headerSize})`, () => {
      const masks = { red: 0xf800, green: 0x07e0, blue: 0x001f };
      const values = [[0xf800, 0x07e0, 0x001f, 0xffff, 0x0400]];
      const bytes = encodeBmp({
        width: 5,
        height: 1,
        bitsPerPixel: 16,
        compression: 3,
        masks,
        headerSize,
        values,
      });
      const image = decodeBmp(bytes, LIMITS);
      expect(image.channels).toBe(3);
      expect(Array.from(image.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 130, 0]);
    });
  }

  it('32 bpp BI_RGB ignores the fourth byte', () => {
    const values = [[0xff102030, 0x00405060]];
    const image = decodeBmp(encodeBmp({ width: 2, height: 1, bitsPerPixel: 32, values }), LIMITS);
    expect(image.channels).toBe(3);
    expect(Array.from(image.data)).toEqual([0x10, 0x20, 0x30, 0x40, 0x50, 0x60]);
  });

  const argbMasks = { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff, alpha: 0xff000000 };

  it('32 bpp BI_BITFIELDS with a V5 alpha mask gives RGBA', () => {
    const values = [[0x80102030, 0xff405060, 0x00708090]];
    const bytes = encodeBmp({
      width: 3,
      height: 1,
      bitsPerPixel: 32,
      compression: 3,
      masks: argbMasks,
      headerSize: 124,
      values,
    });
    const image = decodeBmp(bytes, LIMITS);
    expect(image.channels).toBe(4);
    expect(Array.from(image.data)).toEqual([
      0x10, 0x20, 0x30, 0x80, 0x40, 0x50, 0x60, 0xff, 0x70, 0x80, 0x90, 0x00,
    ]);
  });

  it('32 bpp BI_ALPHABITFIELDS with a 40-byte header and unusual channel order', () => {
    const masks = { red: 0x000000ff, green: 0x0000ff00, blue: 0x00ff0000, alpha: 0xff000000 };
    const values = [[0x7f302010]];
    const bytes = encodeBmp({ width: 1, height: 1, bitsPerPixel: 32, compression: 6, masks, values });
    const image = decodeBmp(bytes, LIMITS);
    expect(Array.from(image.data)).toEqual([0x10, 0x20, 0x30, 0x7f]);
  });

  it('an alpha mask over all-zero alpha is dropped (X8R8G8B8 files)', () => {
    const values = [[0x00102030, 0x00405060]];
    const bytes = encodeBmp({
      width: 2,
      height: 1,
      bitsPerPixel: 32,
      compression: 3,
      masks: argbMasks,
      headerSize: 108,
      values,
    });
    const image = decodeBmp(bytes, LIMITS);
    expect(image.channels).toBe(3);
    expect(Array.from(image.data)).toEqual([0x10, 0x20, 0x30, 0x40, 0x50, 0x60]);
  });

  it('readBmpHeader reports size and depth without decoding', () => {
    const bytes = encodeBmp({
      width: 9,
      height: 4,
      bitsPerPixel: 24,
      values: grid(9, 4, () => 0),
      topDown: true,
    });
    expect(readBmpHeader(bytes)).toEqual({ width: 9, height: 4, bitsPerPixel: 24, compression: 'rgb' });
  });
});

describe('decodeBmp: RLE', () => {
  it('RLE8 with literal runs, repeated runs and end-of-line codes', () => {
    const palette = makePalette(256);
    const values = grid(11, 3, (x, y) => (x < 5 ? x * 7 + y : 200 + y));
    const bytes = encodeBmp({
      width: 11,
      height: 3,
      bitsPerPixel: 8,
      compression: 1,
      palette,
      pixelData: encodeRle(values, 8),
    });
    expect(Array.from(decodeBmp(bytes, LIMITS).data)).toEqual(expectedFromPalette(values, palette));
  });

  it('RLE4 with an odd-length literal run (padding nibble and byte)', () => {
    const palette = makePalette(16);
    const values = grid(9, 2, (x, y) => (x < 5 ? (x * 3 + y) % 16 : 9 + y));
    const bytes = encodeBmp({
      width: 9,
      height: 2,
      bitsPerPixel: 4,
      compression: 2,
      palette,
      pixelData: encodeRle(values, 4),
    });
    expect(Array.from(decodeBmp(bytes, LIMITS).data)).toEqual(expectedFromPalette(values, palette));
  });

  it('RLE8 delta skips pixels, which keep palette entry 0', () => {
    const palette: Rgb[] = [
      [1, 2, 3],
      [200, 100, 50],
    ];
    // Bottom row: 1 pixel of colour 1, delta (+2, +1), then 1 pixel of colour 1, end of bitmap.
    const pixelData = Uint8Array.from([1, 1, 0, 2, 2, 1, 1, 1, 0, 1]);
    const bytes = encodeBmp({ width: 4, height: 2, bitsPerPixel: 8, compression: 1, palette, pixelData });
    const image = decodeBmp(bytes, LIMITS);
    // Top row (stored second): x=3 set. Bottom row: x=0 set.
    expect(Array.from(image.data)).toEqual([
      1, 2, 3, 1, 2, 3, 1, 2, 3, 200, 100, 50, 200, 100, 50, 1, 2, 3, 1, 2, 3, 1, 2, 3,
    ]);
  });
});

describe('decodeBmp: corrupt and hostile input', () => {
  const sample = (): Uint8Array =>
    encodeBmp({ width: 8, height: 8, bitsPerPixel: 24, values: grid(8, 8, (x, y) => x * 1000 + y) });

  it('rejects truncated pixel data', () => {
    const bytes = sample();
    expect(undecodableReason(() => decodeBmp(bytes.subarray(0, bytes.length - 30), LIMITS))).toMatch(
      /truncated/,
    );
  });

  it('rejects a file cut inside its header', () => {
    expect(undecodableReason(() => decodeBmp(sample().subarray(0, 30), LIMITS))).toMatch(/header/);
  });

  it('rejects unknown header sizes, bit depths and compressions', () => {
    const badHeader = sample();
    new DataView(badHeader.buffer).setUint32(14, 99, true);
    expect(undecodableReason(() => decodeBmp(badHeader, LIMITS))).toMatch(/header size 99/);
    const badDepth = sample();
    new DataView(badDepth.buffer).setUint16(28, 7, true);
    expect(undecodableReason(() => decodeBmp(badDepth, LIMITS))).toMatch(/bit depth 7/);
    const jpegInside = sample();
    new DataView(jpegInside.buffer).setUint32(30, 4, true);
    expect(undecodableReason(() => decodeBmp(jpegInside, LIMITS))).toMatch(/JPEG\/PNG/);
    const rleMismatch = sample();
    new DataView(rleMismatch.buffer).setUint32(30, 1, true);
    expect(undecodableReason(() => decodeBmp(rleMismatch, LIMITS))).toMatch(/RLE8/);
  });

  it('rejects a pixel offset past the end of the file and zero width', () => {
    const offset = sample();
    new DataView(offset.buffer).setUint32(10, offset.length + 10, true);
    expect(undecodableReason(() => decodeBmp(offset, LIMITS))).toMatch(/offset/);
    const zeroWidth = sample();
    new DataView(zeroWidth.buffer).setInt32(18, 0, true);
    expect(undecodableReason(() => decodeBmp(zeroWidth, LIMITS))).toMatch(/dimensions/);
  });

  it('rejects non-contiguous masks and masks wider than the pixel', () => {
    const values = [[0]];
    const split = encodeBmp({
      width: 1,
      height: 1,
      bitsPerPixel: 16,
      compression: 3,
      values,
      masks: { red: 0xf00f, green: 0x0f0, blue: 0 },
    });
    expect(undecodableReason(() => decodeBmp(split, LIMITS))).toMatch(/contiguous/);
    const wide = encodeBmp({
      width: 1,
      height: 1,
      bitsPerPixel: 16,
      compression: 3,
      values,
      masks: { red: 0xff0000, green: 0, blue: 0 },
    });
    expect(undecodableReason(() => decodeBmp(wide, LIMITS))).toMatch(/does not fit/);
  });

  it('rejects RLE data that stops before its end-of-bitmap code', () => {
    const palette = makePalette(4);
    const pixelData = Uint8Array.from([4, 1, 0, 0, 4, 2]);
    const bytes = encodeBmp({ width: 4, height: 3, bitsPerPixel: 8, compression: 1, palette, pixelData });
    expect(undecodableReason(() => decodeBmp(bytes, LIMITS))).toMatch(/RLE data ends/);
  });

  it('rejects a palette image whose palette is missing', () => {
    const bytes = encodeBmp({ width: 2, height: 2, bitsPerPixel: 8, values: grid(2, 2, () => 0) });
    expect(undecodableReason(() => decodeBmp(bytes, LIMITS))).toMatch(/palette/);
  });

  it('refuses huge dimensions from the header alone, before allocating', () => {
    const bytes = encodeBmp({ width: 1, height: 1, bitsPerPixel: 24, values: [[0]] });
    const view = new DataView(bytes.buffer);
    view.setInt32(18, 100_000, true);
    view.setInt32(22, -100_000, true);
    const started = performance.now();
    let caught: unknown;
    try {
      decodeBmp(bytes, LIMITS);
    } catch (error) {
      caught = error;
    }
    expect(performance.now() - started).toBeLessThan(50);
    expect(isHavenError(caught, 'IMAGE_TOO_LARGE')).toBe(true);
    expect(isHavenError(caught) && caught.details).toMatchObject({
      width: 100_000,
      height: 100_000,
      limit: LIMITS.maxPixels,
    });
  });

  it('never throws anything but a HavenError on random bytes behind a BM signature', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Uint8Array.from({ length: 40 + (trial % 200) }, random);
      bytes[0] = 0x42;
      bytes[1] = 0x4d;
      new DataView(bytes.buffer).setUint32(14, [12, 40, 56, 108, 124][trial % 5]!, true);
      try {
        decodeBmp(bytes, LIMITS);
      } catch (error) {
        expect(isHavenError(error), String(error)).toBe(true);
      }
    }
  });
});

describe('decodeForHashing with BMP input', () => {
  it('gives RGB pixels and the BMP pipeline', async () => {
    const values = grid(6, 5, (x, y) => x * 0x300000 + y * 0x2000 + 7);
    const decoded = await decodeForHashing(
      encodeBmp({ width: 6, height: 5, bitsPerPixel: 24, values }),
      'image/bmp',
      LIMITS,
    );
    expect(decoded).toMatchObject({ format: 'bmp', width: 6, height: 5 });
    expect(decoded.image.channels).toBe(3);
    expect(decoded.pipeline).toMatch(/^haven-bmp-1;/);
  });

  it('drops alpha from RGBA bitmaps and folds grey palettes to one channel', async () => {
    const rgba = encodeBmp({
      width: 2,
      height: 1,
      bitsPerPixel: 32,
      compression: 6,
      values: [[0x80102030, 0x10405060]],
      masks: { red: 0xff0000, green: 0xff00, blue: 0xff, alpha: 0xff000000 },
    });
    const colour = await decodeForHashing(rgba, 'image/bmp', LIMITS);
    expect(colour.image.channels).toBe(3);
    expect(Array.from(colour.image.data)).toEqual([0x10, 0x20, 0x30, 0x40, 0x50, 0x60]);
    const greyPalette: Rgb[] = Array.from({ length: 256 }, (_, i) => [i, i, i]);
    const grey = encodeBmp({
      width: 3,
      height: 2,
      bitsPerPixel: 8,
      palette: greyPalette,
      values: grid(3, 2, (x, y) => x * 40 + y),
    });
    const decodedGrey = await decodeForHashing(grey, 'image/bmp', LIMITS);
    expect(decodedGrey.image.channels).toBe(1);
    expect(Array.from(decodedGrey.image.data)).toEqual([0, 40, 80, 1, 41, 81]);
  });

  it('reports oversized bitmaps as IMAGE_TOO_LARGE', async () => {
    const bytes = encodeBmp({ width: 1, height: 1, bitsPerPixel: 24, values: [[0]] });
    new DataView(bytes.buffer).setInt32(18, 5000, true);
    new DataView(bytes.buffer).setInt32(22, 5000, true);
    await expect(decodeForHashing(bytes, 'image/bmp', LIMITS)).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
  });
});
