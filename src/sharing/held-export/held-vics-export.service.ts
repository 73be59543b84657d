import path from 'node:path';
import type { Actor } from '#haven/access/actor.js';
import { accessService, sharingScopeOf } from '#haven/access/access.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { caseService } from '#haven/cases/case.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { seriesService } from '#haven/series/series.service.js';
import {
  heldMediaRepository,
  type HeldCategory,
  type HeldFile,
  type HeldMedium,
  type HeldScope,
  type HeldSignal,
} from '#haven/sharing/held-export/held-media.repository.js';
import type { VicsVariant } from '#haven/sharing/vics/vics-context.js';
import { writeVics } from '#haven/sharing/vics/vics-writer.js';
import type { VicsCase, VicsMedia, VicsProperty } from '#haven/sharing/vics/vics.types.js';

const PAGE = 500;

/** What an export of held material is: its size (known before streaming) and its text pieces. */
export interface HeldVicsExport {
  readonly media: number;
  readonly fileName: string;
  readonly pieces: AsyncGenerator<string>;
}

export interface ExportContext {
  readonly requestId?: string;
  readonly clientIp?: string;
}

/** The category scheme a VICS variant speaks: UK files carry A/B/C/NP, the others VICS 0-5. */
export const schemeOfVariant = (variant: VicsVariant): 'uk' | 'vics_us' =>
  variant === 'UK' ? 'uk' : 'vics_us';

/**
 * VICS 2.0 `#Cases` exports of what Haven holds: a case, or a series (as one VICS case whose media
 * carry the series number). Only media the actor may see are written, with occurrences from the
 * exported case (a series: from every case the actor may see). MediaIDs are running numbers in
 * SHA-256 order: nothing in the file points back to Haven's internal identifiers.
 */
export const heldVicsExportService = {
  async exportCase(
    db: Database,
    actor: Actor,
    caseId: string,
    variant: VicsVariant,
    context: ExportContext = {},
  ): Promise<HeldVicsExport> {
    const record = await caseService.getVisible(db, actor, caseId);
    const scope: HeldScope = { caseId: record.id };
    const media = await heldMediaRepository.count(db, scope);
    await audit(db, actor, 'case.export_vics', 'case', record.id, { variant, media }, context);
    const head: VicsCase = {
      ...emptyCase(),
      caseId: record.reference,
      caseNumber: record.reference,
      caseMetadata: record.title ? [{ name: 'Title', value: record.title }] : [],
    };
    return {
      media,
      fileName: `${safeName(record.reference)}.vics.json`,
      pieces: writeVics({ variant, case: head, media: pages(db, actor, scope, variant) }),
    };
  },

  async exportSeries(
    db: Database,
    actor: Actor,
    seriesId: string,
    variant: VicsVariant,
    context: ExportContext = {},
  ): Promise<HeldVicsExport> {
    const series = await seriesService.getVisible(db, actor, seriesId);
    const scope: HeldScope = {
      seriesId: series.id,
      agencyId: sharingScopeOf(actor),
      caseVisible: accessService.caseVisibleSql('c', '$2'),
    };
    const media = await heldMediaRepository.count(db, scope);
    await audit(db, actor, 'series.export_vics', 'series', series.id, { variant, media }, context);
    const head: VicsCase = {
      ...emptyCase(),
      caseId: series.number,
      caseNumber: series.number,
      caseMetadata: [
        { name: 'Series', value: series.number },
        { name: 'Title', value: series.title },
      ],
    };
    return {
      media,
      fileName: `${safeName(series.number)}.vics.json`,
      pieces: writeVics({ variant, case: head, media: pages(db, actor, scope, variant) }),
    };
  },

  /** The case of a reference, for the command line (which acts as the system). */
  caseIdOf: async (db: Queryable, reference: string): Promise<string> =>
    (await caseService.get(db, reference)).id,

  /** The series of a number visible to the actor (merged series too: they are history). */
  async seriesIdOf(db: Queryable, actor: Actor, number: string): Promise<string> {
    const wanted = number.trim().toUpperCase();
    const found = (await seriesService.listVisible(db, actor, { includeMerged: true })).find(
      (series) => series.number.toUpperCase() === wanted,
    );
    if (!found) {
      throw havenError('INVALID_ARGUMENT', { reason: `no series numbered ${number.slice(0, 100)}` });
    }
    return found.id;
  },
};

async function audit(
  db: Database,
  actor: Actor,
  action: string,
  objectType: string,
  objectId: string,
  details: Record<string, unknown>,
  context: ExportContext,
): Promise<void> {
  await db.transaction((tx) =>
    auditService.record(tx, { actor, action, outcome: 'ok', objectType, objectId, ...context, details }),
  );
}

