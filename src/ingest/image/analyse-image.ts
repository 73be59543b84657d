/**
 * Everything the ingest needs from one still image, computed in one call from a worker thread:
 * the pixels to hash, the metadata summary and the two previews. The image is decoded once; the
 * previews are rendered from the same pixels (see previews.ts for why that is also the right view).
 */
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { decodeImage, type ImageLimits } from './decode-image.js';
import { extractExif, type ExifSummary } from './exif.js';
import { renderPreviews, type Previews } from './previews.js';

export interface ImageAnalysis {
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /** Pixels for perceptual hashing (no orientation, no ICC, alpha dropped). */
  readonly pixels: DecodedImage;
  /** Decode pipeline description, stored with every hash made from `pixels`. */
  readonly pipeline: string;
  readonly exif: ExifSummary | null;
  readonly previews: Previews;
}

/**
 * Analyses an image whose mime type was sniffed from its content. Throws HavenError
 * IMAGE_TOO_LARGE or IMAGE_UNDECODABLE; metadata problems never fail the analysis.
 */
export async function analyseImage(
  bytes: Uint8Array,
  mime: string,
  limits: ImageLimits,
): Promise<ImageAnalysis> {
  const [{ decoded, displayOrientation }, exif] = await Promise.all([
    decodeImage(bytes, mime, limits),
    extractExif(bytes, mime),
  ]);
  const { image } = decoded;
  const previews = await renderPreviews(
    { data: image.data, width: image.width, height: image.height, channels: image.channels },
    displayOrientation,
    limits,
  );
  return {
    format: decoded.format,
    width: decoded.width,
    height: decoded.height,
    pixels: image,
    pipeline: decoded.pipeline,
    exif,
    previews,
  };
}
