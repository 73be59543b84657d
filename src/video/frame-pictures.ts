import type { DecodedImage } from '#haven/signals/signal-type.js';

/** Longest side of a frame picture kept for scene frames and the contact sheet. */
export const FRAME_PICTURE_SIDE = 480;

/**
 * A small copy of a decoded frame (area average), so that only a bounded amount of picture data
 * stays in memory during a scan, whatever the video's resolution.
 */
export function shrinkFrame(frame: DecodedImage, maxSide = FRAME_PICTURE_SIDE): DecodedImage {
  const { width, height, channels, data } = frame;
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const outW = Math.max(1, Math.round(width * scale));
  const outH = Math.max(1, Math.round(height * scale));
  if (outW === width && outH === height) {
    return { width, height, channels, data: Uint8Array.from(data) };
  }
  // The box bounds of every output column, computed once; each source row is summed into the
  // output row's boxes, then each box is divided once (as many reads, far fewer index sums).
  const xStart = new Int32Array(outW);
  const xEnd = new Int32Array(outW);
  for (let x = 0; x < outW; x++) {
    xStart[x] = Math.floor((x * width) / outW);
    xEnd[x] = Math.max(xStart[x]! + 1, Math.floor(((x + 1) * width) / outW));
  }
  const outRow = outW * channels;
  const sums = new Uint32Array(outRow);
  const out = new Uint8Array(outH * outRow);
  for (let y = 0; y < outH; y++) {
    const y0 = Math.floor((y * height) / outH);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / outH));
    sums.fill(0);
    for (let yy = y0; yy < y1; yy++) {
      const row = yy * width * channels;
      for (let x = 0, o = 0; x < outW; x++) {
        const end = row + xEnd[x]! * channels;
        for (let c = 0; c < channels; c++, o++) {
          let sum = 0;
          for (let i = row + xStart[x]! * channels + c; i < end; i += channels) {
            sum += data[i]!;
          }
          sums[o] = sums[o]! + sum;
        }
      }
    }
    const rows = y1 - y0;
    for (let x = 0, o = 0; x < outW; x++) {
      const count = rows * (xEnd[x]! - xStart[x]!);
      for (let c = 0; c < channels; c++, o++) {
        out[y * outRow + o] = Math.round(sums[o]! / count);
      }
    }
  }
  return { width: outW, height: outH, channels, data: out };
}

/** "1:02:03.4" / "2:03.4": how people read time codes. */
export function timeCode(seconds: number): string {
  const tenths = Math.floor(seconds * 10 + 1e-6);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = Math.floor((tenths % 600) / 10);
  const t = tenths % 10;
  const ss = `${String(s).padStart(2, '0')}.${t}`;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
