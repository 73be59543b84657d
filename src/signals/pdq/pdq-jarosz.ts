/**
 * PDQ's Jarosz tent filter (two rounds of a horizontal then a vertical box pass) and the decimation
 * to 64x64, bit-exact with the reference.
 *
 * Every box pass keeps one running float32 sum per line, updated in the reference's order (add the
 * entering sample, round, subtract the leaving one, round), so rounding drift matches exactly. Only
 * the schedule differs from the reference, and no line's arithmetic depends on it:
 * - Rows stream through in batches of four. Each batch is filtered horizontally into a ring holding
 *   the last rows, and the first vertical pass advances per-column running sums one row at a time,
 *   so no full-size intermediate image is built and the working set stays in cache.
 * - The second horizontal pass feeds only the 64 sampled columns onward, so it keeps its running
 *   sums for every pixel but divides only at those columns; the second vertical pass runs on those
 *   64 columns only, and only the 64 sampled rows are kept.
 * - Where a vertical window is still filling (or emptying), the step that adds (removes) a row also
 *   removes (adds) a row of zeros: x - (+0) and x + (-0) equal x exactly, for every float.
 * The loops themselves are the kernels of pdq-kernels.ts.
 */

import type { DecodedImage } from '#haven/signals/signal-type.js';
import { PDQ_GRID } from './pdq-dct.js';
import { type PdqKernels, pdqKernels } from './pdq-kernels.js';

/** The filter's input: 8-bit pixels (luma computed on the fly) or a float32 luma plane. */
export type JaroszInput =
  | { readonly kind: 'pixels'; readonly image: DecodedImage }
  | { readonly kind: 'luma'; readonly luma: Float32Array; readonly width: number; readonly height: number };

/** Rows filtered side by side in the horizontal passes. */
const BATCH = 4;

/** Box window for a side of `length` samples: floor((length + 2*64 - 1) / (2*64)). */
export function jaroszWindowSize(length: number): number {
  return Math.floor((length + 2 * PDQ_GRID - 1) / (2 * PDQ_GRID));
}

/** Index sampled by decimation cell i along a side of `length`: the cell centre, floored. */
export function decimationIndex(i: number, length: number): number {
  return Math.floor(((i + 0.5) * length) / PDQ_GRID);
}

/** How many inputs the box of window w averages for output o of a line of n samples. */
function boxCount(o: number, n: number, w: number): number {
  const half = (w + 2) >> 1;
  if (o <= w - half) {
    return o + half;
  }
  if (o > n - half) {
    return n - o + w - half;
  }
  return w;
}

/** Rounds up to a multiple of 4 floats (16 bytes, one SIMD vector). */
const align4 = (floats: number): number => (floats + 3) & ~3;

/**
 * Runs the tent filter over the input and writes the 64x64 decimated result, row-major, into
 * out[0 .. 4095].
 */
