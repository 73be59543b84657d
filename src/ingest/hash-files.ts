import type { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import { readContent } from '#haven/ingest/pipeline/read-content.js';
import { fileSource } from '#haven/ingest/pipeline/content-source.js';
import { errnoReason, type WalkEntry } from '#haven/ingest/walk/walk-sources.js';
import type { Config } from '#haven/platform/config/config.schema.js';
import { hex } from '#haven/platform/db/bytes.js';
import { describeError } from '#haven/platform/errors/haven-error.js';
import { BYTE_SIGNALS } from '#haven/signals/registry.js';

/** The output of `haven hash` for one file; image fields are null for anything else. */
export interface FileHashes {
  readonly path: string;
  readonly mime: string | null;
  readonly size: number | null;
  readonly md5: string | null;
  readonly sha1: string | null;
  readonly sha256: string | null;
  readonly pdq: string | null;
  readonly pdqQuality: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly error?: string;
}

/** Hashes one file without any database: crypto hashes always, PDQ and size for images. */
export async function hashFile(
  entry: WalkEntry,
  analyser: ImageAnalyser,
  limits: Config['limits'],
): Promise<FileHashes> {
  const empty = {
    path: entry.displayPath,
    mime: null,
    size: null,
    md5: null,
    sha1: null,
    sha256: null,
    pdq: null,
    pdqQuality: null,
    width: null,
    height: null,
  };
  if (entry.problem) {
    return { ...empty, error: entry.problem.reason };
  }
  const source = fileSource(entry.pathKey, entry.displayPath, entry.size, entry.times);
  let content;
  try {
    content = await readContent(await source.open(), {
      signals: BYTE_SIGNALS,
      memoryLimit: (sniff) => (sniff.kind === 'image' ? limits.maxImageBytes : 0),
    });
  } catch (error) {
    return { ...empty, error: errnoReason(error) };
  }
  const hashOf = (name: string): string | null => {
    const value = content.hashes.get(name);
    return value ? hex(value) : null;
  };
  const base = {
    ...empty,
    mime: content.sniff.mime,
    size: content.size,
    md5: hashOf('md5'),
    sha1: hashOf('sha1'),
    sha256: hashOf('sha256'),
  };
  if (content.sniff.kind !== 'image') {
    return content.size === 0 ? { ...base, error: 'empty file (0 bytes)' } : base;
  }
  if (!content.bytes) {
    return { ...base, error: `image above the in-memory decode limit of ${limits.maxImageBytes} bytes` };
  }
  try {
    const image = await analyser.analyse({
      bytes: content.bytes,
      mime: content.sniff.mime,
      maxPixels: limits.maxImagePixels,
      withPreviews: false,
    });
    const pdq = image.signals.find((signal) => signal.name === 'pdq');
    return {
      ...base,
      pdq: pdq ? hex(pdq.bytes) : null,
      pdqQuality: pdq?.quality ?? null,
      width: image.width,
      height: image.height,
    };
  } catch (error) {
    return { ...base, error: describeError(error) };
  }
}
