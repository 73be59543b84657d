import { ArchiveBudget } from '#haven/ingest/archive/archive-budget.js';
import { unsafeEntryReason } from '#haven/ingest/archive/entry-safety.js';
import { readZipEntries, type ZipSource } from '#haven/ingest/archive/zip-archive.js';
import { ARCHIVE_SEPARATOR, type ContentSource } from '#haven/ingest/pipeline/content-source.js';
import { NO_TIMES } from '#haven/ingest/walk/file-times.js';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';
import { describeError, isHavenError } from '#haven/platform/errors/haven-error.js';

export interface ArchiveProblem {
  readonly displayPath: string;
  readonly pathKey: Buffer;
  readonly code: ErrorCode;
  readonly reason: string;
}

export type ArchiveChild = { readonly source: ContentSource } | { readonly problem: ArchiveProblem };

export interface OpenableArchive {
  readonly source: ContentSource;
  readonly sha256: Buffer;
  /** The archive's bytes when held in memory (nested archives); else it is read from `source.filePath`. */
  readonly bytes: Buffer | undefined;
}

const SEPARATOR_BYTES = Buffer.from(ARCHIVE_SEPARATOR);

/** The entries of a ZIP archive as content sources, with every limit and safety rule applied. */
export async function* zipChildren(
  archive: OpenableArchive,
  budget: ArchiveBudget,
): AsyncGenerator<ArchiveChild> {
  const { source } = archive;
  const problemAt = (suffix: string, code: ErrorCode, reason: string): ArchiveChild => ({
    problem: {
      displayPath: `${source.displayPath}${ARCHIVE_SEPARATOR}${suffix}`,
      pathKey: Buffer.concat([source.pathKey, SEPARATOR_BYTES, Buffer.from(suffix)]),
      code,
      reason,
    },
  });
  if (source.depth + 1 > budget.limits.maxDepth) {
    yield problemAt(
      '',
      'ARCHIVE_LIMIT',
      `archives nested more than ${budget.limits.maxDepth} deep are not opened`,
    );
    return;
  }
  let zipSource: ZipSource;
  if (archive.bytes) {
    zipSource = { buffer: archive.bytes };
  } else if (source.filePath) {
    zipSource = { file: source.filePath };
  } else {
    yield problemAt(
      '',
      'ARCHIVE_LIMIT',
      `archive above ${budget.limits.nestedMaxBytes} bytes that is not a file on disk is stored but not opened`,
    );
    return;
  }
  try {
    for await (const entry of readZipEntries(zipSource)) {
      if (entry.isDirectory) {
        continue;
      }
      const displayPath = `${source.displayPath}${ARCHIVE_SEPARATOR}${entry.name}`;
      const pathKey = Buffer.concat([source.pathKey, SEPARATOR_BYTES, entry.nameBytes]);
      const refuse = (code: ErrorCode, reason: string): ArchiveChild => ({
        problem: { displayPath, pathKey, code, reason },
      });
      const unsafe = unsafeEntryReason(entry.name, entry.nameBytes);
      if (unsafe) {
        yield refuse('ARCHIVE_UNSAFE_PATH', unsafe);
        continue;
      }
      if (entry.isEncrypted) {
        yield refuse('ARCHIVE_ENTRY_UNREADABLE', 'entry is encrypted (password-protected)');
        continue;
      }
      const refusal = budget.admit(entry.uncompressedSize, entry.compressedSize);
      if (refusal) {
        yield refuse('ARCHIVE_LIMIT', refusal.reason);
        if (refusal.stop) {
          return;
        }
        continue;
      }
      yield {
        source: {
          displayPath,
          pathKey,
          declaredSize: entry.uncompressedSize,
          times: { ...NO_TIMES, modifiedAt: entry.modifiedAt },
          depth: source.depth + 1,
          containerSha256: archive.sha256,
          filePath: null,
          open: () => entry.openStream(),
        },
      };
    }
  } catch (error) {
    const reason = isHavenError(error) ? error.message : describeError(error);
    yield problemAt('', 'ARCHIVE_CORRUPT', reason);
  }
}
