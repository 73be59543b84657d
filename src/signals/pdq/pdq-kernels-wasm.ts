/**
 * The PDQ kernels (see pdq-kernels.ts) as a small WebAssembly module, assembled here from its
 * instructions: no binary blob, no toolchain, no dependency.
 *
 * Why WebAssembly: its f32 operations are IEEE binary32 with one rounding each and are never
 * fused into multiply-adds, which is exactly the reference's arithmetic, while JavaScript has to
 * round every double result back to float32 (Math.fround), which doubles the latency of each
 * running-sum step. The vertical passes, the luma and the DCT use 128-bit SIMD (four float32
 * lanes, each lane the same IEEE operation). Together this makes the hash several times faster
 * than with the TypeScript kernels, with bit-identical output (the tests compare both).
 */

import type { PdqKernels } from './pdq-kernels.types.js';
import { LUMA_WEIGHTS } from './pdq-luma.js';

type Code = number[];

// Value types and instruction opcodes, from the WebAssembly core and SIMD specifications.
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const SIMD = 0xfd;

function uleb(value: number): Code {
  const out: Code = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

function sleb(value: number): Code {
  const out: Code = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (opcode: number): Code => [SIMD, ...uleb(opcode)];
function f32Bytes(value: number): Code {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return [...new Uint8Array(view.buffer)];
}

// Instructions as expressions: each helper emits its operands, then its opcode.
const get = (local: number): Code => [0x20, ...uleb(local)];
const set = (local: number, value: Code): Code => [...value, 0x21, ...uleb(local)];
const i32 = (value: number): Code => [0x41, ...sleb(value)];
const add = (a: Code, b: Code): Code => [...a, ...b, 0x6a];
const sub = (a: Code, b: Code): Code => [...a, ...b, 0x6b];
const mul = (a: Code, b: Code): Code => [...a, ...b, 0x6c];
const shl = (a: Code, bits: number): Code => [...a, ...i32(bits), 0x74];
const shr = (a: Code, bits: number): Code => [...a, ...i32(bits), 0x75];
const lessThan = (a: Code, b: Code): Code => [...a, ...b, 0x48];
const increment = (local: number, by: number): Code => set(local, add(get(local), i32(by)));
const f32Load = (address: Code): Code => [...address, 0x2a, 2, 0];
const f32Store = (address: Code, value: Code): Code => [...address, ...value, 0x38, 2, 0];
const f32FromI32 = (a: Code): Code => [...a, 0xb2];
const i32FromF32 = (a: Code): Code => [...a, 0xa8];
const f32Add = (a: Code, b: Code): Code => [...a, ...b, 0x92];
const f32Sub = (a: Code, b: Code): Code => [...a, ...b, 0x93];
const f32Div = (a: Code, b: Code): Code => [...a, ...b, 0x95];
const v128Load = (address: Code): Code => [...address, ...simd(0x00), 0, 0];
const v128Store = (address: Code, value: Code): Code => [...address, ...value, ...simd(0x0b), 0, 0];
const v128Const = (bytes: Code): Code => [...simd(0x0c), ...bytes];
const f32x4Const = (value: number): Code => v128Const([0, 1, 2, 3].flatMap(() => f32Bytes(value)));
const f32x4Splat = (value: Code): Code => [...value, ...simd(0x13)];
const f32x4Add = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe4)];
const f32x4Sub = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe5)];
const f32x4Mul = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe6)];
const f32x4Div = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe7)];
const f32x4FromI32x4 = (a: Code): Code => [...a, ...simd(0xfa)];

// Zero-extending widenings: the low or high half of the byte (or 16-bit) lanes.
const u16FromLowU8 = (a: Code): Code => [...a, ...simd(0x89)];
const u16FromHighU8 = (a: Code): Code => [...a, ...simd(0x8a)];
const u32FromLowU16 = (a: Code): Code => [...a, ...simd(0xa9)];
const u32FromHighU16 = (a: Code): Code => [...a, ...simd(0xaa)];
/** Reorders the bytes of the vector in a local: byte i of the result is byte lanes[i] of it. */
const shuffleBytes = (local: number, lanes: readonly number[]): Code => [
  ...get(local),
  ...get(local),
  ...simd(0x0d),
  ...lanes,
];

/** while (condition) { body } */
function whileLoop(condition: Code, body: Code[]): Code {
  const block = 0x02;
  const loop = 0x03;
  const empty = 0x40;
  const eqz = 0x45;
  const brIf = 0x0d;
  const br = 0x0c;
  const end = 0x0b;
  return [block, empty, loop, empty, ...condition, eqz, brIf, 1, ...body.flat(), br, 0, end, end];
}

interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly locals: readonly number[];
  readonly body: Code[];
}

function encodeModule(functions: readonly WasmFunction[]): Uint8Array {
  const vector = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
  const name = (text: string): Code => vector(Array.from(new TextEncoder().encode(text), (byte) => [byte]));
  const section = (id: number, content: Code): Code => [id, ...uleb(content.length), ...content];
  const funcType = 0x60;
  const memoryImport = 0x02;
  const funcExport = 0x00;
  const types = functions.map((f) => [funcType, ...vector(f.params.map((t) => [t])), ...vector([])]);
  const imports = [[...name('env'), ...name('memory'), memoryImport, 0x00, ...uleb(0)]];
  const bodies = functions.map((f) => {
    const body = [...vector(f.locals.map((t) => [1, t])), ...f.body.flat(), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), funcExport, ...uleb(i)]))),
    ...section(10, vector(bodies)),
  ]);
}

/** luma_rgb(src, dst, end): four pixels per step until dst reaches end (byte addresses). */
function lumaRgbFunction(): WasmFunction {
  const [src, dst, end, planar, redGreen, red, green, blue] = [0, 1, 2, 3, 4, 5, 6, 7];
  const weighted = (channel: Code, weight: number): Code => f32x4Mul(f32x4FromI32x4(channel), get(weight));
  return {
    name: 'luma_rgb',
    params: [I32, I32, I32],
    locals: [V128, V128, V128, V128, V128],
    body: [
      // Constants live in locals: the compiler does not hoist them out of the loop.
      set(red, f32x4Const(LUMA_WEIGHTS.red)),
      set(green, f32x4Const(LUMA_WEIGHTS.green)),
      set(blue, f32x4Const(LUMA_WEIGHTS.blue)),
      whileLoop(lessThan(get(dst), get(end)), [
        // RGBRGBRGBRGB -> RRRRGGGGBBBB, then each channel widened to four 32-bit lanes.
        set(planar, v128Load(get(src))),
        set(planar, shuffleBytes(planar, [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11, 12, 13, 14, 15])),
        set(redGreen, u16FromLowU8(get(planar))),
        v128Store(
          get(dst),
          f32x4Add(
            f32x4Add(
              weighted(u32FromLowU16(get(redGreen)), red),
              weighted(u32FromHighU16(get(redGreen)), green),
            ),
            weighted(u32FromLowU16(u16FromHighU8(get(planar))), blue),
          ),
        ),
        increment(src, 12),
        increment(dst, 16),
      ]),
    ],
  };
}

/** luma_grey(src, dst, end): four pixels per step, each grey value converted exactly. */
function lumaGreyFunction(): WasmFunction {
  const [src, dst, end] = [0, 1, 2];
  return {
    name: 'luma_grey',
    params: [I32, I32, I32],
    locals: [],
    body: [
      whileLoop(lessThan(get(dst), get(end)), [
        v128Store(get(dst), f32x4FromI32x4(u32FromLowU16(u16FromLowU8(v128Load(get(src)))))),
        increment(src, 4),
        increment(dst, 16),
      ]),
    ],
  };
}

/**
 * box_rows / sum_rows(s0, s1, s2, s3, d0, d1, d2, d3, n, w): the four-phase running sum of the
 * specification over four lines at once (byte addresses; n and w in samples).
 */
