import { HashSetMatchSchema } from '#haven/matching/list-match.schema.js';
import { z } from 'zod';
import { SeriesFactSchema } from '#haven/series/series.schema.js';

export const IngestBody = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    caseReference: z.string(),
    origin: z.enum(['paths', 'upload']),
    state: z.enum(['uploading', 'enumerating', 'processing', 'done', 'failed']),
    operator: z.string(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    progress: z.object({
      files: z.number().int(),
      pending: z.number().int(),
      new: z.number().int(),
      exact: z.number().int(),
      near: z.number().int(),
      error: z.number().int(),
      newImages: z.number().int(),
      newVideos: z.number().int(),
      distinctMedia: z.number().int(),
    }),
  })
  .meta({ id: 'Ingest' });

export const IngestList = z.object({ ingests: z.array(IngestBody) }).meta({ id: 'IngestList' });

export const CreateIngestRequest = z
  .object({ caseId: z.uuid() })
  .strict()
  .meta({ id: 'CreateIngestRequest' });

export const UploadResult = z
  .object({
    files: z.array(z.object({ name: z.string(), sha256: z.string(), size: z.number().int() })),
  })
  .meta({ id: 'UploadResult' });

const ShownMatch = z
  .union([
    z.object({
      restricted: z.literal(false),
      mediaId: z.uuid(),
      sha256: z.string(),
      distance: z.number().int(),
      signal: z.string(),
      transform: z.string().nullable(),
      kind: z.string(),
      cases: z.array(z.string()),
      series: z.array(SeriesFactSchema).meta({ description: 'Series holding the medium' }),
      similarity: z.number().optional().meta({
        description: "video matches: share (0-1) of the probe's distinct frames found in the held medium",
      }),
      heldSimilarity: z.number().optional().meta({
        description: "video-to-video: share of the held video's distinct frames found in the probe",
      }),
      offsets: z.array(z.number()).optional().meta({
        description:
          'time codes (s) of matching frames: in the held video, or in the probe video for a held image',
      }),
      probeOffsets: z
        .array(z.number())
        .optional()
        .meta({ description: "video-to-video: the probe's time codes (s)" }),
      segmentSeconds: z.number().optional().meta({
        description: 'shared sound (chromaprint): length (s) of the shared stretch from its offsets',
      }),
    }),
    z.object({
      restricted: z.literal(true),
      distance: z.number().int(),
      signal: z.string(),
      transform: z.string().nullable(),
      kind: z.string(),
      similarity: z.number().optional(),
      holders: z.array(z.object({ agency: z.string(), country: z.string(), contact: z.string().nullable() })),
      series: z
        .array(SeriesFactSchema)
        .meta({ description: 'Series holding the medium (restricted unless shared)' }),
    }),
  ])
  .meta({
    id: 'Match',
    description:
      'A held medium that matches. Outside your sharing level only its existence and holders are shown.',
  });

export const MatchSchema = ShownMatch;

export const IngestResults = z
  .object({
    items: z.array(
      z.object({
        path: z.string(),
        sha256: z.string().nullable(),
        mediaId: z.uuid().nullable(),
        status: z.enum(['new', 'exact', 'near', 'error', 'pending']),
        kind: z.string().nullable(),
        mime: z.string().nullable(),
        error: z.string().nullable(),
        errorCode: z.string().nullable(),
        matches: z.array(ShownMatch),
        hashSets: z.array(HashSetMatchSchema),
      }),
    ),
    offset: z.number().int(),
    limit: z.number().int(),
  })
  .meta({ id: 'IngestResults' });

export const IngestIdParams = z.object({ id: z.uuid() }).strict();
export const ResultsQuery = z
  .object({
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    status: z.enum(['new', 'exact', 'near', 'error']).optional(),
  })
  .strict();
