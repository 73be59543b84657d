import { z } from 'zod';
import { auditService } from '#haven/audit/audit.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import { MatchSchema } from '#haven/ingest/ingest.schema.js';
import { matchesFor, type ShownMatch } from '#haven/matching/match-visibility.js';
import type { TriageService } from '#haven/matching/triage.service.js';
import type { ListMatch, Probe } from '#haven/matching/triage.types.js';
import { HashSetMatchSchema } from '#haven/matching/list-match.schema.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError, isHavenError } from '#haven/platform/errors/haven-error.js';
import { SIGNALS, signalNamed } from '#haven/signals/registry.js';

const MAX_HASHES = 1000;

const LookupRequest = z
  .object({
    hashes: z
      .array(
        z
          .object({
            signal: z.enum(SIGNALS.map((signal) => signal.name) as [string, ...string[]]),
            value: z.string().max(256),
            /** PDQ quality of the hashed image when known; hashes below the minimum quality are not matched. */
            quality: z.number().int().min(0).max(100).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_HASHES),
  })
  .strict()
  .meta({ id: 'LookupRequest' });

const LookupResponse = z
  .object({
    results: z.array(
      z.object({
        signal: z.string(),
        value: z.string(),
        status: z.enum(['new', 'exact', 'near']),
        matches: z.array(MatchSchema),
        hashSets: z.array(HashSetMatchSchema),
      }),
    ),
  })
  .meta({ id: 'LookupResponse' });

/** Triage by hash, without sending any media: what is held, how close, and (within sharing) which. */
export function lookupRoutes(deps: { db: Database; triage: TriageService }): RouteSpec[] {
  const { db, triage } = deps;
  return [
    defineRoute({
      method: 'POST',
      path: '/lookup',
      operationId: 'lookupHashes',
      summary: `Look up to ${MAX_HASHES} hashes (md5, sha1, sha256, pdq) against everything held`,
      tag: 'matching',
      access: { permission: 'lookup.hash' },
      body: LookupRequest,
      responses: {
        200: { description: 'One result per hash, in order', schema: LookupResponse },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, body, requestId, clientIp }) {
        const probes = body.hashes.map((hash, index): Probe => {
          const signal = signalNamed(hash.signal);
          let value: Uint8Array;
          try {
            value = signal.fromText(hash.value);
          } catch (error) {
            throw isHavenError(error)
              ? havenError('VALIDATION_FAILED', { issues: `hashes.${index}.value: ${error.message}` })
              : error;
          }
          return signal.matchKind === 'exact'
            ? { exact: [{ signal: signal.name, value }], perceptual: [] }
            : {
                exact: [],
                perceptual: [
                  {
                    signal: signal.name,
                    quality: hash.quality ?? 100,
                    variants: [{ name: 'original', bytes: value }],
                  },
                ],
              };
        });
        const results: {
          signal: string;
          value: string;
          status: string;
          matches: ShownMatch[];
          hashSets: readonly ListMatch[];
        }[] = [];
        for (const [index, probe] of probes.entries()) {
          const result = await triage.triage(db, probe);
          const hash = body.hashes[index]!;
          results.push({
            signal: hash.signal,
            value: hash.value,
            status: result.status,
            matches: await matchesFor(db, actor, result.matches),
            hashSets: result.lists ?? [],
          });
        }
        await db.transaction((tx) =>
          auditService.record(tx, {
            actor,
            action: 'lookup.hash',
            outcome: 'ok',
            details: {
              hashes: body.hashes.length,
              matched: results.filter((result) => result.status !== 'new').length,
            },
            requestId,
            clientIp,
          }),
        );
        return { body: { results } };
      },
    }),
  ];
}
