import { z } from 'zod';

export const MediaIdParams = z.object({ id: z.uuid() }).strict();

export const MediaTextBody = z
  .object({
    mediaId: z.uuid(),
    state: z.enum(['read', 'pending']).meta({ description: 'pending: the image has not been read yet' }),
    text: z.string(),
    confidence: z.number().meta({ description: 'Mean word confidence, 0-100' }),
    words: z.number().int(),
    script: z
      .string()
      .meta({ description: 'Dominant writing system: latin, cyrillic, arabic, han, ... or none' }),
    scripts: z.array(z.object({ script: z.string(), share: z.number() })),
    language: z.string().nullable().meta({ description: 'ISO 639-2 guess from common words, or null' }),
    languages: z.array(z.object({ language: z.string(), score: z.number() })),
    countries: z
      .array(z.string())
      .meta({ description: 'Where that language is mainly written: a clue to the country of production' }),
    error: z.string().nullable(),
    readAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'MediaText' });

export const TextSearchQuery = z
  .object({
    q: z
      .string()
      .min(1)
      .max(500)
      .meta({ description: 'Words to find (web search syntax: "phrase", -not, or)' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const TextSearchResponse = z
  .object({
    hits: z.array(
      z.discriminatedUnion('restricted', [
        z.object({
          restricted: z.literal(false),
          mediaId: z.uuid(),
          sha256: z.string(),
          rank: z.number(),
          snippet: z.string().meta({ description: 'The passage, hits marked «like this»' }),
          script: z.string().meta({ description: 'Dominant writing system of the text read' }),
          language: z.string().nullable().meta({ description: 'ISO 639-2 guess, or null' }),
          countries: z
            .array(z.string())
            .meta({ description: 'Where that language is mainly written: a clue, never a conclusion' }),
        }),
        z.object({
          restricted: z.literal(true),
          rank: z.number(),
          ask: z.array(z.object({ name: z.string(), country: z.string(), contact: z.string().nullable() })),
        }),
      ]),
    ),
  })
  .meta({ id: 'TextSearchResponse' });

export const SeriesTextCluesBody = z
  .object({
    media: z.number().int(),
    withText: z.number().int(),
    scripts: z.array(z.object({ script: z.string(), media: z.number().int() })),
    languages: z.array(
      z.object({ language: z.string(), media: z.number().int(), countries: z.array(z.string()) }),
    ),
  })
  .meta({ id: 'SeriesTextClues' });

export const TextScanRequested = z.object({ requested: z.boolean() }).meta({ id: 'TextScanRequested' });
