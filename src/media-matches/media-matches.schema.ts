import { z } from 'zod';
import { MatchSchema } from '#haven/ingest/ingest.schema.js';

export const MediumParams = z.object({ id: z.uuid() }).strict();

export const MediumMatchesBody = z
  .object({
    mediaId: z.uuid(),
    kind: z.string(),
    matches: z.array(
      z
        .intersection(
          MatchSchema,
          z.object({
            here: z.array(z.number()).meta({
              description:
                'time codes (s) in this video where the match shows (shown whatever the sharing level: they are in your own medium); empty for an image',
            }),
          }),
        )
        .meta({ id: 'MediumMatch' }),
    ),
  })
  .meta({
    id: 'MediumMatches',
    description:
      'Held media identical or near to this one (exact hashes, PDQ, video frames, shared sound). Outside your sharing level only that a match exists and who holds it.',
  });
