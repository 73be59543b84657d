/**
 * Preview images for reviewers: a small colour thumbnail (shown only on request) and a blurred
 * greyscale version (shown by default). Both are upright (EXIF orientation applied), WebP, without
 * any metadata, and reproducible: the same input always gives the same bytes.
 *
 * Previews show the same samples that were hashed: no ICC conversion and alpha dropped rather than
 * composited, so content hidden under a transparent alpha channel is visible to the reviewer too.
 */
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { sharpUndecodable, untrustedInputOptions } from './sharp-decoder.js';

export const PREVIEW_MAX_SIDE = 256;
/** Gaussian sigma for a 256 px preview: scene layout stays readable, faces and bodies do not. */
export const BLUR_SIGMA_AT_MAX_SIDE = 8;
const WEBP_QUALITY = 80;
// Effort 2 of 6: previews are small and made for every image; higher efforts cost 60% more time for a few percent of bytes.
const WEBP_EFFORT = 2;
/** sharp's lower bound for a Gaussian blur sigma. */
const MIN_SIGMA = 0.3;
/** Pixel limit for encoded sources when the caller gives none (sharp's own default). */
const DEFAULT_MAX_PIXELS = 0x3fff * 0x3fff;

export interface RawPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
}

/** Either a file sharp can read (JPEG, PNG, ...) or already-decoded 8-bit interleaved pixels. */
export type PreviewSource = Uint8Array | RawPixels;

export interface PreviewImage {
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly mime: 'image/webp';
}

export interface Previews {
  readonly thumbnail: PreviewImage;
  readonly blurred: PreviewImage;
}

/** The sharp operations that turn stored pixels upright for EXIF orientation 1-8. */
function orient(image: Sharp, orientation: number): Sharp {
  // 5 (transpose) and 7 (transverse) are a quarter turn plus a mirror. sharp applies the mirror
  // before the rotation here, whatever its docs say; the tests check all 8 against autoOrient.
  switch (orientation) {
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.rotate(90).flip();
    case 6:
      return image.rotate(90);
    case 7:
      return image.rotate(90).flop();
    case 8:
      return image.rotate(270);
    default:
      return image;
  }
}

function openSource(source: PreviewSource, maxPixels: number): Sharp {
  if (source instanceof Uint8Array) {
    return sharp(source, { ...untrustedInputOptions(maxPixels), ignoreIcc: true });
  }
  const { data, width, height, channels } = source;
  return sharp(data, { raw: { width, height, channels }, limitInputPixels: maxPixels });
}

async function encodeWebp(image: Sharp): Promise<PreviewImage> {
  const { data, info } = await image
    .webp({ quality: WEBP_QUALITY, effort: WEBP_EFFORT })
    .toBuffer({ resolveWithObject: true });
  return {
    bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    mime: 'image/webp',
  };
}

/**
 * Renders both previews from one decode and one resize. `orientation` is the EXIF orientation
 * (1-8) to apply; pass 1 for pixels that are already upright. Throws IMAGE_UNDECODABLE when an
 * encoded source cannot be read.
 */
export async function renderPreviews(
  source: PreviewSource,
  orientation: number,
  limits: { readonly maxPixels: number } = { maxPixels: DEFAULT_MAX_PIXELS },
): Promise<Previews> {
  let small: { data: Buffer; info: OutputInfo };
  try {
    small = await orient(openSource(source, limits.maxPixels), orientation)
      .removeAlpha()
      .resize(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw sharpUndecodable(error);
  }
  const raw = {
    raw: { width: small.info.width, height: small.info.height, channels: small.info.channels },
  };
  // Images smaller than the preview size keep their size, so the blur shrinks with them.
  const longSide = Math.max(small.info.width, small.info.height);
  const sigma = Math.max(MIN_SIGMA, (BLUR_SIGMA_AT_MAX_SIDE * longSide) / PREVIEW_MAX_SIDE);
  const [thumbnail, blurred] = await Promise.all([
    encodeWebp(sharp(small.data, raw)),
    encodeWebp(sharp(small.data, raw).greyscale().blur(sigma)),
  ]);
  return { thumbnail, blurred };
}