function boxRowsFunction(divide: boolean): WasmFunction {
  const [n, w] = [8, 9];
  const [half, p, l, o, end, k] = [10, 11, 12, 13, 14, 15];
  const [acc, count] = [16, 20];
  const lines = [0, 1, 2, 3];
  const output = (line: number): Code => (divide ? f32Div(get(acc + line), get(count)) : get(acc + line));
  const store = (line: number): Code => f32Store(add(get(4 + line), get(o)), output(line));
  const enter = (line: number): Code => f32Load(add(get(line), get(p)));
  const leave = (line: number): Code => f32Load(add(get(line), get(l)));
  return {
    name: divide ? 'box_rows' : 'sum_rows',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32],
    body: [
      set(half, shr(add(get(w), i32(2)), 1)),
      // Phase 1: the first half-1 samples only enter.
      set(end, shl(sub(get(half), i32(1)), 2)),
      whileLoop(lessThan(get(p), get(end)), [
        ...lines.map((line) => set(acc + line, f32Add(get(acc + line), enter(line)))),
        increment(p, 4),
      ]),
      // Phase 2: samples enter and outputs start, averaging over the samples seen so far.
      set(end, shl(get(w), 2)),
      whileLoop(lessThan(get(p), get(end)), [
        set(count, f32FromI32(add(shr(get(p), 2), i32(1)))),
        ...lines.map((line) => set(acc + line, f32Add(get(acc + line), enter(line)))),
        ...lines.map(store),
        increment(p, 4),
        increment(o, 4),
      ]),
      // Phase 3: one sample enters, then one leaves; two roundings, as the reference.
      set(end, shl(get(n), 2)),
      set(count, f32FromI32(get(w))),
      whileLoop(lessThan(get(p), get(end)), [
        ...lines.map((line) => set(acc + line, f32Sub(f32Add(get(acc + line), enter(line)), leave(line)))),
        ...lines.map(store),
        increment(p, 4),
        increment(l, 4),
        increment(o, 4),
      ]),
      // Phase 4: the last half-1 outputs, samples only leaving.
      set(k, i32(1)),
      whileLoop(lessThan(get(k), get(half)), [
        set(count, f32FromI32(sub(get(w), get(k)))),
        ...lines.map((line) => set(acc + line, f32Sub(get(acc + line), leave(line)))),
        ...lines.map(store),
        increment(l, 4),
        increment(o, 4),
        increment(k, 1),
      ]),
    ],
  };
}

/** slide(colSum, enter, leave, avg, bytes, count): four columns per step. */
function slideFunction(): WasmFunction {
  const [colSum, enter, leave, avg, bytes, count] = [0, 1, 2, 3, 4, 5];
  const [i, divisor, sum] = [6, 7, 8];
  const at = (base: number): Code => add(get(base), get(i));
  return {
    name: 'slide',
    params: [I32, I32, I32, I32, I32, F32],
    locals: [I32, V128, V128],
    body: [
      set(divisor, f32x4Splat(get(count))),
      whileLoop(lessThan(get(i), get(bytes)), [
        set(sum, f32x4Sub(f32x4Add(v128Load(at(colSum)), v128Load(at(enter))), v128Load(at(leave)))),
        v128Store(at(colSum), get(sum)),
        v128Store(at(avg), f32x4Div(get(sum), get(divisor))),
        increment(i, 16),
      ]),
    ],
  };
}

/** sample(src, table, dst, n): dst[j] = src[table[2j]] / table[2j+1] (byte addresses). */
function sampleFunction(): WasmFunction {
  const [src, table, dst, n] = [0, 1, 2, 3];
  const [j] = [4];
  const entry = (field: number): Code => f32Load(add(get(table), add(shl(get(j), 3), i32(field))));
  return {
    name: 'sample',
    params: [I32, I32, I32, I32],
    locals: [I32],
    body: [
      whileLoop(lessThan(get(j), get(n)), [
        f32Store(
          add(get(dst), shl(get(j), 2)),
          f32Div(f32Load(add(get(src), shl(i32FromF32(entry(0)), 2))), entry(4)),
        ),
        increment(j, 1),
      ]),
    ],
  };
}

/**
 * dct16(a, d, dt, t, b): t = d * a (16x64 = 16x64 * 64x64), then b = t * dt (16x16 = 16x64 *
 * 64x16), byte addresses, row-major. Four adjacent entries of a row of t (or b) are summed in the
 * four lanes of a vector: each lane is the reference's sequential float32 sum over ascending k.
 */
function dctFunction(): WasmFunction {
  const [a, d, dt, t, b] = [0, 1, 2, 3, 4];
  const [i, k, j, factor, row, target] = [5, 6, 7, 8, 9, 10];
  const accumulate = (targetAt: Code, rowAt: Code): Code =>
    v128Store(targetAt, f32x4Add(v128Load(targetAt), f32x4Mul(get(factor), v128Load(rowAt))));
  // target[j..] += factor * row[j..] for the given row length in bytes.
  const rowUpdate = (bytes: number): Code[] => [
    set(j, i32(0)),
    whileLoop(lessThan(get(j), i32(bytes)), [
      accumulate(add(get(target), get(j)), add(get(row), get(j))),
      increment(j, 16),
    ]),
  ];
  // out = left * right, where left has 16 rows of 64 and right has 64 rows of `cols`.
  const product = (left: number, right: number, out: number, cols: number): Code[] => [
    set(j, i32(0)),
    whileLoop(lessThan(get(j), i32(16 * cols * 4)), [
      v128Store(add(get(out), get(j)), f32x4Const(0)),
      increment(j, 16),
    ]),
    set(i, i32(0)),
    whileLoop(lessThan(get(i), i32(16)), [
      set(target, add(get(out), mul(get(i), i32(cols * 4)))),
      set(k, i32(0)),
      whileLoop(lessThan(get(k), i32(64)), [
        set(factor, f32x4Splat(f32Load(add(get(left), shl(add(shl(get(i), 6), get(k)), 2))))),
        set(row, add(get(right), mul(get(k), i32(cols * 4)))),
        ...rowUpdate(cols * 4),
        increment(k, 1),
      ]),
      increment(i, 1),
    ]),
  ];
  return {
    name: 'dct16',
    params: [I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, V128, I32, I32],
    body: [...product(d, a, t, 64), ...product(t, dt, b, 16)],
  };
}

