import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { sharedPath, readTsv } from '../../../test/support/shared-data.js';
import { PDQ_DCT_SIZE, PDQ_GRID, pdqDct16, pdqDctMatrix } from './pdq-dct.js';
import { createJsKernels } from './pdq-kernels.js';
import { createWasmKernels } from './pdq-kernels-wasm.js';

describe('PDQ DCT', () => {
  it('matrix equals the reference float32 bit patterns in all 1024 entries', () => {
    const rows = readTsv(sharedPath('pdq', 'vectors', 'expected', 'dct-matrix-16x64-float32.tsv'));
    expect(rows).toHaveLength(PDQ_DCT_SIZE * PDQ_GRID);
    const matrix = new Uint32Array(pdqDctMatrix().buffer);
    const mismatches = rows.filter((row) => {
      const index = Number(row.row) * PDQ_GRID + Number(row.col);
      return matrix[index]!.toString(16).padStart(8, '0') !== row.float32_hex_bits;
    });
    expect(mismatches).toEqual([]);
  });

  it('accumulates each product in float32, k ascending (naive loop agrees, both kernels)', () => {
    const matrix = pdqDctMatrix();
    const grid = new Float32Array(PDQ_GRID * PDQ_GRID);
    let seed = 12345;
    for (let i = 0; i < grid.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      grid[i] = Math.fround((seed >>> 8) / 65536);
    }
    const temp = new Float32Array(PDQ_DCT_SIZE * PDQ_GRID);
    for (let i = 0; i < PDQ_DCT_SIZE; i++) {
      for (let j = 0; j < PDQ_GRID; j++) {
        let acc = 0;
        for (let k = 0; k < PDQ_GRID; k++) {
          acc = Math.fround(acc + Math.fround(matrix[i * PDQ_GRID + k]! * grid[k * PDQ_GRID + j]!));
        }
        temp[i * PDQ_GRID + j] = acc;
      }
    }
    const expected = new Float32Array(PDQ_DCT_SIZE * PDQ_DCT_SIZE);
    for (let i = 0; i < PDQ_DCT_SIZE; i++) {
      for (let j = 0; j < PDQ_DCT_SIZE; j++) {
        let acc = 0;
        for (let k = 0; k < PDQ_GRID; k++) {
          acc = Math.fround(acc + Math.fround(temp[i * PDQ_GRID + k]! * matrix[j * PDQ_GRID + k]!));
        }
        expected[i * PDQ_DCT_SIZE + j] = acc;
      }
    }
    for (const kernels of [createJsKernels(), createWasmKernels()!]) {
      const actual = new Float32Array(PDQ_DCT_SIZE * PDQ_DCT_SIZE);
      pdqDct16(grid, actual, kernels);
      expect(Array.from(new Uint32Array(actual.buffer))).toEqual(
        Array.from(new Uint32Array(expected.buffer)),
      );
    }
  });
});
