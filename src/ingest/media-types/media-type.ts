/** What a file is, judged from its content (never from its name). */
export type MediaKind = 'image' | 'video' | 'archive' | 'other';

export interface SniffResult {
  /** IANA media type (or the common `x-` type where none is registered). */
  readonly mime: string;
  readonly kind: MediaKind;
  /** Short lower-case format name, e.g. `jpeg`, `heic`, `mp4`, `zip`, `unknown`. */
  readonly format: string;
}

/**
 * Image formats Haven can decode to pixels (sharp, heic-decode or its own BMP decoder). Other
 * recognised images (ICO, PSD, JPEG 2000, JPEG XL, camera raw) keep kind `image` so they are
 * reported as images, but the ingest records them as not decodable instead of trying to hash them.
 */
const DECODABLE_IMAGE_FORMATS: ReadonlySet<string> = new Set([
  'jpeg',
  'png',
  'gif',
  'webp',
  'tiff',
  'bmp',
  'avif',
  'heic',
  'heif',
]);

export function isDecodableImage(result: SniffResult): boolean {
  return result.kind === 'image' && DECODABLE_IMAGE_FORMATS.has(result.format);
}

/** Only zip archives are opened by the ingest; other archives are recorded as such. */
export function isOpenableArchive(result: SniffResult): boolean {
  return result.kind === 'archive' && result.format === 'zip';
}
