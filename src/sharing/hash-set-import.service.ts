import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import {
  HashListError,
  readHashList,
  type ListHashType,
  type ListRecord,
} from '#haven/sharing/hash-list/hash-list-reader.js';
import { hashSetRepository } from '#haven/sharing/hash-set.repository.js';
import { sniffFormat } from '#haven/sharing/hash-list/sniff-format.js';
import type { EntryDraft, HashSetDraft, ImportReport, SetScheme } from '#haven/sharing/hash-set.types.js';
import type { VicsContext } from '#haven/sharing/vics/vics-context.js';
import {
  DEFAULT_READ_LIMITS,
  readVics,
  VicsFormatError,
  type VicsReadLimits,
} from '#haven/sharing/vics/vics-reader.js';
import { parseVicsMedia, VicsRecordError } from '#haven/sharing/vics/vics-record.js';
import type { VicsMedia } from '#haven/sharing/vics/vics.types.js';

export interface ImportOptions extends Omit<HashSetDraft, 'scheme'> {
  /** Scheme of the category codes; default: from the VICS variant (US/1.x: vics_us, UK: uk), else none. */
  readonly scheme?: SetScheme | undefined;
  /** `replace`: the file is the whole set (entries it lacks are removed); `add`: merged into the set. */
  readonly mode: 'replace' | 'add';
  readonly dryRun: boolean;
  /** Skip invalid records (listing them) instead of refusing the whole file. */
  readonly bestEffort: boolean;
  /** Every entry of the file is INTERPOL Baseline material (the source says so). */
  readonly baseline: boolean;
  /** Plain lists: the type of bare hashes (default: by length). */
  readonly hashType?: ListHashType | null | undefined;
  readonly actor: Actor;
  readonly limits?: VicsReadLimits | undefined;
}

const BATCH = 2000;
const MAX_PROBLEMS = 100;
const CHUNK = 256 * 1024;

class DryRunDone extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

/** Counts and problems of one import, filled while reading. */
class Tally {
  records = 0;
  added = 0;
  changed = 0;
  unchanged = 0;
  removed = 0;
  skipped = 0;
  miniatures = 0;
  cases = 0;
  readonly problems: string[] = [];

  problem(text: string): void {
    this.skipped += 1;
    if (this.problems.length < MAX_PROBLEMS) {
      this.problems.push(text);
    }
  }
}

/**
 * Imports a VICS file or a hash list into a hash set, in one transaction: a file that fails
 * anywhere leaves nothing behind (unless best effort was asked, which skips bad records), and
 * importing the same file twice changes nothing the second time. A dry run does all the work,
 * reports it and rolls back.
 */
