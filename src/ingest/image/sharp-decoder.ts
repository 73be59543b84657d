/**
 * Decoding through sharp/libvips for JPEG, PNG, GIF, WebP, TIFF and AVIF, configured to produce
 * the same samples as the PDQ reference's ImageMagick decode: embedded ICC profiles ignored, alpha
 * dropped, EXIF orientation not applied, first frame/page only.
 *
 * Truncated or corrupt pixel data is an error (`failOn: 'error'`), never silently hashed: libvips
 * would otherwise fill the missing part of a cut-off JPEG with grey and we would store a hash of
 * an image nobody has seen. Mere warnings (e.g. stray bytes between JPEG markers) are tolerated.
 */
import sharp, { type Metadata, type OutputInfo, type SharpOptions } from 'sharp';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { highBytes, toHashingPixels } from './hashing-pixels.js';

export const SHARP_DECODER_VERSION = `sharp-libvips-${sharp.versions.vips}`;

/** Options shared by every sharp read of untrusted input. */
export function untrustedInputOptions(maxPixels: number): SharpOptions {
  return { failOn: 'error', limitInputPixels: maxPixels, pages: 1, page: 0 };
}

/** One line of sharp's (often multi-line) message, for IMAGE_UNDECODABLE's reason. */
export function sharpReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const unique = [...new Set(lines)];
  return unique.slice(0, 3).join('; ').slice(0, 500) || 'unknown decoder error';
}

export function sharpUndecodable(error: unknown): Error {
  return havenError('IMAGE_UNDECODABLE', { reason: sharpReason(error) }, error);
}

/** Header-only read; no pixel limit here so an oversized image can be reported with its size. */
export async function readSharpMetadata(bytes: Uint8Array): Promise<Metadata> {
  try {
    return await sharp(bytes, { ...untrustedInputOptions(0), limitInputPixels: false }).metadata();
  } catch (error) {
    throw sharpUndecodable(error);
  }
}

const GREY_SPACES: ReadonlySet<string> = new Set(['b-w', 'grey16']);

/** Decodes the first frame to hashing pixels; `metadata` comes from `readSharpMetadata`. */
export async function decodeWithSharp(
  bytes: Uint8Array,
  metadata: Metadata,
  maxPixels: number,
): Promise<DecodedImage> {
  const grey = GREY_SPACES.has(metadata.space);
  const sixteenBit = metadata.depth === 'ushort' || metadata.depth === 'short';
  // Ask libvips for 16-bit samples and shift them ourselves: its own 16->8 conversion for grey16
  // goes through sRGB and for other paths may clip, while the reference choice is `v >> 8`.
  const targetSpace = sixteenBit ? (grey ? 'grey16' : 'rgb16') : grey ? 'b-w' : 'srgb';
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await sharp(bytes, { ...untrustedInputOptions(maxPixels), ignoreIcc: true })
      .removeAlpha()
      .toColourspace(targetSpace)
      .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw sharpUndecodable(error);
  }
  const { data, info } = output;
  let samples: Uint8Array = data;
  if (sixteenBit) {
    // libvips writes host-endian 16-bit samples; copy first if the buffer is not 2-byte aligned.
    const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
    samples = highBytes(new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2));
  }
  return toHashingPixels(samples, info.width, info.height, info.channels);
}
