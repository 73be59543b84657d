/**
 * Run-length decoding of BI_RLE8 / BI_RLE4 bitmaps into one palette index per pixel. Pixels the
 * stream skips (delta and early end-of-line codes) keep index 0, which is what most viewers show.
 */
import { bmpError } from './bmp-header.js';

const ESCAPE_END_OF_LINE = 0;
const ESCAPE_END_OF_BITMAP = 1;
const ESCAPE_DELTA = 2;

/**
 * Returns `width * height` palette indices in the stream's row order (row 0 is the first row
 * stored). Throws IMAGE_UNDECODABLE when the stream ends before its end-of-bitmap code and before
 * the last row.
 */
export function decodeRleIndices(
  bytes: Uint8Array,
  start: number,
  end: number,
  width: number,
  height: number,
  bitsPerPixel: 4 | 8,
): Uint8Array {
  const indices = new Uint8Array(width * height);
  const put = (x: number, row: number, index: number): void => {
    if (x < width && row < height) {
      indices[row * width + x] = index;
    }
  };
  let x = 0;
  let row = 0;
  let position = start;
  while (row < height) {
    if (position + 2 > end) {
      throw bmpError('RLE data ends before the end-of-bitmap code');
    }
    const count = bytes[position]!;
    const value = bytes[position + 1]!;
    position += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) {
        const index = bitsPerPixel === 8 ? value : i % 2 === 0 ? value >> 4 : value & 0x0f;
        put(x + i, row, index);
      }
      x += count;
    } else if (value === ESCAPE_END_OF_LINE) {
      x = 0;
      row++;
    } else if (value === ESCAPE_END_OF_BITMAP) {
      break;
    } else if (value === ESCAPE_DELTA) {
      if (position + 2 > end) {
        throw bmpError('RLE data ends inside a delta code');
      }
      x += bytes[position]!;
      row += bytes[position + 1]!;
      position += 2;
    } else {
      // Absolute mode: `value` literal pixels, padded to a 16-bit boundary.
      const byteCount = bitsPerPixel === 8 ? value : Math.ceil(value / 2);
      if (position + byteCount > end) {
        throw bmpError('RLE data ends inside a literal run');
      }
      for (let i = 0; i < value; i++) {
        const packed = bytes[position + (bitsPerPixel === 8 ? i : i >> 1)]!;
        const index = bitsPerPixel === 8 ? packed : i % 2 === 0 ? packed >> 4 : packed & 0x0f;
        put(x + i, row, index);
      }
      x += value;
      position += byteCount + (byteCount & 1);
    }
  }
  return indices;
}
