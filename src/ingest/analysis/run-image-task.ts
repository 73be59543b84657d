import { analyseImage } from '#haven/ingest/image/analyse-image.js';
import { decodeForHashing } from '#haven/ingest/image/decode-image.js';
import { extractExif } from '#haven/ingest/image/exif.js';
import type { ImageTask, ImageTaskResult, PixelSignalOutput } from '#haven/ingest/analysis/image-task.js';
import { PIXEL_SIGNALS } from '#haven/signals/registry.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';

/** Decodes one image once and derives everything from it. Runs inside an image worker thread. */
export async function runImageTask(task: ImageTask): Promise<ImageTaskResult> {
  const limits = { maxPixels: task.maxPixels };
  if (task.withPreviews) {
    const analysis = await analyseImage(task.bytes, task.mime, limits);
    return {
      format: analysis.format,
      width: analysis.width,
      height: analysis.height,
      exif: analysis.exif,
      previews: analysis.previews,
      signals: pixelSignals(analysis.pixels, analysis.pipeline),
    };
  }
  const [decoded, exif] = await Promise.all([
    decodeForHashing(task.bytes, task.mime, limits),
    extractExif(task.bytes, task.mime),
  ]);
  return {
    format: decoded.format,
    width: decoded.width,
    height: decoded.height,
    exif,
    previews: null,
    signals: pixelSignals(decoded.image, decoded.pipeline),
  };
}

function pixelSignals(pixels: DecodedImage, decodePipeline: string): PixelSignalOutput[] {
  return PIXEL_SIGNALS.map((signal) => {
    const { value, variants } = signal.variants(pixels);
    return {
      name: signal.name,
      bytes: value.bytes,
      quality: value.quality,
      pipeline: `${signal.pipelineVersion}|${decodePipeline}`,
      variants,
    };
  });
}
