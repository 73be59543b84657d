import { createReadStream } from 'node:fs';
import path from 'node:path';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { classOf, schemeOfCode } from '#haven/sharing/categories/crosswalk.js';
import { HashListError, readHashList } from '#haven/sharing/hash-list/hash-list-reader.js';
import { HeldHashes } from '#haven/sharing/hash-list/held-hashes.js';
import { sniffFormat } from '#haven/sharing/hash-list/sniff-format.js';
import type { HeldSets, SetEntryInfo } from '#haven/sharing/hash-set-matcher.js';
import type { HashSetPurpose, SetScheme } from '#haven/sharing/hash-set.types.js';
import { readVics, VicsFormatError } from '#haven/sharing/vics/vics-reader.js';
import { parseVicsMedia, VicsRecordError } from '#haven/sharing/vics/vics-record.js';

const bytes = (hex: string | null): Buffer | null => (hex === null ? null : Buffer.from(hex, 'hex'));

/**
 * Loads an exported hash list (VICS, CSV, PDQ list, plain or NSRL list) into memory for matching
 * with no database at all: the field laptop's `haven triage --hashset`.
 */
export async function loadHeldSets(
  files: readonly { path: string; purpose: HashSetPurpose }[],
): Promise<HeldSets & { entries: number }> {
  const builder = HeldHashes.builder<SetEntryInfo>();
  let entries = 0;
  for (const file of files) {
    const name = path.basename(file.path);
    const info = (scheme: SetScheme, category: string | null, baseline: boolean): SetEntryInfo => ({
      setId: file.path,
      setName: name,
      purpose: file.purpose,
      trust: 'unverified',
      scheme,
      providerShared: false,
      category,
      baseline,
      classification: file.purpose === 'known_good' ? 'non_pertinent' : classOf(scheme, category),
    });
    const key = (category: string | null, baseline: boolean): string =>
      `${file.path}|${category ?? ''}|${baseline}`;
    try {
      if ((await sniffFormat(file.path)) === 'vics') {
        let scheme: SetScheme = 'vics_us';
        for await (const events of readVics(createReadStream(file.path, { highWaterMark: 256 * 1024 }))) {
          for (const event of events) {
            if (event.kind === 'context') {
              const variant = event.context.variant;
              scheme =
                variant === null || variant === 'US' || variant === 'Default'
                  ? 'vics_us'
                  : variant === 'UK'
                    ? 'uk'
                    : 'none';
            } else if (event.kind === 'media') {
              const media = parseVicsMedia(event.record, event.recordNumber, 'free');
              const baseline = media.baseline === true;
              builder.add(
                {
                  md5: bytes(media.md5),
                  sha1: bytes(media.sha1),
                  sha256: bytes(media.sha256),
                  pdq: bytes(media.pdq),
                },
                info(scheme, media.category, baseline),
                key(media.category, baseline),
              );
              entries += 1;
            }
          }
        }
      } else {
        for await (const records of readHashList(createReadStream(file.path), null)) {
          for (const record of records) {
            builder.add(
              {
                md5: bytes(record.md5),
                sha1: bytes(record.sha1),
                sha256: bytes(record.sha256),
                pdq: bytes(record.pdq),
              },
              info(schemeOfCode(record.category) ?? 'none', record.category, record.baseline),
              key(record.category, record.baseline),
            );
            entries += 1;
          }
        }
      }
    } catch (error) {
      if (
        error instanceof VicsFormatError ||
        error instanceof VicsRecordError ||
        error instanceof HashListError
      ) {
        throw havenError('HASH_LIST_INVALID', { file: name, reason: error.message }, error);
      }
      throw error;
    }
  }
  return { held: builder.build(), negatives: new Map(), entries };
}
