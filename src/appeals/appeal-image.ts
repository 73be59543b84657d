import sharp from 'sharp';
import type { Rect } from '#haven/clues/clue.types.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** The longer side of a published picture: enough to recognise an object, small on a phone. */
export const APPEAL_IMAGE_MAX_SIDE = 960;

export interface AppealPicture {
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
}

/**
 * A new picture made from decoded pixels only: cropped, with each mask region blurred beyond
 * recognition, scaled down and encoded afresh as a baseline JPEG. Nothing of the source file
 * survives (no EXIF/XMP/ICC/comments, no thumbnail, no file name), so the public copy cannot be
 * traced back to the original by its bytes or metadata.
 */
export async function censoredPicture(
  source: Buffer,
  options: { crop?: Rect | undefined; masks: readonly Rect[]; maxPixels: number },
): Promise<AppealPicture> {
  try {
    let pixels = sharp(source, { limitInputPixels: options.maxPixels, failOn: 'error' });
    if (options.crop) {
      pixels = pixels.extract({
        left: options.crop.x,
        top: options.crop.y,
        width: options.crop.width,
        height: options.crop.height,
      });
    }
    const { data, info } = await pixels
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    const overlays = [];
    for (const mask of options.masks) {
      const left = Math.max(0, Math.min(mask.x, raw.width - 1));
      const top = Math.max(0, Math.min(mask.y, raw.height - 1));
      const width = Math.max(1, Math.min(mask.width, raw.width - left));
      const height = Math.max(1, Math.min(mask.height, raw.height - top));
      // Coarse blocks, then a blur as wide as the region: shapes and text inside are gone.
      const blocks = await sharp(data, { raw })
        .extract({ left, top, width, height })
        .resize(Math.max(1, Math.round(width / 32)), Math.max(1, Math.round(height / 32)), { fit: 'fill' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const patch = await sharp(blocks.data, {
        raw: { width: blocks.info.width, height: blocks.info.height, channels: blocks.info.channels },
      })
        .resize(width, height, { fit: 'fill', kernel: 'cubic' })
        .blur(Math.max(6, Math.min(width, height) / 4))
        .png()
        .toBuffer();
      overlays.push({ input: patch, left, top });
    }
    // Compositing adds an alpha channel: drop it and read the layout back rather than assume it.
    const masked = await sharp(data, { raw })
      .composite(overlays)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { data: jpeg, info: out } = await sharp(masked.data, {
      raw: { width: masked.info.width, height: masked.info.height, channels: masked.info.channels },
    })
      .resize(APPEAL_IMAGE_MAX_SIDE, APPEAL_IMAGE_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 82, progressive: false, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    return { jpeg, width: out.width, height: out.height };
  } catch (error) {
    throw havenError(
      'IMAGE_UNDECODABLE',
      { reason: error instanceof Error ? error.message : String(error) },
      error,
    );
  }
}
