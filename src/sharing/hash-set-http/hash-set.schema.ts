import { z } from 'zod';
import { EXPORT_FORMATS } from '#haven/sharing/hash-set-export.service.js';
import { HASH_SET_PURPOSES, SET_SCHEMES, TRUST_LEVELS } from '#haven/sharing/hash-set.types.js';
import { VICS_VARIANTS } from '#haven/sharing/vics/vics-context.js';

const QueryBoolean = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .default(false);

export const HashSetNameParams = z.object({ name: z.string().trim().min(1).max(100) }).strict();

export const HashSetBody = z
  .object({
    name: z.string(),
    purpose: z.enum(HASH_SET_PURPOSES),
    source: z.string(),
    licence: z.string().nullable(),
    trust: z.enum(TRUST_LEVELS),
    scheme: z.enum(SET_SCHEMES),
    vicsVariant: z.string().nullable(),
    providerShared: z.boolean(),
    revision: z.number().int(),
    entries: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'HashSet' });

export const HashSetList = z.object({ hashSets: z.array(HashSetBody) }).meta({ id: 'HashSetList' });

export const HashSetImportQuery = z
  .object({
    source: z.string().trim().min(1).max(1000).optional().describe('default: the uploaded file name'),
    licence: z.string().trim().min(1).max(1000).optional(),
    trust: z.enum(TRUST_LEVELS).default('unverified'),
    scheme: z.enum(SET_SCHEMES).optional().describe('default: from the VICS variant'),
    purpose: z.enum(HASH_SET_PURPOSES).default('known'),
    mode: z
      .enum(['replace', 'add'])
      .default('replace')
      .describe('replace: the file is the whole set (entries it lacks are removed); add: merged'),
    dryRun: QueryBoolean.describe('check everything and report, store nothing'),
    bestEffort: QueryBoolean.describe(
      'skip invalid records (listed in problems) instead of refusing the file',
    ),
    baseline: QueryBoolean.describe('every entry is INTERPOL Baseline material'),
    providerShared: QueryBoolean.describe('offer the set to provider organisations'),
    hashType: z.enum(['md5', 'sha1', 'sha256', 'pdq']).optional().describe('bare hashes of a plain list'),
  })
  .strict();

export const ImportReportBody = z
  .object({
    hashSet: z.string(),
    dryRun: z.boolean(),
    format: z.string(),
    version: z.string().nullable(),
    variant: z.string().nullable(),
    records: z.number().int(),
    added: z.number().int(),
    changed: z.number().int(),
    unchanged: z.number().int(),
    removed: z.number().int(),
    skipped: z.number().int(),
    problems: z
      .array(z.string())
      .describe('the first skipped records: record number, MediaID, field, reason'),
    miniaturesDropped: z.number().int(),
    cases: z.number().int(),
    seconds: z.number(),
  })
  .meta({ id: 'HashSetImportReport' });

export const HashSetExportQuery = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('vics'),
    variant: z.enum(VICS_VARIANTS).optional().describe('VICS 2.0 variant (default: as imported)'),
  })
  .strict();
