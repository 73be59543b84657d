/**
 * The PDQ pipeline: luma, Jarosz filter and 64x64 decimation, quality, 16x16 DCT, median threshold.
 * Bit-exact with the reference C++ (see ../shared/pdq/SPEC.md); every float step is float32.
 */

import type { DecodedImage } from '#haven/signals/signal-type.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { PDQ_DCT_SIZE, PDQ_GRID, pdqDct16 } from './pdq-dct.js';
import { jaroszFilterDecimate } from './pdq-jarosz.js';
import { fillLumaRow } from './pdq-luma.js';

const fround = Math.fround;

export const PDQ_HASH_BYTES = 32;
/** Images narrower or shorter than this hash to all zeros with quality 0. */
export const PDQ_MIN_DIMENSION = 5;
/** Side the reference CLI resizes to (nearest neighbour) when either side is larger. */
export const PDQ_TOOL_SIZE = 512;

export interface PdqResult {
  /** 32 bytes; byte 0 holds bits 255..248 (the first two hex digits of the canonical text). */
  readonly hash: Uint8Array;
  /** 0 to 100. */
  readonly quality: number;
}

export interface PdqDihedralResult {
  /** 8 hashes, in the order of PDQ_DIHEDRAL_NAMES. */
  readonly hashes: readonly Uint8Array[];
  readonly quality: number;
}

export const PDQ_DIHEDRAL_NAMES = [
  'original',
  'rotate90',
  'rotate180',
  'rotate270',
  'flipX',
  'flipY',
  'flipPlus1',
  'flipMinus1',
] as const;

const CELLS = PDQ_GRID * PDQ_GRID;
const COEFFICIENTS = PDQ_DCT_SIZE * PDQ_DCT_SIZE;

/** The full-resolution PDQ hash (the normative one), including the 64x64 shortcut and the <5px rule. */
export function pdqHash(image: DecodedImage): PdqResult {
  checkImage(image);
  const { width, height } = image;
  if (width < PDQ_MIN_DIMENSION || height < PDQ_MIN_DIMENSION) {
    return emptyResult();
  }
  const grid = new Float32Array(CELLS);
  if (width === PDQ_GRID && height === PDQ_GRID) {
    // The reference's video fast path: a 64x64 input is used without filtering.
    for (let y = 0; y < PDQ_GRID; y++) {
      fillLumaRow(image, y, grid, y * PDQ_GRID);
    }
  } else {
    jaroszFilterDecimate({ kind: 'pixels', image }, grid);
  }
  return hashGrid(grid);
}

/** pdqHash from a precomputed float32 luma plane (row-major, width*height values). */
export function pdqHashFromLuma(luma: Float32Array, width: number, height: number): PdqResult {
  checkDimensions(width, height);
  if (luma.length < width * height) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `PDQ luma has ${luma.length} values, ${width}x${height} needs ${width * height}`,
    });
  }
  if (width < PDQ_MIN_DIMENSION || height < PDQ_MIN_DIMENSION) {
    return emptyResult();
  }
  const grid = new Float32Array(CELLS);
  if (width === PDQ_GRID && height === PDQ_GRID) {
    grid.set(luma.subarray(0, CELLS));
  } else {
    jaroszFilterDecimate({ kind: 'luma', luma, width, height }, grid);
  }
  return hashGrid(grid);
}

/**
 * The reference CLI's pipeline (pdq-photo-hasher): an image wider or taller than 512 is first
 * resized to exactly 512x512 by nearest neighbour, aspect ratio not kept; then pdqHash. Only for
 * compatibility with hashes produced by that tool.
 */
export function pdqHashNearestNeighbour512(image: DecodedImage): PdqResult {
  return pdqHash(resizeNearestNeighbour512(image));
}

/**
 * The hashes of the 8 rotations and flips of the image, derived from one DCT by sign changes and
 * transposition, each thresholded at its own median. Never takes the 64x64 shortcut (as the
 * reference). These approximate, not equal, the hashes of the transformed pixels.
 */
export function pdqDihedral(image: DecodedImage): PdqDihedralResult {
  checkImage(image);
  const { width, height } = image;
  if (width < PDQ_MIN_DIMENSION || height < PDQ_MIN_DIMENSION) {
    return { hashes: PDQ_DIHEDRAL_NAMES.map(() => new Uint8Array(PDQ_HASH_BYTES)), quality: 0 };
  }
  const grid = new Float32Array(CELLS);
  jaroszFilterDecimate({ kind: 'pixels', image }, grid);
  const quality = gridQuality(grid);
  const dct = new Float32Array(COEFFICIENTS);
  pdqDct16(grid, dct);
  const variant = new Float32Array(COEFFICIENTS);
  const hashes = DIHEDRAL_TRANSFORMS.map((transform) => {
    applyDihedral(dct, transform, variant);
    return thresholdAtMedian(variant);
  });
  return { hashes, quality };
}

