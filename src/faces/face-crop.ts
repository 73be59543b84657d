import sharp from 'sharp';
import type { FaceBox } from '#haven/faces/face.types.js';

const CROP_SIDE = 160;

/**
 * A face cut out of its image (with a margin for context), as WebP. Blurred and greyscale unless
 * `clear`: face crops follow the same wellbeing rule as every preview.
 */
export async function renderFaceCrop(original: Uint8Array, box: FaceBox, clear: boolean): Promise<Buffer> {
  const image = sharp(original).rotate();
  const meta = await image.metadata();
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  const margin = Math.round(Math.max(box.width, box.height) * 0.15);
  const left = Math.max(0, box.x - margin);
  const top = Math.max(0, box.y - margin);
  const region = {
    left,
    top,
    width: Math.max(1, Math.min(width - left, box.width + 2 * margin)),
    height: Math.max(1, Math.min(height - top, box.height + 2 * margin)),
  };
  const cropped = await image.extract(region).resize(CROP_SIDE, CROP_SIDE, { fit: 'inside' }).toBuffer();
  const pipeline = clear ? sharp(cropped) : sharp(cropped).greyscale().blur(6);
  return pipeline.webp({ quality: 80 }).toBuffer();
}
