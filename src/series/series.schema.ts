import { z } from 'zod';
import { SharingLevel } from '#haven/cases/case.schema.js';
import { COUNTRY_CONFIDENCES, SERIES_STATUSES } from '#haven/series/series.types.js';

export const SeriesStatusSchema = z.enum(SERIES_STATUSES).meta({
  description:
    'found -> compared -> analysed -> country_identified -> disseminated -> local_investigation -> victim_identified',
});

/** ISO 3166-1 alpha-2, upper case. */
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in upper case, e.g. NL')
  .meta({ description: 'ISO 3166-1 alpha-2 country code', example: 'NL' });

/** Control characters other than tab, line feed and carriage return. */
const hasControl = (value: string): boolean => {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) {
      return true;
    }
  }
  return false;
};

/** Free text without control characters (other than line breaks and tabs). */
export const Text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !hasControl(value), { message: 'must not contain control characters' });

/** A title: one line, something visible in it. */
export const Title = Text(200).refine((value) => value.trim().length > 0 && !/[\r\n]/.test(value), {
  message: 'must be one non-empty line',
});

export const SeriesBody = z
  .object({
    id: z.uuid(),
    number: z
      .string()
      .meta({ description: 'Unique across the system: country-year-sequence', example: 'NL-2026-00042' }),
    title: z.string(),
    agencyId: z.uuid(),
    own: z.boolean().meta({ description: "Whether the caller's agency owns it (owners change it)" }),
    sharing: SharingLevel,
    sharedWith: z.array(z.uuid()),
    status: SeriesStatusSchema,
    offenderIdentified: z.boolean(),
    notes: z.string(),
    probableCountry: z
      .object({
        country: z.string(),
        confidence: z.enum(COUNTRY_CONFIDENCES).nullable(),
        evidence: z.string().nullable(),
      })
      .nullable(),
    victimIdentified: z
      .object({ at: z.iso.datetime(), agencyId: z.uuid().nullable() })
      .nullable()
      .meta({ description: 'When and by which agency the victim was identified (null: not yet)' }),
    mergedInto: z.uuid().nullable(),
    mediaCount: z.number().int(),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Series' });

export const SeriesList = z.object({ series: z.array(SeriesBody) }).meta({ id: 'SeriesList' });

export const SeriesMediumBody = z
  .object({
    mediaId: z.uuid(),
    sha256: z.string(),
    kind: z.string(),
    mime: z.string(),
    size: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    addedAt: z.iso.datetime(),
    addedBy: z.string(),
    viewable: z.boolean().meta({
      description: 'Whether you may open the medium (previews, detail): it occurs in a case visible to you',
    }),
  })
  .meta({ id: 'SeriesMedium' });

export const SeriesEventBody = z
  .object({
    kind: z.string(),
    agencyId: z.uuid().nullable(),
    actor: z.string(),
    details: z.record(z.string(), z.unknown()),
    at: z.iso.datetime(),
  })
  .meta({ id: 'SeriesEvent' });

export const PersonSummary = z.object({
  id: z.uuid(),
  code: z.string(),
  identified: z.boolean(),
});

export const SeriesDetail = SeriesBody.extend({
  media: z.array(SeriesMediumBody),
  history: z.array(SeriesEventBody),
  victims: z.array(PersonSummary),
  offenders: z.array(PersonSummary),
}).meta({ id: 'SeriesDetail' });

const MediaIds = z.array(z.uuid()).max(5000);

export const CreateSeriesRequest = z
  .object({
    title: Title,
    notes: Text(20_000).optional(),
    mediaIds: MediaIds.min(1),
    sharing: z.enum(['agency', 'network']).optional().meta({ description: 'Share selectively afterwards' }),
  })
  .strict()
  .meta({ id: 'CreateSeriesRequest' });

export const SeriesFromIngestRequest = z
  .object({
    ingestId: z.uuid(),
    title: Title,
    notes: Text(20_000).optional(),
    statuses: z
      .array(z.enum(['new', 'exact', 'near']))
      .min(1)
      .default(['new', 'exact', 'near'])
      .meta({ description: 'Which triage results to take (default: every analysed file)' }),
    paths: z
      .array(z.string().max(4096))
      .max(5000)
      .optional()
      .meta({ description: 'Only these result paths' }),
    includeMatches: z
      .boolean()
      .default(false)
      .meta({ description: 'Also take the held media they matched (those you may see)' }),
  })
  .strict()
  .meta({ id: 'SeriesFromIngestRequest' });

export const UpdateSeriesRequest = z
  .object({
    title: Title.optional(),
    notes: Text(20_000).optional(),
    offenderIdentified: z.boolean().optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'nothing to change' })
  .meta({ id: 'UpdateSeriesRequest' });

export const StatusRequest = z
  .object({ status: SeriesStatusSchema, note: Text(2000).optional() })
  .strict()
  .meta({ id: 'SeriesStatusRequest' });

export const MediaIdsRequest = z
  .object({ mediaIds: MediaIds.min(1) })
  .strict()
  .meta({ id: 'SeriesMediaRequest' });
export const MediaChanged = z.object({ mediaIds: z.array(z.uuid()) }).meta({ id: 'SeriesMediaChanged' });

export const MergeRequest = z
  .object({ seriesIds: z.array(z.uuid()).min(1).max(100) })
  .strict()
  .meta({ id: 'SeriesMergeRequest' });

export const SplitRequest = z
  .object({ mediaIds: MediaIds.min(1), title: Title })
  .strict()
  .meta({ id: 'SeriesSplitRequest' });

export const CountryRequest = z
  .object({
    country: CountryCode.nullable(),
    confidence: z.enum(COUNTRY_CONFIDENCES).nullable().default(null),
    evidence: Text(10_000).nullable().default(null),
  })
  .strict()
  .meta({ id: 'SeriesCountryRequest' });

export const SeriesIdParams = z.object({ id: z.uuid() }).strict();

const QueryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

export const SeriesListQuery = z
  .object({
    status: SeriesStatusSchema.optional(),
    own: QueryBoolean.optional().meta({ description: "Only your agency's series" }),
    unidentified: QueryBoolean.optional().meta({ description: 'Only series whose victim is not identified' }),
    mediaId: z.uuid().optional().meta({ description: 'Only series holding this medium' }),
    includeMerged: QueryBoolean.optional(),
  })
  .strict();

const IdentifiedFactSchema = z
  .object({ agency: z.string(), country: z.string(), at: z.iso.date(), note: z.string() })
  .nullable()
  .meta({ description: 'Set when the victim is identified: by which agency and on which date' });

/** A series holding a matched medium, as the caller may learn of it. */
export const SeriesFactSchema = z
  .union([
    z.object({
      restricted: z.literal(false),
      id: z.uuid(),
      number: z.string(),
      title: z.string(),
      status: SeriesStatusSchema,
      identified: IdentifiedFactSchema,
    }),
    z.object({
      restricted: z.literal(true),
      status: SeriesStatusSchema,
      identified: IdentifiedFactSchema,
      ask: z.object({ agency: z.string(), country: z.string(), contact: z.string().nullable() }),
    }),
  ])
  .meta({
    id: 'SeriesFact',
    description:
      'A series holding the medium. Outside your sharing level: only its status, identification and whom to ask.',
  });