async function* pages(
  db: Queryable,
  actor: Actor,
  scope: HeldScope,
  variant: VicsVariant,
): AsyncGenerator<VicsMedia[]> {
  const scheme = schemeOfVariant(variant);
  const agencyId = sharingScopeOf(actor);
  let after: Buffer | null = null;
  let number = 0;
  for (;;) {
    const page = await heldMediaRepository.page(db, scope, after, PAGE);
    if (page.length === 0) {
      return;
    }
    const ids = page.map((m) => m.id);
    const [signals, files, categories, series] = await Promise.all([
      heldMediaRepository.signals(db, ids),
      heldMediaRepository.files(db, ids, scope),
      heldMediaRepository.categories(db, ids, scheme),
      heldMediaRepository.seriesNumbers(db, ids, accessService.seriesVisibleSql('s', '$2'), agencyId),
    ]);
    const signalsOf = groupBy(signals);
    const filesOf = groupBy(files);
    const categoryOf = new Map(categories.map((c) => [c.mediaId, c]));
    yield page.map((medium) => {
      number += 1;
      return vicsOfHeld(
        String(number),
        medium,
        signalsOf.get(medium.id) ?? [],
        filesOf.get(medium.id) ?? [],
        categoryOf.get(medium.id) ?? null,
        series.get(medium.id) ?? [],
      );
    });
    after = Buffer.from(page[page.length - 1]!.sha256);
    if (page.length < PAGE) {
      return;
    }
  }
}

function groupBy<T extends { readonly mediaId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.mediaId);
    if (list) {
      list.push(row);
    } else {
      out.set(row.mediaId, [row]);
    }
  }
  return out;
}

/**
 * One held medium in VICS terms. A video carries no image PDQ: its distinct frame hashes go in
 * `AlternativeHashes` as `vPDQ` (VICS has no field of its own for them). People who disagree on the
 * category are not resolved away: the latest decision is the category and the others are listed in
 * `Comments`.
 */
export function vicsOfHeld(
  mediaId: string,
  medium: HeldMedium,
  signals: readonly HeldSignal[],
  files: readonly HeldFile[],
  category: HeldCategory | null,
  series: readonly string[],
): VicsMedia {
  const first = (name: string): string | null => {
    const found = signals.find((s) => s.signal === name);
    return found ? hex(found.value) : null;
  };
  const md5 = first('md5');
  const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
  return {
    mediaId,
    category: category?.code ?? null,
    md5,
    sha1: first('sha1'),
    sha256: hex(medium.sha256),
    pdq: medium.kind === 'video' ? null : first('pdq'),
    photoDna: null,
    mediaSize: medium.size,
    mimeType: medium.mime,
    relativeFilePath: files[0]?.sourcePath ?? null,
    dateUpdated: (category?.decidedAt ?? medium.createdAt).toISOString(),
    victimIdentified: null,
    offenderIdentified: null,
    isDistributed: null,
    isPrecategorized: null,
    precategorizationSource: null,
    isSuspected: null,
    selfGenerated: null,
    series: series.length > 0 ? series.join(', ') : null,
    tags: null,
    comments:
      category && category.codes.length > 1 ? `Categorisations disagree: ${category.codes.join(', ')}` : null,
    baseline: category?.baseline ? true : null,
    alternativeHashes: signals
      .filter((s) => s.signal === 'vpdq')
      .map((s) => ({ name: 'vPDQ', value: hex(s.value) })),
    exifs: exifProperties(medium.exif),
    mediaFiles: files.map((file) => ({
      md5,
      fileName: path.posix.basename(file.sourcePath),
      filePath: path.posix.dirname(file.sourcePath),
      created: iso(file.bornAt),
      written: iso(file.modifiedAt),
      accessed: iso(file.accessedAt),
      unallocated: null,
      deleted: null,
      parentMd5: null,
      parentFileName: null,
      parentFilePath: null,
      physicalLocation: null,
      parentPhysicalLocation: null,
      sourceId: null,
    })),
  };
}

/** The EXIF summary held at ingest as name/value pairs (XMP properties prefixed `xmp `). */
export function exifProperties(exif: Readonly<Record<string, unknown>> | null): VicsProperty[] {
  if (!exif) {
    return [];
  }
  const out: VicsProperty[] = [];
  for (const [name, value] of Object.entries(exif)) {
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (inner !== null && inner !== undefined) {
          out.push({ name: `${name} ${key}`, value: scalarText(inner) });
        }
      }
    } else {
      out.push({ name, value: scalarText(value) });
    }
  }
  return out;
}

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function emptyCase(): VicsCase {
  return {
    caseId: null,
    caseNumber: null,
    contactOrganization: null,
    contactName: null,
    contactPhone: null,
    contactEmail: null,
    contactTitle: null,
    seizureDate: null,
    sourceApplicationName: 'Haven',
    sourceApplicationVersion: null,
    caseMetadata: [],
  };
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'export';
}
