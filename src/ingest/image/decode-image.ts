/**
 * Decoding of still images into the pixels perceptual hashes are computed from. Each decode path
 * records a `pipeline` string that is stored with every hash made from its pixels, so hashes made
 * by a different decoder or with different choices can be told apart later.
 *
 * Choices common to all paths (see shared/pdq/SPEC.md §1): no colour management, alpha dropped
 * (not composited), EXIF orientation not applied, first frame/page only, 16-bit samples reduced by
 * `v >> 8`, and images whose pixels are all grey are hashed as one channel.
 */
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { decodeBmp, readBmpHeader } from './bmp-decoder.js';
import { toHashingPixels } from './hashing-pixels.js';
import { decodeHeic, HEIC_DECODER_VERSION, readHeicSize } from './heic-decoder.js';
import { decodeWithSharp, readSharpMetadata, SHARP_DECODER_VERSION } from './sharp-decoder.js';

export interface ImageLimits {
  /** Largest accepted width x height (decompression-bomb guard), checked before any full decode. */
  readonly maxPixels: number;
}

export interface DecodedForHashing {
  readonly image: DecodedImage;
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly pipeline: string;
}

export interface ImageHeader {
  readonly width: number;
  readonly height: number;
  readonly format: string;
  /** EXIF orientation 1-8 as the decoder reports it, when present. */
  readonly orientation?: number;
  readonly pages?: number;
}

/** A decode plus the orientation to apply when the pixels are shown to a person. */
export interface DecodedWithOrientation {
  readonly decoded: DecodedForHashing;
  /** 1-8; 1 when the pixels are already upright (BMP, HEIC) or the file says nothing. */
  readonly displayOrientation: number;
}

const COMMON_CHOICES = 'icc=ignored;alpha=dropped;16bit=>>8;all-grey-rgb=1ch;frame=first';

export const DECODE_PIPELINES = {
  sharp: `${SHARP_DECODER_VERSION};${COMMON_CHOICES};orientation=not-applied`,
  heic: `${HEIC_DECODER_VERSION};${COMMON_CHOICES};orientation=heif-transforms-applied,exif-not-applied`,
  bmp: `haven-bmp-1;${COMMON_CHOICES};orientation=not-applied`,
} as const;

type DecoderKind = 'sharp' | 'heif' | 'bmp';

const DECODER_BY_MIME: Readonly<Record<string, DecoderKind>> = {
  'image/jpeg': 'sharp',
  'image/png': 'sharp',
  'image/gif': 'sharp',
  'image/webp': 'sharp',
  'image/tiff': 'sharp',
  'image/avif': 'sharp',
  'image/heic': 'heif',
  'image/heif': 'heif',
  'image/bmp': 'bmp',
  'image/x-ms-bmp': 'bmp',
};

function decoderFor(bytes: Uint8Array, mime: string): DecoderKind {
  if (bytes.length === 0) {
    throw havenError('IMAGE_UNDECODABLE', { reason: 'empty input' });
  }
  const kind = DECODER_BY_MIME[mime];
  if (kind === undefined) {
    throw havenError('IMAGE_UNDECODABLE', { reason: `no decoder for ${mime}` });
  }
  return kind;
}

function checkPixelLimit(width: number, height: number, limits: ImageLimits): void {
  if (width * height > limits.maxPixels) {
    throw havenError('IMAGE_TOO_LARGE', { width, height, limit: limits.maxPixels });
  }
}

/** Maps libvips' HEIF container format name to the codec-specific one. */
function sharpFormatName(metadata: { format: string; compression?: string | undefined }): string {
  if (metadata.format === 'heif') {
    return metadata.compression === 'hevc' ? 'heic' : 'avif';
  }
  return metadata.format;
}

function validOrientation(value: number | undefined): number {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 8 ? value : 1;
}

async function decodeThroughSharp(bytes: Uint8Array, limits: ImageLimits): Promise<DecodedWithOrientation> {
  const metadata = await readSharpMetadata(bytes);
  checkPixelLimit(metadata.width, metadata.height, limits);
  const image = await decodeWithSharp(bytes, metadata, limits.maxPixels);
  return {
    decoded: {
      image,
      format: sharpFormatName(metadata),
      width: image.width,
      height: image.height,
      pipeline: DECODE_PIPELINES.sharp,
    },
    displayOrientation: validOrientation(metadata.orientation),
  };
}

async function decodeHeif(bytes: Uint8Array, limits: ImageLimits): Promise<DecodedWithOrientation> {
  // A HEIF file may hold AV1 (which sharp decodes) or HEVC (which only heic-decode does).
  const metadata = await readSharpMetadata(bytes).catch(() => null);
  if (metadata?.compression === 'av1') {
    return decodeThroughSharp(bytes, limits);
  }
  if (metadata !== null) {
    checkPixelLimit(metadata.width, metadata.height, limits);
  }
  const frame = await decodeHeic(bytes, limits.maxPixels);
  const image = toHashingPixels(frame.rgba, frame.width, frame.height, 4);
  return {
    decoded: {
      image,
      format: 'heic',
      width: image.width,
      height: image.height,
      pipeline: DECODE_PIPELINES.heic,
    },
    displayOrientation: 1,
  };
}

function decodeBitmap(bytes: Uint8Array, limits: ImageLimits): DecodedWithOrientation {
  const bitmap = decodeBmp(bytes, limits);
  const image = toHashingPixels(bitmap.data, bitmap.width, bitmap.height, bitmap.channels);
  return {
    decoded: {
      image,
      format: 'bmp',
      width: image.width,
      height: image.height,
      pipeline: DECODE_PIPELINES.bmp,
    },
    displayOrientation: 1,
  };
}

/** Decodes once and also reports how to orient the pixels for display (used by analyseImage). */
export async function decodeImage(
  bytes: Uint8Array,
  mime: string,
  limits: ImageLimits,
): Promise<DecodedWithOrientation> {
  switch (decoderFor(bytes, mime)) {
    case 'sharp':
      return decodeThroughSharp(bytes, limits);
    case 'heif':
      return decodeHeif(bytes, limits);
    case 'bmp':
      return decodeBitmap(bytes, limits);
  }
}

/**
 * Decodes an image (mime as sniffed from its content) to 8-bit pixels for hashing. Throws
 * HavenError IMAGE_TOO_LARGE (before decoding) or IMAGE_UNDECODABLE.
 */
export async function decodeForHashing(
  bytes: Uint8Array,
  mime: string,
  limits: ImageLimits,
): Promise<DecodedForHashing> {
  return (await decodeImage(bytes, mime, limits)).decoded;
}

/** Dimensions and basic facts from the header only; throws IMAGE_UNDECODABLE. */
export async function readImageHeader(bytes: Uint8Array, mime: string): Promise<ImageHeader> {
  const kind = decoderFor(bytes, mime);
  if (kind === 'bmp') {
    const { width, height } = readBmpHeader(bytes);
    return { width, height, format: 'bmp' };
  }
  const metadata =
    kind === 'heif' ? await readSharpMetadata(bytes).catch(() => null) : await readSharpMetadata(bytes);
  if (metadata === null) {
    const { width, height } = await readHeicSize(bytes);
    return { width, height, format: 'heic' };
  }
  const header: ImageHeader = {
    width: metadata.width,
    height: metadata.height,
    format: sharpFormatName(metadata),
  };
  return {
    ...header,
    ...(metadata.orientation === undefined ? {} : { orientation: metadata.orientation }),
    ...(metadata.pages === undefined ? {} : { pages: metadata.pages }),
  };
}
