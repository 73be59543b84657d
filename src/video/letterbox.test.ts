import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { withoutBars } from '#haven/video/letterbox.js';

/** A textured picture of w x h inside black bars of the given sizes. */
function framed(
  w: number,
  h: number,
  bars: { top: number; bottom: number; left: number; right: number },
): {
  frame: DecodedImage;
  inner: Uint8Array;
} {
  const width = w + bars.left + bars.right;
  const height = h + bars.top + bars.bottom;
  const data = new Uint8Array(width * height * 3);
  const inner = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const v = 60 + ((x * 7 + y * 13 + c * 31) % 180);
        inner[(y * w + x) * 3 + c] = v;
        data[((y + bars.top) * width + x + bars.left) * 3 + c] = v;
      }
    }
  }
  return { frame: { width, height, channels: 3, data }, inner };
}

describe('withoutBars', () => {
  it('crops letterbox bars (above and below) and pillarbox bars (at the sides) to the picture', () => {
    for (const bars of [
      { top: 60, bottom: 60, left: 0, right: 0 },
      { top: 0, bottom: 0, left: 80, right: 78 },
      { top: 20, bottom: 22, left: 30, right: 30 },
    ]) {
      const { frame, inner } = framed(320, 180, bars);
      const out = withoutBars(frame);
      expect([out.width, out.height]).toEqual([320, 180]);
      expect(Buffer.from(out.data).equals(Buffer.from(inner))).toBe(true);
    }
  });

  it('leaves frames without bars, thin edge lines and all-dark frames alone', () => {
    const plain = framed(320, 180, { top: 0, bottom: 0, left: 0, right: 0 }).frame;
    expect(withoutBars(plain)).toBe(plain);
    const thin = framed(320, 180, { top: 1, bottom: 1, left: 0, right: 0 }).frame;
    expect(withoutBars(thin)).toBe(thin);
    const dark: DecodedImage = {
      width: 64,
      height: 48,
      channels: 3,
      data: new Uint8Array(64 * 48 * 3).fill(10),
    };
    expect(withoutBars(dark)).toBe(dark);
  });

  it('refuses to crop away most of the frame (a mostly dark scene is not a bar)', () => {
    const { frame } = framed(100, 40, { top: 100, bottom: 100, left: 0, right: 0 });
    expect(withoutBars(frame)).toBe(frame);
  });
});
