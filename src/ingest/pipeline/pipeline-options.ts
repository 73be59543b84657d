import type { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import type { PipelineOptions } from '#haven/ingest/pipeline/content-pipeline.js';
import type { Config } from '#haven/platform/config/config.schema.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';

/** Pipeline settings from the configuration; `store` absent means hash only, keep nothing. */
export function pipelineOptions(
  config: Config,
  analyser: ImageAnalyser,
  store: BlobStore | undefined,
): PipelineOptions {
  const { limits, workers } = config;
  return {
    analyser,
    store,
    withPreviews: store !== undefined,
    maxImagePixels: limits.maxImagePixels,
    maxImageBytes: limits.maxImageBytes,
    archiveLimits: {
      maxEntries: limits.archiveMaxEntries,
      maxDepth: limits.archiveMaxDepth,
      maxTotalBytes: limits.archiveMaxTotalBytes,
      maxRatio: limits.archiveMaxRatio,
      nestedMaxBytes: limits.nestedArchiveMaxBytes,
    },
    entryConcurrency: workers.ingestConcurrency,
  };
}
