import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { FRAME_PICTURE_SIDE, shrinkFrame } from '#haven/video/frame-pictures.js';

function noise(width: number, height: number, channels: 1 | 3, seed: number): DecodedImage {
  const data = new Uint8Array(width * height * channels);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    data[i] = state >>> 24;
  }
  return { width, height, channels, data };
}

/** The mean of the source box under output pixel (x, y), channel c, straight from the definition. */
function boxMean(frame: DecodedImage, outW: number, outH: number, x: number, y: number, c: number): number {
  const x0 = Math.floor((x * frame.width) / outW);
  const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * frame.width) / outW));
  const y0 = Math.floor((y * frame.height) / outH);
  const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * frame.height) / outH));
  let sum = 0;
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      sum += frame.data[(yy * frame.width + xx) * frame.channels + c]!;
    }
  }
  return Math.round(sum / ((x1 - x0) * (y1 - y0)));
}

describe('frame pictures', () => {
  it('shrinks a frame to the picture side, each pixel the mean of its box, aspect kept', () => {
    const cases: [number, number, 1 | 3][] = [
      [640, 360, 3],
      [1280, 720, 3],
      [481, 271, 3],
      [333, 1000, 3],
      [700, 500, 1],
    ];
    for (const [width, height, channels] of cases) {
      const frame = noise(width, height, channels, width * 7 + height);
      const small = shrinkFrame(frame);
      expect(Math.max(small.width, small.height)).toBe(FRAME_PICTURE_SIDE);
      expect(small.width / small.height).toBeCloseTo(width / height, 1);
      expect(small.channels).toBe(channels);
      for (let y = 0; y < small.height; y += 7) {
        for (let x = 0; x < small.width; x += 5) {
          for (let c = 0; c < channels; c++) {
            expect(small.data[(y * small.width + x) * channels + c]).toBe(
              boxMean(frame, small.width, small.height, x, y, c),
            );
          }
        }
      }
    }
  });

  it('copies a frame that is small enough, so the scan can reuse its buffer', () => {
    const frame = noise(320, 180, 3, 5);
    const small = shrinkFrame(frame);
    expect(small).toMatchObject({ width: 320, height: 180 });
    expect(Buffer.from(small.data).equals(Buffer.from(frame.data))).toBe(true);
    expect(small.data.buffer).not.toBe(frame.data.buffer);
  });
});
