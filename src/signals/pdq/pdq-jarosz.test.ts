import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { type JaroszInput, decimationIndex, jaroszFilterDecimate, jaroszWindowSize } from './pdq-jarosz.js';
import { type PdqKernels, createJsKernels } from './pdq-kernels.js';
import { createWasmKernels } from './pdq-kernels-wasm.js';
import { lumaFromImage } from './pdq-luma.js';

const f32 = Math.fround;

/** SPEC §3 step 3, literally: one line at a time, in four phases. */
function boxLineNaive(input: number[], w: number): number[] {
  const n = input.length;
  const half = Math.floor((w + 2) / 2);
  const out: number[] = new Array<number>(n).fill(0);
  let sum = 0;
  let cnt = 0;
  let r = 0;
  let l = 0;
  let o = 0;
  for (let k = 0; k < half - 1; k++) {
    sum = f32(sum + input[r++]!);
    cnt++;
  }
  for (let k = 0; k < w - half + 1; k++) {
    sum = f32(sum + input[r++]!);
    cnt++;
    out[o++] = f32(sum / cnt);
  }
  for (let k = 0; k < n - w; k++) {
    sum = f32(sum + input[r++]!);
    sum = f32(sum - input[l++]!);
    out[o++] = f32(sum / cnt);
  }
  for (let k = 0; k < half - 1; k++) {
    sum = f32(sum - input[l++]!);
    cnt--;
    out[o++] = f32(sum / cnt);
  }
  return out;
}

/** The reference's schedule: full buffers, horizontal over rows, vertical over columns, twice. */
function filterDecimateNaive(luma: Float32Array, width: number, height: number): Float32Array {
  const wRow = Math.floor((width + 127) / 128);
  const wCol = Math.floor((height + 127) / 128);
  let buffer = Array.from(luma);
  for (let round = 0; round < 2; round++) {
    const horizontal: number[] = [];
    for (let y = 0; y < height; y++) {
      horizontal.push(...boxLineNaive(buffer.slice(y * width, (y + 1) * width), wRow));
    }
    const vertical: number[] = new Array<number>(width * height).fill(0);
    for (let x = 0; x < width; x++) {
      const column = boxLineNaive(
        Array.from({ length: height }, (_, y) => horizontal[y * width + x]!),
        wCol,
      );
      column.forEach((v, y) => (vertical[y * width + x] = v));
    }
    buffer = vertical;
  }
  const grid = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 64; j++) {
      grid[i * 64 + j] =
        buffer[Math.floor(((i + 0.5) * height) / 64) * width + Math.floor(((j + 0.5) * width) / 64)]!;
    }
  }
  return grid;
}

function randomLuma(width: number, height: number, seed: number): Float32Array {
  const luma = new Float32Array(width * height);
  let state = seed >>> 0;
  for (let i = 0; i < luma.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // Smooth structure plus noise, values in 0..255 with fractional float32 parts, like real luma.
    const x = i % width;
    const y = Math.floor(i / width);
    luma[i] = f32(127 + 100 * Math.sin(x / 7 + y / 11) + ((state >>> 8) / 0x1000000) * 27.3);
  }
  return luma;
}

const KERNELS: [string, PdqKernels][] = [
  ['TypeScript', createJsKernels()],
  ['WebAssembly', createWasmKernels()!],
];

function filtered(input: JaroszInput, kernels: PdqKernels): Float32Array {
  const grid = new Float32Array(64 * 64);
  jaroszFilterDecimate(input, grid, kernels);
  return grid;
}

function randomImage(width: number, height: number, channels: 1 | 3, seed: number): DecodedImage {
  const data = new Uint8Array(width * height * channels);
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const x = Math.floor(i / channels) % width;
    data[i] = (x * 3 + (state >>> 28)) & 255;
  }
  return { width, height, channels, data };
}

const bits = (values: Float32Array): number[] => Array.from(new Uint32Array(values.buffer));

describe('Jarosz filter and decimation', () => {
  it('window sizes follow floor((n + 127) / 128)', () => {
    expect([5, 64, 128, 129, 256, 257, 384, 385, 1004, 1600].map(jaroszWindowSize)).toEqual([
      1, 1, 1, 2, 2, 3, 3, 4, 8, 13,
    ]);
  });

  it('samples cell centres, repeating samples under 64', () => {
    expect(decimationIndex(0, 1600)).toBe(12);
    expect(decimationIndex(63, 1600)).toBe(1587);
    expect(Array.from({ length: 6 }, (_, i) => decimationIndex(i, 7))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('has WebAssembly kernels on this runtime', () => {
    expect(createWasmKernels()?.kind).toBe('wasm');
  });

  // Windows 1 to 9 on both axes, odd and even, and sides below 64 (decimation repeats samples).
  const sizes: [number, number][] = [
    [5, 5],
    [5, 9],
    [7, 1000],
    [1000, 7],
    [63, 65],
    [64, 64],
    [128, 129],
    [129, 128],
    [200, 131],
    [255, 257],
    [257, 255],
    [384, 385],
    [385, 640],
    [513, 300],
    [640, 897],
    [1025, 130],
  ];
  for (const [name, kernels] of KERNELS) {
    for (const [width, height] of sizes) {
      it(`${name}: matches the reference schedule bit for bit at ${width}x${height}`, () => {
        const luma = randomLuma(width, height, width * 7919 + height);
        const expected = bits(filterDecimateNaive(luma, width, height));
        expect(bits(filtered({ kind: 'luma', luma, width, height }, kernels))).toEqual(expected);
      });
    }

    it(`${name}: filters RGB and grey pixels as their luma`, () => {
      for (const [width, height, channels] of [
        [301, 203, 3],
        [203, 301, 1],
        [6, 7, 3],
      ] as const) {
        const image = randomImage(width, height, channels, width + height);
        const luma = lumaFromImage(image);
        expect(bits(filtered({ kind: 'pixels', image }, kernels))).toEqual(
          bits(filterDecimateNaive(luma, width, height)),
        );
      }
    });

    it(`${name}: gives the same result when called again after other sizes (scratch reuse)`, () => {
      const luma = randomLuma(300, 200, 1);
      const first = bits(filtered({ kind: 'luma', luma, width: 300, height: 200 }, kernels));
      filtered({ kind: 'pixels', image: randomImage(1000, 900, 3, 2) }, kernels);
      filtered({ kind: 'luma', luma: randomLuma(17, 23, 3), width: 17, height: 23 }, kernels);
      expect(bits(filtered({ kind: 'luma', luma, width: 300, height: 200 }, kernels))).toEqual(first);
    });
  }
});
