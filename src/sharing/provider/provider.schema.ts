import { z } from 'zod';
import { CLASSES } from '#haven/sharing/categories/crosswalk.js';

export const MAX_PROVIDER_HASHES = 10_000;
const LENGTHS = { md5: 32, sha1: 40, pdq: 64 } as const;

const ProviderHashSchema = z
  .object({
    type: z
      .enum(['md5', 'sha1', 'pdq'])
      .describe('md5 and sha1 match exactly; pdq matches within the configured distance'),
    value: z
      .string()
      .regex(/^[0-9a-fA-F]+$/, 'hexadecimal')
      .max(64),
  })
  .strict()
  .refine((hash) => hash.value.length === LENGTHS[hash.type], {
    message: 'md5 takes 32 hexadecimal digits, sha1 40, pdq 64',
    path: ['value'],
  });

export const ProviderMatchRequest = z
  .object({ hashes: z.array(ProviderHashSchema).min(1).max(MAX_PROVIDER_HASHES) })
  .strict()
  .meta({
    id: 'ProviderMatchRequest',
    example: { hashes: [{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }] },
  });

const Classification = z.enum(CLASSES);

export const ProviderMatchResponse = z
  .object({
    results: z.array(
      z.union([
        z.object({ result: z.literal('no-known-match') }),
        z.object({
          result: z.literal('match'),
          match: z.enum(['exact', 'near']),
          distance: z.number().int(),
          classification: Classification,
          baseline: z.boolean(),
        }),
      ]),
    ),
  })
  .meta({
    id: 'ProviderMatchResponse',
    description: 'One result per hash, in request order: nothing else (no series, agency or identifier).',
  });

export const ProviderHashesQuery = z
  .object({
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('changes (additions, changes, deletions) after this time'),
    cursor: z.string().max(500).optional().describe('the `next` of the previous page'),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

export const ProviderHashesResponse = z
  .object({
    hashes: z.array(
      z.object({
        md5: z.string().nullable(),
        sha1: z.string().nullable(),
        pdq: z.string().nullable(),
        classification: Classification.optional(),
        baseline: z.boolean().optional(),
        deleted: z.boolean(),
      }),
    ),
    next: z.string().nullable().describe('cursor of the next page; null on the last page'),
  })
  .meta({ id: 'ProviderHashesResponse' });

export const ProviderFeedbackRequest = z
  .object({
    items: z
      .array(
        z
          .object({
            type: z.enum(['md5', 'sha1', 'pdq']),
            value: z
              .string()
              .regex(/^[0-9a-fA-F]+$/, 'hexadecimal')
              .max(64),
            verdict: z.enum(['confirmed', 'false_positive']),
            note: z.string().max(1000).optional(),
          })
          .strict()
          .refine((item) => item.value.length === LENGTHS[item.type], {
            message: 'md5 takes 32 hexadecimal digits, sha1 40, pdq 64',
            path: ['value'],
          }),
      )
      .min(1)
      .max(1000),
  })
  .strict()
  .meta({ id: 'ProviderFeedbackRequest' });
