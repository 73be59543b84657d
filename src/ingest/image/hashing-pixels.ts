/**
 * The last step of every decode path: bring interleaved samples into the shape PDQ's reference
 * sees (8-bit, 1 or 3 channels, alpha dropped, not composited).
 *
 * Grey detection: ImageMagick, which decoded the reference vectors, writes an image whose every
 * pixel has R = G = B as a one-channel PGM, so the reference hashes it through the grey luma path.
 * We do the same, so e.g. a greyscale photo saved as a 3-channel JPEG hashes like the reference.
 */
import type { DecodedImage } from '#haven/signals/signal-type.js';

export type SampleChannels = 1 | 2 | 3 | 4;

function isGreyRgb(data: Uint8Array, pixelCount: number, stride: number): boolean {
  for (let i = 0, offset = 0; i < pixelCount; i++, offset += stride) {
    const red = data[offset];
    if (red !== data[offset + 1] || red !== data[offset + 2]) {
      return false;
    }
  }
  return true;
}

function pickChannels(data: Uint8Array, pixelCount: number, stride: number, keep: 1 | 3): Uint8Array {
  const out = new Uint8Array(pixelCount * keep);
  for (let i = 0, source = 0, target = 0; i < pixelCount; i++, source += stride, target += keep) {
    out[target] = data[source]!;
    if (keep === 3) {
      out[target + 1] = data[source + 1]!;
      out[target + 2] = data[source + 2]!;
    }
  }
  return out;
}

/** Drops alpha (channel 2 of grey+alpha, channel 4 of RGBA) and folds grey RGB to one channel. */
export function toHashingPixels(
  data: Uint8Array,
  width: number,
  height: number,
  channels: SampleChannels,
): DecodedImage {
  const pixelCount = width * height;
  if (data.length < pixelCount * channels) {
    throw new Error(`pixel buffer holds ${data.length} bytes, ${width}x${height}x${channels} expected`);
  }
  if (channels === 1) {
    return { width, height, channels: 1, data: data.subarray(0, pixelCount) };
  }
  if (channels === 2) {
    return { width, height, channels: 1, data: pickChannels(data, pixelCount, 2, 1) };
  }
  if (isGreyRgb(data, pixelCount, channels)) {
    return { width, height, channels: 1, data: pickChannels(data, pixelCount, channels, 1) };
  }
  if (channels === 3) {
    return { width, height, channels: 3, data: data.subarray(0, pixelCount * 3) };
  }
  return { width, height, channels: 3, data: pickChannels(data, pixelCount, 4, 3) };
}

/** 16-bit samples to 8 bits by keeping the high byte (`v >> 8`), the "Scaled" choice in the vectors. */
export function highBytes(samples: Uint16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    out[i] = samples[i]! >> 8;
  }
  return out;
}
