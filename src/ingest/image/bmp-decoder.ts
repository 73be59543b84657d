/**
 * Haven's own BMP decoder: sharp's prebuilt libvips has no BMP loader. Written from the public
 * description of the format (file header, core/info/V2-V5 headers, palettes, bit fields, RLE).
 * Output is 8-bit interleaved RGB, or RGBA when the file carries a meaningful alpha channel.
 */
import { havenError } from '#haven/platform/errors/haven-error.js';
import { bmpError, countTrailingZeros, parseBmpLayout, type BitMasks, type BmpLayout } from './bmp-header.js';
import { decodeRleIndices } from './bmp-rle.js';

export interface BmpImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Uint8Array;
}

export interface BmpHeaderInfo {
  readonly width: number;
  readonly height: number;
  readonly bitsPerPixel: number;
  readonly compression: string;
}

/** Cheap header read (no pixel work); throws IMAGE_UNDECODABLE on an invalid header. */
export function readBmpHeader(bytes: Uint8Array): BmpHeaderInfo {
  const { width, height, bitsPerPixel, compression } = parseBmpLayout(bytes);
  return { width, height, bitsPerPixel, compression };
}

/** Decodes a BMP file; checks `maxPixels` before allocating anything the size of the image. */
export function decodeBmp(bytes: Uint8Array, limits: { readonly maxPixels: number }): BmpImage {
  const layout = parseBmpLayout(bytes);
  const { width, height } = layout;
  if (width * height > limits.maxPixels) {
    throw havenError('IMAGE_TOO_LARGE', { width, height, limit: limits.maxPixels });
  }
  if (layout.compression === 'rle4' || layout.compression === 'rle8') {
    return decodeRle(bytes, layout);
  }
  return decodeUncompressed(bytes, layout);
}

/** Row index in the output (top row first) of the `storedRow`-th row in the file. */
function outputRow(layout: BmpLayout, storedRow: number): number {
  return layout.topDown ? storedRow : layout.height - 1 - storedRow;
}

function paletteToRgb(
  layout: BmpLayout,
  palette: Uint8Array,
  indexAt: (storedRow: number, x: number) => number,
): BmpImage {
  const { width, height } = layout;
  const out = new Uint8Array(width * height * 3);
  const colours = palette.length / 3;
  for (let storedRow = 0; storedRow < height; storedRow++) {
    let target = outputRow(layout, storedRow) * width * 3;
    for (let x = 0; x < width; x++) {
      const index = indexAt(storedRow, x);
      // Indices past the palette are corrupt but harmless: show them black.
      if (index < colours) {
        out[target] = palette[index * 3]!;
        out[target + 1] = palette[index * 3 + 1]!;
        out[target + 2] = palette[index * 3 + 2]!;
      }
      target += 3;
    }
  }
  return { width, height, channels: 3, data: out };
}

function decodeRle(bytes: Uint8Array, layout: BmpLayout): BmpImage {
  const bits = layout.compression === 'rle8' ? 8 : 4;
  const indices = decodeRleIndices(
    bytes,
    layout.pixelOffset,
    layout.pixelEnd,
    layout.width,
    layout.height,
    bits,
  );
  return paletteToRgb(layout, layout.palette!, (row, x) => indices[row * layout.width + x]!);
}

function decodeUncompressed(bytes: Uint8Array, layout: BmpLayout): BmpImage {
  const { width, height, bitsPerPixel, pixelOffset } = layout;
  const stride = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  // The last row's padding is sometimes left out; its pixels must be there.
  const needed = pixelOffset + stride * (height - 1) + Math.ceil((bitsPerPixel * width) / 8);
  if (needed > bytes.length) {
    throw bmpError(`pixel data truncated: needs ${needed} bytes, file has ${bytes.length}`);
  }
  const rowStart = (row: number): number => pixelOffset + row * stride;

  if (bitsPerPixel <= 8) {
    const perByte = 8 / bitsPerPixel;
    const mask = (1 << bitsPerPixel) - 1;
    return paletteToRgb(layout, layout.palette!, (row, x) => {
      const byte = bytes[rowStart(row) + Math.floor(x / perByte)]!;
      const shift = 8 - bitsPerPixel * ((x % perByte) + 1);
      return (byte >> shift) & mask;
    });
  }
  if (bitsPerPixel === 24) {
    const out = new Uint8Array(width * height * 3);
    for (let row = 0; row < height; row++) {
      let source = rowStart(row);
      let target = outputRow(layout, row) * width * 3;
      for (let x = 0; x < width; x++) {
        out[target] = bytes[source + 2]!;
        out[target + 1] = bytes[source + 1]!;
        out[target + 2] = bytes[source]!;
        source += 3;
        target += 3;
      }
    }
    return { width, height, channels: 3, data: out };
  }
  return decodeMasked(bytes, layout, stride);
}

/** Maps a masked channel value to 0-255, rounding to nearest. */
function channelScaler(mask: number): (pixel: number) => number {
  if (mask === 0) {
    return () => 0;
  }
  const shift = countTrailingZeros(mask);
  const max = mask >>> shift;
  if (max === 0xff) {
    return (pixel) => ((pixel & mask) >>> shift) & 0xff;
  }
  return (pixel) => Math.round((((pixel & mask) >>> shift) * 255) / max);
}

function decodeMasked(bytes: Uint8Array, layout: BmpLayout, stride: number): BmpImage {
  const { width, height, bitsPerPixel, pixelOffset } = layout;
  const masks: BitMasks = layout.masks!;
  const hasAlpha = masks.alpha !== 0;
  const channels = hasAlpha ? 4 : 3;
  const scalers = [masks.red, masks.green, masks.blue, masks.alpha].map(channelScaler);
  const [red, green, blue, alpha] = scalers as [
    (p: number) => number,
    (p: number) => number,
    (p: number) => number,
    (p: number) => number,
  ];
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bytesPerPixel = bitsPerPixel / 8;
  const out = new Uint8Array(width * height * channels);
  let alphaMin = 255;
  let alphaMax = 0;
  for (let row = 0; row < height; row++) {
    let source = pixelOffset + row * stride;
    let target = outputRow(layout, row) * width * channels;
    for (let x = 0; x < width; x++) {
      const pixel = bytesPerPixel === 2 ? data.getUint16(source, true) : data.getUint32(source, true);
      out[target] = red(pixel);
      out[target + 1] = green(pixel);
      out[target + 2] = blue(pixel);
      if (hasAlpha) {
        const a = alpha(pixel);
        out[target + 3] = a;
        alphaMin = Math.min(alphaMin, a);
        alphaMax = Math.max(alphaMax, a);
      }
      source += bytesPerPixel;
      target += channels;
    }
  }
  // An alpha mask over all-zero (common in X8R8G8B8 files) or all-opaque samples carries nothing.
  if (hasAlpha && (alphaMax === 0 || alphaMin === 255)) {
    return { width, height, channels: 3, data: dropAlpha(out) };
  }
  return { width, height, channels, data: out };
}

function dropAlpha(rgba: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let source = 0, target = 0; source < rgba.length; source += 4, target += 3) {
    rgb[target] = rgba[source]!;
    rgb[target + 1] = rgba[source + 1]!;
    rgb[target + 2] = rgba[source + 2]!;
  }
  return rgb;
}
