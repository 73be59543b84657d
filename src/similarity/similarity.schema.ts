import { z } from 'zod';
import { SeriesFactSchema } from '#haven/series/series.schema.js';

const Pixels = z.number().int().min(0).max(1_000_000);

export const RegionSchema = z
  .object({ x: Pixels, y: Pixels, width: Pixels.min(16), height: Pixels.min(16) })
  .strict()
  .meta({
    id: 'SimilarityRegion',
    description: 'A rectangle in pixels of the original image, from its top-left corner',
  });

const Limit = z.number().int().min(1).max(100).default(20);

const UNCONFIRMED =
  'Also return the best candidates below the acceptance threshold (accepted: false), after the matches: pictures that look alike but are not confirmed. Only pictures you may see.';

const Unconfirmed = z.boolean().default(false).meta({ description: UNCONFIRMED });

export const HeldSearchRequest = z
  .object({ region: RegionSchema.optional(), limit: Limit, unconfirmed: Unconfirmed })
  .strict()
  .meta({ id: 'SimilarHeldRequest' });

export const ClueSearchRequest = z
  .object({ limit: Limit, unconfirmed: Unconfirmed })
  .strict()
  .meta({ id: 'SimilarClueRequest' });

export const UploadSearchQuery = z
  .object({
    region: z
      .string()
      .regex(/^\d+,\d+,\d+,\d+$/, 'X,Y,W,H in whole pixels')
      .optional()
      .meta({ description: 'X,Y,W,H in pixels of the uploaded image: search for this object only' }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    unconfirmed: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true')
      .meta({ description: UNCONFIRMED }),
  })
  .strict();

const Point = z.tuple([z.number(), z.number()]);

const HolderSchema = z.object({ agency: z.string(), country: z.string(), contact: z.string().nullable() });

const Kind = z.enum(['place', 'object', 'face']);

export const SimilarityResultSchema = z
  .union([
    z.object({
      restricted: z.literal(false),
      kind: Kind,
      mediaId: z.uuid(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      score: z.number().min(0).max(1),
      accepted: z.boolean().meta({
        description: 'Passed the acceptance threshold; false only for unconfirmed candidates asked for',
      }),
      inliers: z.number().int().min(0),
      tentative: z.number().int().min(0),
      width: z.number().int(),
      height: z.number().int(),
      pairs: z
        .array(z.object({ query: Point, candidate: Point }))
        .meta({ description: 'Matched keypoints: in the query image and in this image, original pixels' }),
      globalSimilarity: z.number().min(-1).max(1).nullable().meta({
        description:
          'Cosine similarity of the two pictures as a whole (global descriptors), null when one has none yet',
      }),
      series: z.array(SeriesFactSchema),
    }),
    z.object({
      restricted: z.literal(true),
      kind: Kind,
      accepted: z.literal(true),
      score: z.number().min(0).max(1),
      inliers: z.number().int().min(0),
      holders: z.array(HolderSchema),
      series: z.array(SeriesFactSchema),
    }),
  ])
  .meta({
    id: 'SimilarityResult',
    description:
      'A verified match. Outside your sharing level: only that it exists, its strength and whom to ask.',
  });

export const SimilarityResults = z
  .object({
    probe: z.object({
      width: z.number().int(),
      height: z.number().int(),
      region: RegionSchema.nullable(),
      keypoints: z.number().int(),
    }),
    results: z.array(SimilarityResultSchema),
  })
  .meta({ id: 'SimilarityResults' });

export const MediaParams = z.object({ id: z.uuid() }).strict();
