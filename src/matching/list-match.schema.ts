import { z } from 'zod';

/** A hash-set (bank) match in API replies; mirrors ListMatch in triage.types.ts. */
export const HashSetMatchSchema = z
  .object({
    list: z.string(),
    purpose: z.enum(['known', 'known_good']),
    match: z.enum(['exact', 'near']),
    signal: z.string(),
    distance: z.number().int(),
    transform: z.string().nullable(),
    scheme: z.string(),
    category: z.string().nullable(),
    classification: z.string(),
    baseline: z.boolean(),
    trust: z.string(),
  })
  .meta({
    id: 'HashSetMatch',
    description:
      'A match against an imported hash set: the set and its category of the entry. known_good marks an ignorable file.',
  });