export const hashSetImportService = {
  async importFile(db: Database, file: string, options: ImportOptions): Promise<ImportReport> {
    const started = Date.now();
    const format = await sniffFormat(file);
    const digest = createHash('sha256');
    const tally = new Tally();
    let context: VicsContext | null = null;
    try {
      return await db.transaction(async (tx) => {
        const stream = createReadStream(file, { highWaterMark: CHUNK });
        const tee = new PassThrough({ highWaterMark: CHUNK });
        stream.on('data', (chunk) => digest.update(chunk));
        stream.on('error', (error) => tee.destroy(error));
        stream.pipe(tee);
        let target: { setId: string; importId: number; rule: 'us' | 'free' } | null = null;
        const begin = async (
          scheme: SetScheme,
        ): Promise<{ setId: string; importId: number; rule: 'us' | 'free' }> => {
          const existing = await hashSetRepository.byName(tx, options.name);
          if (existing && existing.scheme !== scheme && options.scheme === undefined) {
            throw havenError('INVALID_ARGUMENT', {
              reason: `hash set "${options.name}" holds ${existing.scheme} categories; this file has ${scheme} ones`,
            });
          }
          if (existing && existing.purpose !== options.purpose) {
            throw havenError('INVALID_ARGUMENT', {
              reason: `hash set "${options.name}" is a ${existing.purpose} set, not ${options.purpose}`,
            });
          }
          const setId = await hashSetRepository.upsert(
            tx,
            { ...options, scheme: existing?.scheme ?? scheme },
            options.actor.name,
          );
          const importId = await hashSetRepository.startImport(tx, setId, {
            name: path.basename(file),
            sha256: Buffer.alloc(32),
            format,
            mode: options.mode,
            by: options.actor.name,
          });
          return { setId, importId, rule: (existing?.scheme ?? scheme) === 'vics_us' ? 'us' : 'free' };
        };
        let pending: { draft: EntryDraft; label: string }[] = [];
        const pendingKeys = new Set<string>();
        const flush = async (): Promise<void> => {
          if (pending.length === 0 || !target) {
            return;
          }
          const written = await hashSetRepository.upsertEntries(
            tx,
            target.setId,
            target.importId,
            pending.map((p) => p.draft),
          );
          const byKey = new Map(written.map((w) => [w.mediaKey, w]));
          for (const { draft, label } of pending) {
            const outcome = byKey.get(draft.mediaKey);
            if (!outcome) {
              if (format !== 'vics') {
                continue; // the same hash listed twice (NSRL lists one file per product): one entry
              }
              const message = `${label}: MediaID ${draft.mediaKey} appears twice in the file`;
              if (!options.bestEffort) {
                throw havenError('IMPORT_INVALID', { file: path.basename(file), reason: message });
              }
              tally.problem(message);
              continue;
            }
            byKey.delete(draft.mediaKey);
            if (outcome.inserted) {
              tally.added += 1;
            } else if (outcome.changed) {
              tally.changed += 1;
            } else {
              tally.unchanged += 1;
            }
          }
          pending = [];
          pendingKeys.clear();
        };
        const add = async (draft: EntryDraft, label: string): Promise<void> => {
          if (pendingKeys.has(draft.mediaKey)) {
            if (format !== 'vics') {
              return; // the same hash listed twice: one entry
            }
            // Within one batch the database cannot tell a duplicate: flush first so it can.
            await flush();
          }
          pending.push({ draft, label });
          pendingKeys.add(draft.mediaKey);
          if (pending.length >= BATCH) {
            await flush();
          }
        };

        if (format === 'vics') {
          for await (const events of readVics(tee, options.limits ?? DEFAULT_READ_LIMITS)) {
            for (const event of events) {
              if (event.kind === 'context') {
                context = event.context;
                target = await begin(options.scheme ?? schemeOf(context));
              } else if (event.kind === 'case') {
                tally.cases += 1;
              } else {
                tally.records += 1;
                const record = event.record;
                if (
                  record !== null &&
                  typeof record === 'object' &&
                  !Array.isArray(record) &&
                  'Miniature' in record
                ) {
                  tally.miniatures += 1;
                }
                let media: VicsMedia;
                try {
                  media = parseVicsMedia(record, event.recordNumber, target?.rule ?? 'us');
                } catch (error) {
                  if (error instanceof VicsRecordError && options.bestEffort) {
                    tally.problem(error.message);
                    continue;
                  }
                  throw error;
                }
                await add(entryOfMedia(media, options.baseline), `media record ${event.recordNumber}`);
              }
            }
          }
        } else {
          target = await begin(options.scheme ?? 'none');
          for await (const records of readHashList(tee, options.hashType ?? null)) {
            for (const record of records) {
              tally.records += 1;
              await add(entryOfListRecord(record, options.baseline), `line ${record.line}`);
            }
          }
        }
        await flush();
        // An empty file (or one whose every record was skipped) would empty a set it replaces.
        if (!target || tally.records === 0 || tally.records === tally.skipped) {
          throw havenError('IMPORT_INVALID', {
            file: path.basename(file),
            reason: tally.records === 0 ? 'no records' : 'no valid records',
          });
        }
        if (options.mode === 'replace') {
          tally.removed = await hashSetRepository.removeNotIn(tx, target.setId, target.importId);
        }
        const ctx: VicsContext | null = context;
        if (tally.added + tally.changed + tally.removed > 0 || ctx?.variant) {
          await hashSetRepository.bumpRevision(tx, target.setId, ctx?.variant ?? null);
        }
        await hashSetRepository.finishImport(tx, target.importId, {
          records: tally.records,
          added: tally.added,
          changed: tally.changed,
          removed: tally.removed,
          skipped: tally.skipped,
          sha256: digest.digest(),
        });
        const report: ImportReport = {
          hashSet: options.name,
          dryRun: options.dryRun,
          format,
          version: ctx?.version ?? null,
          variant: ctx?.variant ?? null,
          records: tally.records,
          added: tally.added,
          changed: tally.changed,
          unchanged: tally.unchanged,
          removed: tally.removed,
          skipped: tally.skipped,
          problems: tally.problems,
          miniaturesDropped: tally.miniatures,
          cases: tally.cases,
          seconds: (Date.now() - started) / 1000,
        };
        await audit(tx, options, report, target.setId);
        if (options.dryRun) {
          throw new DryRunDone(report);
        }
        return report;
      });
    } catch (error) {
      if (error instanceof DryRunDone) {
        return error.report;
      }
      if (
        error instanceof VicsFormatError ||
        error instanceof VicsRecordError ||
        error instanceof HashListError
      ) {
        throw havenError('IMPORT_INVALID', { file: path.basename(file), reason: error.message }, error);
      }
      throw error;
    }
  },
};

async function audit(
  tx: Queryable,
  options: ImportOptions,
  report: ImportReport,
  setId: string,
): Promise<void> {
  if (options.dryRun) {
    return;
  }
  await auditService.record(tx, {
    actor: options.actor,
    action: 'hashset.import',
    outcome: 'ok',
    objectType: 'hash_set',
    objectId: setId,
    details: {
      name: options.name,
      format: report.format,
      records: report.records,
      added: report.added,
      changed: report.changed,
      removed: report.removed,
      skipped: report.skipped,
    },
  });
}

function schemeOf(context: VicsContext): SetScheme {
  if (context.variant === null || context.variant === 'US' || context.variant === 'Default') {
    return 'vics_us';
  }
  return context.variant === 'UK' ? 'uk' : 'none';
}

const bytesOf = (hexValue: string | null): Buffer | null =>
  hexValue === null ? null : Buffer.from(hexValue, 'hex');

export function entryOfMedia(media: VicsMedia, baseline: boolean): EntryDraft {
  return {
    mediaKey: media.mediaId,
    md5: bytesOf(media.md5),
    sha1: bytesOf(media.sha1),
    sha256: bytesOf(media.sha256),
    pdq: bytesOf(media.pdq),
    category: media.category,
    baseline: baseline || media.baseline === true,
    record: media,
  };
}

function entryOfListRecord(record: ListRecord, baseline: boolean): EntryDraft {
  const key = record.sha256
    ? `sha256:${record.sha256}`
    : record.sha1
      ? `sha1:${record.sha1}`
      : record.md5
        ? `md5:${record.md5}`
        : `pdq:${record.pdq}`;
  return {
    mediaKey: key,
    md5: bytesOf(record.md5),
    sha1: bytesOf(record.sha1),
    sha256: bytesOf(record.sha256),
    pdq: bytesOf(record.pdq),
    category: record.category,
    baseline: baseline || record.baseline,
    record: { list: true },
  };
}
