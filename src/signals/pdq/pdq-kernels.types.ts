/**
 * The inner loops of PDQ (luma, box filter passes, DCT) as one interface, implemented twice:
 * WebAssembly (pdq-kernels-wasm.ts) and plain TypeScript (pdq-kernels.ts). Positions are in
 * float32 elements of one scratch memory, except the luma kernels' byte source position.
 */
export interface PdqKernels {
  readonly kind: 'wasm' | 'js';
  /** Views of the scratch memory; replaced by reserve(). */
  readonly f32: Float32Array;
  readonly u8: Uint8Array;
  /**
   * Makes the scratch memory at least `floats` float32 values long (contents may be lost). It only
   * grows (WebAssembly memory cannot shrink): the filter needs about (wCol + 9) * width + 64 *
   * height floats, under 1% of the decoded image.
   */
  reserve(floats: number): void;
  /**
   * Luma of n pixels from byte position src into dst. May read up to 16 bytes past the source
   * pixels and write up to 3 floats past dst+n: the caller leaves room.
   */
  lumaRgb(src: number, dst: number, n: number): void;
  lumaGrey(src: number, dst: number, n: number): void;
  /**
   * The horizontal box pass of window w over four lines of n samples: line k is read at lines[k]
   * and written at lines[4+k]. With `divide` false the running sums are written instead of the
   * averages. Lines may repeat, to fill a short batch.
   */
  boxRows(lines: Int32Array, n: number, w: number, divide: boolean): void;
  /**
   * One step of a vertical box pass over n columns (n a multiple of 4): every column sum takes
   * the value entering at `enter` and drops the one leaving at `leave`, then `avg` receives
   * sum / count.
   */
  slide(colSum: number, enter: number, leave: number, avg: number, n: number, count: number): void;
  /** dst[j] = src[table[2j]] / table[2j+1] for j < n (the table holds float32 positions and counts). */
  sample(src: number, table: number, dst: number, n: number): void;
  /**
   * t = d * a, then b = t * dt, for the 16x64 matrix d, its 64x16 transpose dt, the 64x64 a, the
   * 16x64 t and the 16x16 b, all row-major. Every entry is summed from 0 in float32, k ascending,
   * the product rounded and then the sum.
   */
  dct16(a: number, d: number, dt: number, t: number, b: number): void;
}
