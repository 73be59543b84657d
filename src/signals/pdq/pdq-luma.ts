import type { DecodedImage } from '#haven/signals/signal-type.js';

/**
 * Luma as the reference computes it: float32 BT.601 weights, each product and each partial sum
 * rounded to float32, red and green summed first. Grey sources are used as-is, because sending
 * R=G=B through the weighted sum changes 35 of the 256 levels by a rounding step.
 */

/** The float32 weights, f32(0.299), f32(0.587), f32(0.114). */
export const LUMA_WEIGHTS = {
  red: Math.fround(0.299),
  green: Math.fround(0.587),
  blue: Math.fround(0.114),
} as const;

const BLUE_TERM = new Float32Array(256);
/** f32(f32(cR*R) + f32(cG*G)) for every (R, G) pair, indexed by R*256 + G: one lookup per pixel. */
const RED_GREEN_TERM = new Float32Array(256 * 256);

for (let v = 0; v < 256; v++) {
  BLUE_TERM[v] = Math.fround(LUMA_WEIGHTS.blue * v);
}
for (let r = 0; r < 256; r++) {
  const red = Math.fround(LUMA_WEIGHTS.red * r);
  for (let g = 0; g < 256; g++) {
    RED_GREEN_TERM[r * 256 + g] = Math.fround(red + Math.fround(LUMA_WEIGHTS.green * g));
  }
}

/** Luma of n interleaved RGB pixels from src[srcOffset ..] into dst[dstOffset ..]. */
export function rgbToLuma(
  src: Uint8Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  n: number,
): void {
  let p = srcOffset;
  const end = dstOffset + n;
  for (let o = dstOffset; o < end; o++, p += 3) {
    // The Float32Array store performs the final rounding of (R+G term) + B term.
    dst[o] = RED_GREEN_TERM[(src[p]! << 8) | src[p + 1]!]! + BLUE_TERM[src[p + 2]!]!;
  }
}

/** Luma of n grey pixels: the values themselves. */
export function greyToLuma(
  src: Uint8Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    dst[dstOffset + i] = src[srcOffset + i]!;
  }
}

/** Writes the luma of image row `row` into dst[offset .. offset+width-1]. */
export function fillLumaRow(image: DecodedImage, row: number, dst: Float32Array, offset = 0): void {
  const { width, channels, data } = image;
  const toLuma = channels === 1 ? greyToLuma : rgbToLuma;
  toLuma(data, row * width * channels, dst, offset, width);
}

/** The whole luma plane, row-major, width*height float32 values. */
export function lumaFromImage(image: DecodedImage): Float32Array {
  const luma = new Float32Array(image.width * image.height);
  const toLuma = image.channels === 1 ? greyToLuma : rgbToLuma;
  toLuma(image.data, 0, luma, 0, image.width * image.height);
  return luma;
}
