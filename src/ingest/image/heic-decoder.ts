/**
 * HEIC (HEVC-coded HEIF) decoding through heic-decode (libheif compiled to wasm), because sharp's
 * prebuilt libvips has no HEVC decoder. heic-decode ships no typings, so this file is the one place
 * that touches it untyped and checks the shapes it returns.
 *
 * libheif applies the container's mandatory transformations (irot/imir/clap) when it decodes, so
 * the pixels come out in display orientation; the EXIF Orientation tag inside a HEIC is not applied
 * on top of that (the HEIF specification makes the container's transformations authoritative).
 */
import { createRequire } from 'node:module';
import { describeError, havenError } from '#haven/platform/errors/haven-error.js';

export interface HeicFrame {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per sample. */
  readonly rgba: Uint8Array;
}

interface HeicImageHandle {
  readonly width: number;
  readonly height: number;
  decode(): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
}

interface HeicImageList extends ReadonlyArray<HeicImageHandle> {
  dispose(): void;
}

interface HeicDecodeModule {
  all(input: { buffer: Uint8Array }): Promise<HeicImageList>;
}

const requireFromHere = createRequire(import.meta.url);

function loadPackageVersion(name: string): string {
  const manifest: unknown = requireFromHere(`${name}/package.json`);
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest) {
    return String(manifest.version);
  }
  return 'unknown';
}

export const HEIC_DECODER_VERSION = `heic-decode-${loadPackageVersion('heic-decode')}-libheif-js-${loadPackageVersion('libheif-js')}`;

let cachedModule: HeicDecodeModule | null = null;

function heicDecode(): HeicDecodeModule {
  if (cachedModule === null) {
    // Loaded lazily: the wasm module is large and most images are not HEIC.
    const loaded: unknown = requireFromHere('heic-decode');
    if (typeof loaded !== 'function' || !('all' in loaded) || typeof loaded.all !== 'function') {
      throw new Error('heic-decode does not export the expected API');
    }
    cachedModule = loaded as unknown as HeicDecodeModule;
  }
  return cachedModule;
}

function undecodable(error: unknown): Error {
  return havenError('IMAGE_UNDECODABLE', { reason: `HEIC: ${describeError(error)}` }, error);
}

async function openImages(bytes: Uint8Array): Promise<HeicImageList> {
  try {
    const images = await heicDecode().all({ buffer: bytes });
    if (images.length === 0) {
      images.dispose();
      throw new Error('no image in the file');
    }
    return images;
  } catch (error) {
    throw undecodable(error);
  }
}

/** Dimensions of the first top-level image, read from the container without decoding pixels. */
export async function readHeicSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const images = await openImages(bytes);
  try {
    const first = images[0]!;
    return { width: first.width, height: first.height };
  } finally {
    images.dispose();
  }
}

/** Decodes the first top-level image, refusing it before decoding when it exceeds `maxPixels`. */
export async function decodeHeic(bytes: Uint8Array, maxPixels: number): Promise<HeicFrame> {
  const images = await openImages(bytes);
  try {
    const first = images[0]!;
    const { width, height } = first;
    if (width * height > maxPixels) {
      throw havenError('IMAGE_TOO_LARGE', { width, height, limit: maxPixels });
    }
    let decoded: Awaited<ReturnType<HeicImageHandle['decode']>>;
    try {
      decoded = await first.decode();
    } catch (error) {
      throw undecodable(error);
    }
    if (decoded.data.length !== width * height * 4) {
      throw undecodable(new Error(`decoder returned ${decoded.data.length} bytes for ${width}x${height}`));
    }
    return {
      width,
      height,
      rgba: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength),
    };
  } finally {
    images.dispose();
  }
}
