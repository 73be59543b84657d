import type { ExifSummary } from '#haven/ingest/image/exif-summary.js';
import type { PreviewImage } from '#haven/ingest/image/previews.js';

export interface ImageTask {
  readonly bytes: Uint8Array;
  readonly mime: string;
  readonly maxPixels: number;
  /** Previews are only needed when the image is stored. */
  readonly withPreviews: boolean;
}

export interface PixelSignalOutput {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly quality: number | null;
  /** Decode pipeline plus the signal's own version: stored with the value. */
  readonly pipeline: string;
  /** The value first, then its transforms (e.g. rotations and flips), for querying. */
  readonly variants: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

export interface ImageTaskResult {
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly exif: ExifSummary | null;
  readonly previews: { readonly thumbnail: PreviewImage; readonly blurred: PreviewImage } | null;
  readonly signals: readonly PixelSignalOutput[];
}