/** The CLI's 512x512 nearest-neighbour step; images of at most 512x512 are returned unchanged. */
export function resizeNearestNeighbour512(image: DecodedImage): DecodedImage {
  checkImage(image);
  const { width, height, channels, data } = image;
  const size = PDQ_TOOL_SIZE;
  if (width <= size && height <= size) {
    return image;
  }
  const out = new Uint8Array(size * size * channels);
  const sourceOffset = new Int32Array(size);
  for (let x = 0; x < size; x++) {
    sourceOffset[x] = Math.floor((x * width) / size) * channels;
  }
  const rowBytes = size * channels;
  let previousRow = -1;
  for (let y = 0, o = 0; y < size; y++, o += rowBytes) {
    const sourceRow = Math.floor((y * height) / size);
    if (sourceRow === previousRow) {
      // An upscaled side repeats rows: copy the row just built.
      out.copyWithin(o, o - rowBytes, o);
      continue;
    }
    previousRow = sourceRow;
    const rowStart = sourceRow * width * channels;
    if (channels === 1) {
      for (let x = 0; x < size; x++) {
        out[o + x] = data[rowStart + sourceOffset[x]!]!;
      }
    } else {
      for (let x = 0, q = o; x < size; x++, q += 3) {
        const p = rowStart + sourceOffset[x]!;
        out[q] = data[p]!;
        out[q + 1] = data[p + 1]!;
        out[q + 2] = data[p + 2]!;
      }
    }
  }
  return { width: size, height: size, channels, data: out };
}

function hashGrid(grid: Float32Array): PdqResult {
  const quality = gridQuality(grid);
  const dct = new Float32Array(COEFFICIENTS);
  pdqDct16(grid, dct);
  return { hash: thresholdAtMedian(dct), quality };
}

/**
 * Sum of |trunc(f32(f32(f32(u - v) * 100) / 255))| over all vertically and horizontally adjacent
 * pairs of the 64x64 grid, scaled to 0..100.
 */
function gridQuality(grid: Float32Array): number {
  let total = 0;
  for (let i = 0; i < PDQ_GRID; i++) {
    for (let j = 0; j < PDQ_GRID; j++) {
      const u = grid[i * PDQ_GRID + j]!;
      if (i + 1 < PDQ_GRID) {
        total += Math.abs(Math.trunc(fround(fround(fround(u - grid[(i + 1) * PDQ_GRID + j]!) * 100) / 255)));
      }
      if (j + 1 < PDQ_GRID) {
        total += Math.abs(Math.trunc(fround(fround(fround(u - grid[i * PDQ_GRID + j + 1]!) * 100) / 255)));
      }
    }
  }
  return Math.min(100, Math.floor(total / 90));
}

const sorted = new Float32Array(COEFFICIENTS);

/**
 * Bit n = 16i + j is set iff coefficient n is strictly above the 128th smallest value. Bit n goes
 * to byte 31 - n/8, so the bytes read as the canonical big-endian hex.
 */
function thresholdAtMedian(coefficients: Float32Array): Uint8Array {
  sorted.set(coefficients);
  sorted.sort();
  const median = sorted[COEFFICIENTS / 2 - 1]!;
  const hash = new Uint8Array(PDQ_HASH_BYTES);
  for (let n = 0; n < COEFFICIENTS; n++) {
    if (coefficients[n]! > median) {
      const byte = PDQ_HASH_BYTES - 1 - (n >> 3);
      hash[byte] = hash[byte]! | (1 << (n & 7));
    }
  }
  return hash;
}

interface DihedralTransform {
  /** Output (j, i) takes input (i, j). */
  readonly transpose: boolean;
  /** Sign applied to input coefficient (i, j); indexes are 0-based, index k is frequency k+1. */
  readonly sign: (i: number, j: number) => 1 | -1;
}

const odd = (k: number): boolean => (k & 1) === 1;

/** In the order of PDQ_DIHEDRAL_NAMES. */
const DIHEDRAL_TRANSFORMS: readonly DihedralTransform[] = [
  { transpose: false, sign: () => 1 },
  { transpose: true, sign: (_i, j) => (odd(j) ? 1 : -1) },
  { transpose: false, sign: (i, j) => (odd(i + j) ? -1 : 1) },
  { transpose: true, sign: (i) => (odd(i) ? 1 : -1) },
  { transpose: false, sign: (i) => (odd(i) ? 1 : -1) },
  { transpose: false, sign: (_i, j) => (odd(j) ? 1 : -1) },
  { transpose: true, sign: () => 1 },
  { transpose: true, sign: (i, j) => (odd(i + j) ? -1 : 1) },
];

function applyDihedral(dct: Float32Array, transform: DihedralTransform, out: Float32Array): void {
  for (let i = 0; i < PDQ_DCT_SIZE; i++) {
    for (let j = 0; j < PDQ_DCT_SIZE; j++) {
      const target = transform.transpose ? j * PDQ_DCT_SIZE + i : i * PDQ_DCT_SIZE + j;
      out[target] = transform.sign(i, j) * dct[i * PDQ_DCT_SIZE + j]!;
    }
  }
}

function emptyResult(): PdqResult {
  return { hash: new Uint8Array(PDQ_HASH_BYTES), quality: 0 };
}

function checkDimensions(width: number, height: number): void {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `PDQ needs positive integer dimensions, got ${width}x${height}`,
    });
  }
}

function checkImage(image: DecodedImage): void {
  checkDimensions(image.width, image.height);
  const needed = image.width * image.height * image.channels;
  if (image.data.length < needed) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `Image data has ${image.data.length} bytes, ${image.width}x${image.height}x${image.channels} needs ${needed}`,
    });
  }
}