export function jaroszFilterDecimate(
  input: JaroszInput,
  out: Float32Array,
  kernels: PdqKernels = pdqKernels(),
): void {
  const { width, height } = input.kind === 'pixels' ? input.image : input;
  const channels = input.kind === 'pixels' ? input.image.channels : 0;
  const wRow = jaroszWindowSize(width);
  const wCol = jaroszWindowSize(height);
  const halfCol = (wCol + 2) >> 1;
  const stride = align4(width);
  const ringRows = wCol + BATCH;

  // Scratch layout, in float32 positions. The input bytes, the luma rows and the sums rows have
  // slack for the kernels' over-reads and over-writes.
  const lumaStart = align4(Math.ceil((BATCH * width * channels + 16) / 4));
  const ringStart = lumaStart + align4(BATCH * width + 4);
  const zeroStart = ringStart + ringRows * stride;
  const zeroLength = Math.max(stride, PDQ_GRID);
  const negativeZeroStart = zeroStart + zeroLength;
  const colSumStart = negativeZeroStart + zeroLength;
  // BATCH rows awaiting the second horizontal pass, then a row for outputs nobody reads.
  const avgStart = colSumStart + stride;
  const discardStart = avgStart + BATCH * stride;
  const sumsStart = discardStart + stride;
  const midStart = sumsStart + BATCH * stride;
  const sampleTableStart = midStart + height * PDQ_GRID;
  const colSum64Start = sampleTableStart + 2 * PDQ_GRID;
  const row64Start = colSum64Start + PDQ_GRID;
  kernels.reserve(row64Start + PDQ_GRID);

  const m = kernels.f32;
  m.fill(0, zeroStart, negativeZeroStart);
  m.fill(-0, negativeZeroStart, colSumStart);
  m.fill(0, colSumStart, avgStart);
  m.fill(0, colSum64Start, row64Start);
  for (let i = 0; i < ringRows; i++) {
    // Padding columns flow through the vertical pass harmlessly, but must be defined.
    m.fill(0, ringStart + i * stride + width, ringStart + (i + 1) * stride);
  }

  // The sampled columns of the second horizontal pass, and how many samples each one averages.
  for (let j = 0; j < PDQ_GRID; j++) {
    const column = decimationIndex(j, width);
    m[sampleTableStart + 2 * j] = column;
    m[sampleTableStart + 2 * j + 1] = boxCount(column, width, wRow);
  }

  const loadRows = (r0: number, count: number): void => {
    if (input.kind === 'luma') {
      m.set(input.luma.subarray(r0 * width, (r0 + count) * width), lumaStart);
      return;
    }
    const rowBytes = width * channels;
    kernels.u8.set(input.image.data.subarray(r0 * rowBytes, (r0 + count) * rowBytes), 0);
    if (channels === 1) {
      kernels.lumaGrey(0, lumaStart, count * width);
    } else {
      kernels.lumaRgb(0, lumaStart, count * width);
    }
  };

  const lines = new Int32Array(2 * BATCH);
  const pendingRows = new Int32Array(BATCH);
  let pending = 0;

  // Second horizontal pass over the pending rows; keeps the sampled columns only.
  const flushPending = (): void => {
    for (let k = 0; k < BATCH; k++) {
      const row = Math.min(k, pending - 1);
      lines[k] = avgStart + row * stride;
      lines[BATCH + k] = sumsStart + row * stride;
    }
    kernels.boxRows(lines, width, wRow, false);
    for (let k = 0; k < pending; k++) {
      kernels.sample(
        sumsStart + k * stride,
        sampleTableStart,
        midStart + pendingRows[k]! * PDQ_GRID,
        PDQ_GRID,
      );
    }
    pending = 0;
  };

  // First vertical pass, one step; output is the output row, or -1 while the window fills.
  const verticalStep = (enter: number, leave: number, count: number, output: number): void => {
    if (output < 0) {
      kernels.slide(colSumStart, enter, leave, discardStart, stride, count);
      return;
    }
    kernels.slide(colSumStart, enter, leave, avgStart + pending * stride, stride, count);
    pendingRows[pending++] = output;
    if (pending === BATCH) {
      flushPending();
    }
  };

  for (let r0 = 0; r0 < height; r0 += BATCH) {
    const count = Math.min(BATCH, height - r0);
    loadRows(r0, count);
    for (let k = 0; k < BATCH; k++) {
      const row = Math.min(k, count - 1);
      lines[k] = lumaStart + row * width;
      lines[BATCH + k] = ringStart + ((r0 + row) % ringRows) * stride;
    }
    kernels.boxRows(lines, width, wRow, true);
    for (let r = r0; r < r0 + count; r++) {
      const enter = ringStart + (r % ringRows) * stride;
      if (r >= wCol) {
        verticalStep(enter, ringStart + ((r - wCol) % ringRows) * stride, wCol, r - halfCol + 1);
      } else {
        verticalStep(enter, zeroStart, r + 1, r >= halfCol - 1 ? r - halfCol + 1 : -1);
      }
    }
  }
  for (let k = 1; k < halfCol; k++) {
    const leave = ringStart + ((height - wCol + k - 1) % ringRows) * stride;
    verticalStep(negativeZeroStart, leave, wCol - k, height - halfCol + k);
  }
  if (pending > 0) {
    flushPending();
  }

  // Second vertical pass over the height x 64 sampled columns, keeping the sampled rows.
  let cell = 0;
  let nextRow = decimationIndex(0, height);
  const step = (enter: number, leave: number, count: number, output: number): void => {
    kernels.slide(colSum64Start, enter, leave, row64Start, PDQ_GRID, count);
    while (output >= 0 && nextRow === output) {
      out.set(m.subarray(row64Start, row64Start + PDQ_GRID), cell * PDQ_GRID);
      cell++;
      nextRow = cell < PDQ_GRID ? decimationIndex(cell, height) : -1;
    }
  };
  for (let r = 0; r < height; r++) {
    const enter = midStart + r * PDQ_GRID;
    if (r >= wCol) {
      step(enter, midStart + (r - wCol) * PDQ_GRID, wCol, r - halfCol + 1);
    } else {
      step(enter, zeroStart, r + 1, r >= halfCol - 1 ? r - halfCol + 1 : -1);
    }
  }
  for (let k = 1; k < halfCol; k++) {
    step(negativeZeroStart, midStart + (height - wCol + k - 1) * PDQ_GRID, wCol - k, height - halfCol + k);
  }
}
