import sharp from 'sharp';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { timeCode } from '#haven/video/frame-pictures.js';

const TILE_WIDTH = 240;
const COLUMNS = 4;
const LABEL_HEIGHT = 20;
const GAP = 4;
const BLUR_SIGMA = 7.5;

export interface SheetFrame {
  readonly image: DecodedImage;
  readonly seconds: number;
}

export interface ContactSheet {
  readonly clear: Uint8Array;
  readonly blurred: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * A grid of frames with their time codes (WebP): the video's preview. The blurred variant is
 * greyscale and blurred like image previews; its time codes stay sharp (they show nothing).
 */
export async function renderContactSheet(frames: readonly SheetFrame[]): Promise<ContactSheet | null> {
  const first = frames[0];
  if (!first) {
    return null;
  }
  const tileHeight = Math.max(1, Math.round((TILE_WIDTH * first.image.height) / first.image.width));
  const columns = Math.min(COLUMNS, frames.length);
  const rows = Math.ceil(frames.length / columns);
  const width = columns * TILE_WIDTH + (columns + 1) * GAP;
  const height = rows * (tileHeight + LABEL_HEIGHT) + (rows + 1) * GAP;
  const tiles = await Promise.all(
    frames.map(async (frame, i) => {
      const { image } = frame;
      const input = await sharp(image.data, {
        raw: { width: image.width, height: image.height, channels: image.channels },
      })
        .resize(TILE_WIDTH, tileHeight, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
        .png()
        .toBuffer();
      return {
        input,
        left: GAP + (i % columns) * (TILE_WIDTH + GAP),
        top: GAP + Math.floor(i / columns) * (tileHeight + LABEL_HEIGHT + GAP),
      };
    }),
  );
  const labels = frames
    .map((frame, i) => {
      const x = GAP + (i % columns) * (TILE_WIDTH + GAP) + 4;
      const y = GAP + Math.floor(i / columns) * (tileHeight + LABEL_HEIGHT + GAP) + tileHeight + 15;
      return `<text x="${x}" y="${y}" font-family="DejaVu Sans Mono, monospace" font-size="13" fill="#e0e0e0">${timeCode(frame.seconds)}</text>`;
    })
    .join('');
  const labelLayer = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${labels}</svg>`,
  );
  const canvas = { create: { width, height, channels: 3 as const, background: { r: 24, g: 24, b: 24 } } };
  const grid = await sharp(canvas).composite(tiles).png().toBuffer();
  const [clear, blurred] = await Promise.all([
    sharp(grid)
      .composite([{ input: labelLayer }])
      .webp({ quality: 80, effort: 2 })
      .toBuffer(),
    sharp(await sharp(grid).greyscale().blur(BLUR_SIGMA).png().toBuffer())
      .composite([{ input: labelLayer }])
      .webp({ quality: 80, effort: 2 })
      .toBuffer(),
  ]);
  return { clear, blurred, width, height };
}
