/**
 * The inner loops of PDQ (luma, box filter passes, DCT) behind one interface, so that the
 * schedules in pdq-jarosz.ts and pdq-dct.ts run unchanged on the WebAssembly kernels (fast) or on
 * the plain TypeScript ones (the fallback where WebAssembly is unavailable, e.g. node --jitless,
 * and the readable statement of what every kernel computes). Both are bit-exact; the tests run
 * both.
 *
 * All kernels work on one scratch memory and take positions in float32 elements, except the
 * luma kernels' source, which is a byte position. Every arithmetic step is float32 with one
 * rounding: in TypeScript through Math.fround and Float32Array stores, in WebAssembly natively.
 */

import { createWasmKernels } from './pdq-kernels-wasm.js';
import { greyToLuma, rgbToLuma } from './pdq-luma.js';
import type { PdqKernels } from './pdq-kernels.types.js';

export type { PdqKernels };

let selected: PdqKernels | undefined;

/** The WebAssembly kernels when this runtime can compile them, else the TypeScript ones. */
export function pdqKernels(): PdqKernels {
  selected ??= createWasmKernels() ?? createJsKernels();
  return selected;
}

export function createJsKernels(): PdqKernels {
  return new JsKernels();
}

class JsKernels implements PdqKernels {
  readonly kind = 'js';
  f32 = new Float32Array(0);
  u8 = new Uint8Array(0);

  reserve(floats: number): void {
    if (this.f32.length < floats) {
      const buffer = new ArrayBuffer(floats * 4);
      this.f32 = new Float32Array(buffer);
      this.u8 = new Uint8Array(buffer);
    }
  }

  lumaRgb(src: number, dst: number, n: number): void {
    rgbToLuma(this.u8, src, this.f32, dst, n);
  }

  lumaGrey(src: number, dst: number, n: number): void {
    greyToLuma(this.u8, src, this.f32, dst, n);
  }

  boxRows(lines: Int32Array, n: number, w: number, divide: boolean): void {
    // Four independent running sums side by side: each is a chain of dependent operations, and
    // interleaving them lets the CPU overlap the chains.
    const m = this.f32;
    const half = (w + 2) >> 1;
    const s0 = lines[0]!;
    const s1 = lines[1]!;
    const s2 = lines[2]!;
    const s3 = lines[3]!;
    const d0 = lines[4]!;
    const d1 = lines[5]!;
    const d2 = lines[6]!;
    const d3 = lines[7]!;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    // Dividing by 1 leaves a float32 sum unchanged: that is the sums-only variant.
    let r = 0;
    for (; r < half - 1; r++) {
      a0 = Math.fround(a0 + m[s0 + r]!);
      a1 = Math.fround(a1 + m[s1 + r]!);
      a2 = Math.fround(a2 + m[s2 + r]!);
      a3 = Math.fround(a3 + m[s3 + r]!);
    }
    for (let o = 0; r < w; r++, o++) {
      const count = divide ? r + 1 : 1;
      a0 = Math.fround(a0 + m[s0 + r]!);
      a1 = Math.fround(a1 + m[s1 + r]!);
      a2 = Math.fround(a2 + m[s2 + r]!);
      a3 = Math.fround(a3 + m[s3 + r]!);
      m[d0 + o] = a0 / count;
      m[d1 + o] = a1 / count;
      m[d2 + o] = a2 / count;
      m[d3 + o] = a3 / count;
    }
    const full = divide ? w : 1;
    for (let l = 0, o = w - half + 1; r < n; r++, l++, o++) {
      a0 = Math.fround(Math.fround(a0 + m[s0 + r]!) - m[s0 + l]!);
      a1 = Math.fround(Math.fround(a1 + m[s1 + r]!) - m[s1 + l]!);
      a2 = Math.fround(Math.fround(a2 + m[s2 + r]!) - m[s2 + l]!);
      a3 = Math.fround(Math.fround(a3 + m[s3 + r]!) - m[s3 + l]!);
      m[d0 + o] = a0 / full;
      m[d1 + o] = a1 / full;
      m[d2 + o] = a2 / full;
      m[d3 + o] = a3 / full;
    }
    for (let k = 1; k < half; k++) {
      const l = n - w + k - 1;
      const o = n - half + k;
      const count = divide ? w - k : 1;
      a0 = Math.fround(a0 - m[s0 + l]!);
      a1 = Math.fround(a1 - m[s1 + l]!);
      a2 = Math.fround(a2 - m[s2 + l]!);
      a3 = Math.fround(a3 - m[s3 + l]!);
      m[d0 + o] = a0 / count;
      m[d1 + o] = a1 / count;
      m[d2 + o] = a2 / count;
      m[d3 + o] = a3 / count;
    }
  }

  slide(colSum: number, enter: number, leave: number, avg: number, n: number, count: number): void {
    const m = this.f32;
    for (let c = 0; c < n; c++) {
      const sum = Math.fround(Math.fround(m[colSum + c]! + m[enter + c]!) - m[leave + c]!);
      m[colSum + c] = sum;
      m[avg + c] = sum / count;
    }
  }

  sample(src: number, table: number, dst: number, n: number): void {
    const m = this.f32;
    for (let j = 0; j < n; j++) {
      m[dst + j] = m[src + m[table + 2 * j]!]! / m[table + 2 * j + 1]!;
    }
  }

  dct16(a: number, d: number, dt: number, t: number, b: number): void {
    const m = this.f32;
    // The k loop runs outside the j loop so both operands are read along rows; each entry
    // still receives its terms in ascending k.
    m.fill(0, t, t + 16 * 64);
    for (let i = 0; i < 16; i++) {
      for (let k = 0; k < 64; k++) {
        const factor = m[d + i * 64 + k]!;
        const row = a + k * 64;
        const target = t + i * 64;
        for (let j = 0; j < 64; j++) {
          m[target + j] = m[target + j]! + Math.fround(factor * m[row + j]!);
        }
      }
    }
    m.fill(0, b, b + 16 * 16);
    for (let i = 0; i < 16; i++) {
      for (let k = 0; k < 64; k++) {
        const factor = m[t + i * 64 + k]!;
        const row = dt + k * 16;
        const target = b + i * 16;
        for (let j = 0; j < 16; j++) {
          m[target + j] = m[target + j]! + Math.fround(factor * m[row + j]!);
        }
      }
    }
  }
}
