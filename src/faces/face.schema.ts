import { z } from 'zod';
import type { FaceBox } from '#haven/faces/face.types.js';

const Box = z
  .object({ x: z.number().int(), y: z.number().int(), width: z.number().int(), height: z.number().int() })
  .meta({ id: 'FaceBox', description: 'In pixels of the original image, from its top-left corner' });

export const presentBox = (box: FaceBox): z.output<typeof Box> => ({
  x: box.x,
  y: box.y,
  width: box.width,
  height: box.height,
});

const Ask = z.array(z.object({ name: z.string(), country: z.string(), contact: z.string().nullable() }));

export const FaceSettingsBody = z
  .object({
    enabled: z.boolean(),
    updatedBy: z.string().nullable(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'FaceSettings' });

export const FaceSettingsRequest = z
  .object({ enabled: z.boolean() })
  .strict()
  .meta({ id: 'FaceSettingsRequest' });

export const ScanRequested = z.object({ requested: z.boolean() }).meta({ id: 'ScanRequested' });

export const FaceSearchQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(100).default(20) })
  .strict();

export const FaceSearchResponse = z
  .object({
    threshold: z
      .number()
      .meta({ description: 'Cosine similarity from which a face counts as the same person' }),
    faces: z.array(z.object({ box: Box, score: z.number(), quality: z.number() })),
    matches: z.array(
      z.discriminatedUnion('restricted', [
        z.object({
          restricted: z.literal(false),
          mediaId: z.uuid(),
          sha256: z.string(),
          faceId: z.number().int(),
          score: z.number(),
          box: Box,
          queryFace: z.number().int(),
        }),
        z.object({
          restricted: z.literal(true),
          score: z.number(),
          queryFace: z.number().int(),
          ask: Ask.meta({ description: 'Agencies holding the medium: ask them' }),
        }),
      ]),
    ),
  })
  .meta({ id: 'FaceSearchResponse' });

export const SeriesIdParams = z.object({ id: z.uuid() }).strict();
/**
 * Face and suggestion numbers. Anything else is read as a number that does not exist (NOT_FOUND),
 * so a malformed id answers exactly like a foreign one.
 */
export const FaceIdParams = z
  .object({
    id: z
      .string()
      .max(64)
      .transform((text) => (/^[1-9]\d{0,9}$/.test(text) && Number(text) <= 2_147_483_647 ? Number(text) : 0)),
  })
  .strict();
export const SuggestionIdParams = FaceIdParams;

export const FaceCropQuery = z
  .object({
    variant: z
      .enum(['blurred', 'clear'])
      .default('blurred')
      .meta({ description: 'blurred greyscale (default) or clear (needs media.preview.clear; audited)' }),
  })
  .strict();

export const SeriesFacesBody = z
  .object({
    threshold: z.number(),
    people: z.number().int().meta({ description: 'How many different people the faces group into' }),
    faces: z.array(
      z.object({
        faceId: z.number().int(),
        mediaId: z.uuid(),
        box: Box,
        score: z.number(),
        quality: z.number(),
        person: z.number().int().meta({ description: 'Faces with the same number look like one person' }),
      }),
    ),
  })
  .meta({ id: 'SeriesFaces' });

export const SuggestionBody = z
  .object({
    id: z.number().int(),
    score: z.number(),
    state: z.enum(['open', 'accepted', 'rejected']),
    decidedBy: z.string().nullable(),
    decidedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    seriesId: z.uuid(),
    face: z.object({ faceId: z.number().int(), mediaId: z.uuid() }),
    other: z.discriminatedUnion('restricted', [
      z.object({
        restricted: z.literal(false),
        seriesId: z.uuid(),
        faceId: z.number().int(),
        mediaId: z.uuid(),
      }),
      z.object({ restricted: z.literal(true), ask: Ask }),
    ]),
  })
  .meta({ id: 'FaceSuggestion' });

export const SuggestionList = z
  .object({
    suggestions: z.array(SuggestionBody),
    threshold: z
      .number()
      .meta({ description: 'Cosine similarity from which faces are suggested as one person' }),
  })
  .meta({ id: 'FaceSuggestionList' });

export const SuggestionDecisionRequest = z
  .object({ decision: z.enum(['accept', 'reject']) })
  .strict()
  .meta({ id: 'FaceSuggestionDecision' });

export const AllSuggestionsQuery = z
  .object({
    state: z
      .enum(['open', 'accepted', 'rejected'])
      .optional()
      .meta({ description: 'Only suggestions in this state (default: all, open ones first)' }),
  })
  .strict();
