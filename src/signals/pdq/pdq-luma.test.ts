import { describe, expect, it } from 'vitest';
import { createJsKernels } from './pdq-kernels.js';
import { createWasmKernels } from './pdq-kernels-wasm.js';
import { fillLumaRow, lumaFromImage } from './pdq-luma.js';

const f32 = Math.fround;
const R = f32(0.299);
const G = f32(0.587);
const B = f32(0.114);

describe('PDQ luma', () => {
  it('has the float32 weights of SPEC §2', () => {
    expect([R, G, B]).toEqual([0.29899999499320984, 0.5870000123977661, 0.11400000005960464]);
  });

  it('computes f32(f32(f32(cR*R) + f32(cG*G)) + f32(cB*B)) for RGB pixels', () => {
    const width = 4096;
    const data = new Uint8Array(width * 3);
    for (let i = 0; i < data.length; i++) {
      data[i] = Math.floor(Math.random() * 256);
    }
    // Include the extremes and every grey level.
    data.set([0, 0, 0, 255, 255, 255], 0);
    for (let v = 0; v < 256; v++) {
      data.set([v, v, v], (10 + v) * 3);
    }
    const row = new Float32Array(width);
    fillLumaRow({ width, height: 1, channels: 3, data }, 0, row);
    for (let x = 0; x < width; x++) {
      const [r, g, b] = [data[x * 3]!, data[x * 3 + 1]!, data[x * 3 + 2]!];
      expect(row[x]).toBe(f32(f32(f32(R * r) + f32(G * g)) + f32(B * b)));
    }
  });

  it('keeps grey values exactly, which differs from R=G=B through the weights for 35 levels', () => {
    const grey = Uint8Array.from({ length: 256 }, (_, v) => v);
    const rgb = Uint8Array.from({ length: 768 }, (_, i) => Math.floor(i / 3));
    const fromGrey = lumaFromImage({ width: 256, height: 1, channels: 1, data: grey });
    const fromRgb = lumaFromImage({ width: 256, height: 1, channels: 3, data: rgb });
    expect(Array.from(fromGrey)).toEqual(Array.from(grey));
    expect(Array.from(fromGrey).filter((v, i) => v !== fromRgb[i])).toHaveLength(35);
  });

  it('lays rows out row-major', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(lumaFromImage({ width: 3, height: 2, channels: 1, data }))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('PDQ luma kernels', () => {
  it('WebAssembly and TypeScript agree on all 2^24 RGB colours and all grey levels', () => {
    const wasm = createWasmKernels()!;
    const js = createJsKernels();
    const pixels = 1 << 24;
    const rgbBytes = pixels * 3;
    // Room for the source bytes (plus the kernel's over-read), then the luma.
    const lumaAt = (rgbBytes + 16) / 4;
    for (const kernels of [wasm, js]) {
      kernels.reserve(lumaAt + pixels + 4);
      const bytes = kernels.u8;
      for (let i = 0, p = 0; i < pixels; i++, p += 3) {
        bytes[p] = i >> 16;
        bytes[p + 1] = (i >> 8) & 255;
        bytes[p + 2] = i & 255;
      }
      kernels.lumaRgb(0, lumaAt, pixels);
    }
    const fromWasm = wasm.f32.subarray(lumaAt, lumaAt + pixels);
    const fromJs = js.f32.subarray(lumaAt, lumaAt + pixels);
    let mismatches = 0;
    for (let i = 0; i < pixels; i++) {
      if (!Object.is(fromWasm[i], fromJs[i])) {
        mismatches++;
      }
    }
    expect(mismatches).toBe(0);

    for (const kernels of [wasm, js]) {
      for (let v = 0; v < 256; v++) {
        kernels.u8[v] = v;
      }
      kernels.lumaGrey(0, 128, 256);
      expect(Array.from(kernels.f32.subarray(128, 384))).toEqual(Array.from({ length: 256 }, (_, v) => v));
    }
  });
});
