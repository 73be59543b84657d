/**
 * The low-frequency 2-D DCT of PDQ: B = D * A * D^T, where A is the 64x64 filtered image and D the
 * 16x64 DCT-II basis for frequencies 1..16 (DC excluded). Sums are accumulated sequentially in
 * float32 (k ascending, product rounded, then sum rounded) exactly as the reference does; a
 * different summation order would change the low bits and, near the median, the hash.
 */

import { type PdqKernels, pdqKernels } from './pdq-kernels.js';

/** Side of the decimated image. */
export const PDQ_GRID = 64;
/** Number of DCT frequencies kept per axis. */
export const PDQ_DCT_SIZE = 16;

/**
 * D[i][j] = f32(s * cos((pi/2/64) * (i+1) * (2j+1))), s = f32(sqrt(2/64)), the product taken in
 * double and rounded once, row-major 16x64.
 */
const MATRIX: Float32Array = (() => {
  const matrix = new Float32Array(PDQ_DCT_SIZE * PDQ_GRID);
  const scale = Math.fround(Math.sqrt(2 / PDQ_GRID));
  const step = Math.PI / 2 / PDQ_GRID;
  for (let i = 0; i < PDQ_DCT_SIZE; i++) {
    for (let j = 0; j < PDQ_GRID; j++) {
      matrix[i * PDQ_GRID + j] = scale * Math.cos(step * (i + 1) * (2 * j + 1));
    }
  }
  return matrix;
})();

/** A copy of the 16x64 DCT matrix, row-major. */
export function pdqDctMatrix(): Float32Array {
  return MATRIX.slice();
}

/** The transpose of MATRIX, 64x16, so that both products read their right operand along rows. */
const MATRIX_T: Float32Array = (() => {
  const transposed = new Float32Array(PDQ_GRID * PDQ_DCT_SIZE);
  for (let i = 0; i < PDQ_DCT_SIZE; i++) {
    for (let j = 0; j < PDQ_GRID; j++) {
      transposed[j * PDQ_DCT_SIZE + i] = MATRIX[i * PDQ_GRID + j]!;
    }
  }
  return transposed;
})();

// Positions of the operands in the kernels' scratch memory.
const A_AT = 0;
const D_AT = A_AT + PDQ_GRID * PDQ_GRID;
const DT_AT = D_AT + PDQ_DCT_SIZE * PDQ_GRID;
const T_AT = DT_AT + PDQ_GRID * PDQ_DCT_SIZE;
const B_AT = T_AT + PDQ_DCT_SIZE * PDQ_GRID;
const END_AT = B_AT + PDQ_DCT_SIZE * PDQ_DCT_SIZE;

/**
 * Writes the 16x16 DCT of the row-major 64x64 image `a` into out[0 .. 255], row i = vertical
 * frequency i+1, column j = horizontal frequency j+1: out = D * a * D^T.
 */
export function pdqDct16(a: Float32Array, out: Float32Array, kernels: PdqKernels = pdqKernels()): void {
  kernels.reserve(END_AT);
  const m = kernels.f32;
  m.set(a.subarray(0, PDQ_GRID * PDQ_GRID), A_AT);
  m.set(MATRIX, D_AT);
  m.set(MATRIX_T, DT_AT);
  kernels.dct16(A_AT, D_AT, DT_AT, T_AT, B_AT);
  out.set(m.subarray(B_AT, END_AT));
}
