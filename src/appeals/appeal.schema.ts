import { z } from 'zod';
import { APPEAL_STATES, type AppealRecord } from '#haven/appeals/appeal.types.js';
import {
  APPEAL_TYPES,
  AppealPerson,
  AppealText,
  PORTAL_LANGUAGES,
} from '#haven/portal/exchange/portal-exchange.js';

const Pixels = z.number().int().min(0).max(1_000_000);
const Rect = z.object({ x: Pixels, y: Pixels, width: Pixels.min(1), height: Pixels.min(1) }).strict();
const Country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code');

export const AppealTexts = z
  .partialRecord(z.enum(PORTAL_LANGUAGES), AppealText)
  .meta({ description: 'Title, description and targeted questions per language the appeal is published in' });

const ImageSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('clue'), seriesId: z.uuid(), clueId: z.uuid() }).strict(),
  z.object({ kind: z.literal('crop'), seriesId: z.uuid(), mediaId: z.uuid(), rect: Rect }).strict(),
  z
    .object({
      kind: z.literal('upload'),
      base64: z
        .string()
        .min(4)
        .max(900_000)
        .regex(/^[A-Za-z0-9+/=\s]+$/),
    })
    .strict()
    .meta({ description: 'A photo (wanted person, missing child), base64; re-encoded like every picture' }),
]);

export const ProposeAppealRequest = z
  .object({
    type: z.enum(APPEAL_TYPES),
    texts: AppealTexts,
    person: AppealPerson.nullable().default(null),
    country: Country.nullable().default(null),
    region: z.string().max(100).default(''),
    image: ImageSource,
    masks: z
      .array(Rect)
      .max(20)
      .default([])
      .meta({ description: 'Regions blurred beyond recognition, in pixels of the crop (or photo)' }),
    seriesId: z.uuid().nullable().default(null),
  })
  .strict()
  .meta({ id: 'ProposeAppealRequest' });

export const AppealBody = z
  .object({
    id: z.uuid(),
    publicId: z.string(),
    type: z.enum(APPEAL_TYPES),
    state: z.enum(APPEAL_STATES),
    texts: AppealTexts,
    person: AppealPerson.nullable(),
    country: z.string().nullable(),
    region: z.string(),
    seriesId: z.uuid().nullable(),
    clueId: z.uuid().nullable(),
    image: z.object({ width: z.number().int(), height: z.number().int() }),
    proposedBy: z.string(),
    proposedByName: z.string(),
    proposedAt: z.iso.datetime(),
    reviewedByName: z.string().nullable(),
    reviewedAt: z.iso.datetime().nullable(),
    reviewNote: z.string(),
    publishedAt: z.iso.datetime().nullable(),
    unpublishedAt: z.iso.datetime().nullable(),
    unpublishedByName: z.string().nullable(),
    outcome: z.object({
      countryFound: z.string().nullable(),
      objectIdentified: z.boolean(),
      childrenIdentified: z.number().int(),
    }),
  })
  .meta({ id: 'Appeal' });

export const AppealList = z.object({ appeals: z.array(AppealBody) }).meta({ id: 'AppealList' });

export const AppealListQuery = z.object({ state: z.enum(APPEAL_STATES).optional() }).strict();
export const AppealParams = z.object({ id: z.uuid() }).strict();

export const ReviewAppealRequest = z
  .object({ decision: z.enum(['approve', 'reject']), note: z.string().max(2000).default('') })
  .strict()
  .meta({ id: 'ReviewAppealRequest' });

export const AppealOutcomeRequest = z
  .object({
    countryFound: Country.nullable(),
    objectIdentified: z.boolean(),
    childrenIdentified: z.number().int().min(0).max(10_000),
  })
  .strict()
  .meta({ id: 'AppealOutcomeRequest' });

export const presentAppeal = (appeal: AppealRecord): z.output<typeof AppealBody> => ({
  id: appeal.id,
  publicId: appeal.publicId,
  type: appeal.type,
  state: appeal.state,
  texts: appeal.texts,
  person: appeal.person,
  country: appeal.country,
  region: appeal.region,
  seriesId: appeal.seriesId,
  clueId: appeal.clueId,
  image: { width: appeal.imageWidth, height: appeal.imageHeight },
  proposedBy: appeal.proposedBy,
  proposedByName: appeal.proposedByName,
  proposedAt: appeal.proposedAt.toISOString(),
  reviewedByName: appeal.reviewedByName,
  reviewedAt: appeal.reviewedAt?.toISOString() ?? null,
  reviewNote: appeal.reviewNote,
  publishedAt: appeal.publishedAt?.toISOString() ?? null,
  unpublishedAt: appeal.unpublishedAt?.toISOString() ?? null,
  unpublishedByName: appeal.unpublishedByName,
  outcome: {
    countryFound: appeal.countryFound,
    objectIdentified: appeal.objectIdentified,
    childrenIdentified: appeal.childrenIdentified,
  },
});