// The parts of the WebAssembly JavaScript API used here (the project's type libraries omit it).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}

type LumaExport = (src: number, dst: number, end: number) => void;
type NumbersExport = (...args: number[]) => void;
type SlideExport = (
  colSum: number,
  enter: number,
  leave: number,
  avg: number,
  bytes: number,
  count: number,
) => void;

const PAGE_BYTES = 65536;

class WasmKernels implements PdqKernels {
  readonly kind = 'wasm';
  f32: Float32Array;
  u8: Uint8Array;
  private readonly memory: WasmMemory;
  private readonly lumaRgbExport: LumaExport;
  private readonly lumaGreyExport: LumaExport;
  private readonly boxNumbersExport: NumbersExport;
  private readonly sumNumbersExport: NumbersExport;
  private readonly slideExport: SlideExport;
  private readonly sampleExport: NumbersExport;
  private readonly dctExport: NumbersExport;

  constructor(api: WasmApi) {
    const bytes = encodeModule([
      lumaRgbFunction(),
      lumaGreyFunction(),
      boxRowsFunction(true),
      boxRowsFunction(false),
      slideFunction(),
      sampleFunction(),
      dctFunction(),
    ]);
    this.memory = new api.Memory({ initial: 1 });
    const { exports } = new api.Instance(new api.Module(bytes), { env: { memory: this.memory } });
    this.lumaRgbExport = exports.luma_rgb as LumaExport;
    this.lumaGreyExport = exports.luma_grey as LumaExport;
    this.boxNumbersExport = exports.box_rows as NumbersExport;
    this.sumNumbersExport = exports.sum_rows as NumbersExport;
    this.slideExport = exports.slide as SlideExport;
    this.sampleExport = exports.sample as NumbersExport;
    this.dctExport = exports.dct16 as NumbersExport;
    this.f32 = new Float32Array(this.memory.buffer);
    this.u8 = new Uint8Array(this.memory.buffer);
  }

  reserve(floats: number): void {
    const needed = floats * 4 - this.memory.buffer.byteLength;
    if (needed > 0) {
      this.memory.grow(Math.ceil(needed / PAGE_BYTES));
    }
    if (this.f32.buffer !== this.memory.buffer) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.u8 = new Uint8Array(this.memory.buffer);
    }
  }

  lumaRgb(src: number, dst: number, n: number): void {
    this.lumaRgbExport(src, dst * 4, (dst + n) * 4);
  }

  lumaGrey(src: number, dst: number, n: number): void {
    this.lumaGreyExport(src, dst * 4, (dst + n) * 4);
  }

  boxRows(lines: Int32Array, n: number, w: number, divide: boolean): void {
    const run = divide ? this.boxNumbersExport : this.sumNumbersExport;
    run(
      lines[0]! * 4,
      lines[1]! * 4,
      lines[2]! * 4,
      lines[3]! * 4,
      lines[4]! * 4,
      lines[5]! * 4,
      lines[6]! * 4,
      lines[7]! * 4,
      n,
      w,
    );
  }

  slide(colSum: number, enter: number, leave: number, avg: number, n: number, count: number): void {
    this.slideExport(colSum * 4, enter * 4, leave * 4, avg * 4, n * 4, count);
  }

  sample(src: number, table: number, dst: number, n: number): void {
    this.sampleExport(src * 4, table * 4, dst * 4, n);
  }

  dct16(a: number, d: number, dt: number, t: number, b: number): void {
    this.dctExport(a * 4, d * 4, dt * 4, t * 4, b * 4);
  }
}

/** The WebAssembly kernels, or undefined where WebAssembly (with SIMD) is unavailable. */
export function createWasmKernels(): PdqKernels | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) {
    return undefined;
  }
  try {
    return new WasmKernels(api);
  } catch {
    return undefined;
  }
}
