import type { Queryable } from '#haven/platform/db/database.js';
import { hex as hexOf } from '#haven/platform/db/bytes.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { CSV_HEADER, PDQ_LIST_HEADER } from '#haven/sharing/hash-list/hash-list-reader.js';
import { hashSetRepository } from '#haven/sharing/hash-set.repository.js';
import type { StoredEntry } from '#haven/sharing/hash-set.types.js';
import type { VicsVariant } from '#haven/sharing/vics/vics-context.js';
import type { VicsMedia } from '#haven/sharing/vics/vics.types.js';
import { writeVics } from '#haven/sharing/vics/vics-writer.js';

export const EXPORT_FORMATS = ['vics', 'csv', 'pdq'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const PAGE = 5000;

/**
 * Exports a hash set as text pieces (streamed page by page): VICS 2.0 (`#Media`, in the set's
 * variant unless another is asked), CSV (md5,sha1,sha256,pdq,category,baseline) or a PDQ hex list.
 * Entries carry their current category and Baseline flag.
 */
export async function exportHashSet(
  db: Queryable,
  name: string,
  format: ExportFormat,
  variant?: VicsVariant,
): Promise<AsyncGenerator<string>> {
  const set = await hashSetRepository.byName(db, name);
  if (!set) {
    throw havenError('HASH_SET_NOT_FOUND', { name });
  }
  async function* pages(): AsyncGenerator<StoredEntry[]> {
    let after = 0;
    for (;;) {
      const page = await hashSetRepository.pageEntries(db, set!.id, after, PAGE);
      if (page.length > 0) {
        yield page;
        after = page[page.length - 1]!.id;
      }
      if (page.length < PAGE) {
        return;
      }
    }
  }
  if (format === 'vics') {
    const chosen = variant ?? set.vicsVariant ?? (set.scheme === 'uk' ? 'UK' : 'US');
    return writeVics({ variant: chosen, media: mediaPages(pages()) });
  }
  return format === 'csv' ? csvLines(pages()) : pdqLines(pages());
}

async function* mediaPages(pages: AsyncGenerator<StoredEntry[]>): AsyncGenerator<VicsMedia[]> {
  for await (const page of pages) {
    yield page.map(mediaOfEntry);
  }
}

/** The entry as VICS media: what was imported, with today's category and Baseline flag. */
export function mediaOfEntry(entry: StoredEntry): VicsMedia {
  const imported = isVicsMedia(entry.record) ? entry.record : null;
  const hex = (bytes: Uint8Array | null): string | null => (bytes ? hexOf(bytes) : null);
  return {
    mediaId: entry.mediaKey,
    md5: hex(entry.md5),
    sha1: hex(entry.sha1),
    sha256: hex(entry.sha256),
    pdq: hex(entry.pdq),
    photoDna: imported?.photoDna ?? null,
    mediaSize: imported?.mediaSize ?? null,
    mimeType: imported?.mimeType ?? null,
    relativeFilePath: imported?.relativeFilePath ?? null,
    dateUpdated: imported?.dateUpdated ?? null,
    victimIdentified: imported?.victimIdentified ?? null,
    offenderIdentified: imported?.offenderIdentified ?? null,
    isDistributed: imported?.isDistributed ?? null,
    isPrecategorized: imported?.isPrecategorized ?? null,
    precategorizationSource: imported?.precategorizationSource ?? null,
    isSuspected: imported?.isSuspected ?? null,
    selfGenerated: imported?.selfGenerated ?? null,
    series: imported?.series ?? null,
    tags: imported?.tags ?? null,
    comments: imported?.comments ?? null,
    alternativeHashes: imported?.alternativeHashes ?? [],
    exifs: imported?.exifs ?? [],
    mediaFiles: imported?.mediaFiles ?? [],
    category: entry.category,
    baseline: entry.baseline ? true : (imported?.baseline ?? null),
  };
}

function isVicsMedia(record: unknown): record is VicsMedia {
  return record !== null && typeof record === 'object' && 'mediaId' in record && 'mediaFiles' in record;
}

async function* csvLines(pages: AsyncGenerator<StoredEntry[]>): AsyncGenerator<string> {
  yield `${CSV_HEADER}\n`;
  const hex = (bytes: Uint8Array | null): string => (bytes ? hexOf(bytes) : '');
  for await (const page of pages) {
    yield (
      page
        .map((e) =>
          [
            hex(e.md5),
            hex(e.sha1),
            hex(e.sha256),
            hex(e.pdq),
            csvCell(e.category ?? ''),
            e.baseline ? 'true' : 'false',
          ].join(','),
        )
        .join('\n') + '\n'
    );
  }
}

async function* pdqLines(pages: AsyncGenerator<StoredEntry[]>): AsyncGenerator<string> {
  yield `${PDQ_LIST_HEADER}\n`;
  for await (const page of pages) {
    const lines = page.flatMap((e) => (e.pdq ? [hexOf(e.pdq)] : []));
    if (lines.length > 0) {
      yield lines.join('\n') + '\n';
    }
  }
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
