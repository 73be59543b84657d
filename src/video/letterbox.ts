import type { DecodedImage } from '#haven/signals/signal-type.js';

/** A row or column whose brightest sample is at most this is part of a black bar. */
const BAR_MAX_LEVEL = 40;
/** Bars narrower than this share of the side are left alone (encoder edge noise). */
const MIN_BAR_SHARE = 0.03;
/** Never crop more than this share of a side: what is left must be a picture. */
const MAX_CROP_SHARE = 0.45;

/**
 * The frame without black bars (letterbox above and below, pillarbox at the sides), or the frame
 * itself when it has none. Bars change every frame's PDQ hash beyond the match distance (see
 * ../shared/pdq/vpdq/README.md), so frames are hashed without them, as python-threatexchange's
 * unletterbox does for photos. Both copies of a video get the same treatment.
 */
export function withoutBars(frame: DecodedImage): DecodedImage {
  const { width, height } = frame;
  const top = darkRun(height, (r) => rowMax(frame, r));
  if (top >= height) {
    return frame;
  }
  const bottom = darkRun(height, (r) => rowMax(frame, height - 1 - r));
  const left = darkRun(width, (c) => columnMax(frame, c));
  const right = darkRun(width, (c) => columnMax(frame, width - 1 - c));
  const cropRows = top + bottom >= MIN_BAR_SHARE * height && top + bottom <= MAX_CROP_SHARE * height;
  const cropColumns = left + right >= MIN_BAR_SHARE * width && left + right <= MAX_CROP_SHARE * width;
  if (!cropRows && !cropColumns) {
    return frame;
  }
  const x0 = cropColumns ? left : 0;
  const x1 = cropColumns ? width - right : width;
  const y0 = cropRows ? top : 0;
  const y1 = cropRows ? height - bottom : height;
  const channels = frame.channels;
  const outWidth = x1 - x0;
  const data = new Uint8Array(outWidth * (y1 - y0) * channels);
  for (let y = y0; y < y1; y++) {
    const from = (y * width + x0) * channels;
    data.set(frame.data.subarray(from, from + outWidth * channels), (y - y0) * outWidth * channels);
  }
  return { width: outWidth, height: y1 - y0, channels, data };
}

function darkRun(length: number, maxAt: (i: number) => number): number {
  let i = 0;
  while (i < length && maxAt(i) <= BAR_MAX_LEVEL) {
    i++;
  }
  return i;
}

function rowMax(frame: DecodedImage, row: number): number {
  const start = row * frame.width * frame.channels;
  const end = start + frame.width * frame.channels;
  let max = 0;
  for (let i = start; i < end; i++) {
    const v = frame.data[i]!;
    if (v > max) {
      max = v;
    }
  }
  return max;
}

function columnMax(frame: DecodedImage, column: number): number {
  const { width, height, channels, data } = frame;
  let max = 0;
  for (let y = 0; y < height; y++) {
    const i = (y * width + column) * channels;
    for (let c = 0; c < channels; c++) {
      const v = data[i + c]!;
      if (v > max) {
        max = v;
      }
    }
  }
  return max;
}
