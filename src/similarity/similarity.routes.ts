import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { clueService } from '#haven/clues/clue.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import { mediaService } from '#haven/media/media.service.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { z } from 'zod';
import {
  ClueSearchRequest,
  HeldSearchRequest,
  MediaParams,
  SimilarityResults,
  UploadSearchQuery,
} from './similarity.schema.js';
import type { SimilarityService } from './similarity.service.js';
import type { SimilarityOutcome } from './similarity.types.js';
import { similarityFor } from './similarity-visibility.js';

export interface SimilarityRouteDeps {
  readonly db: Database;
  readonly similarity: SimilarityService;
  readonly uploadFileLimit: number;
}

interface AuditWhere {
  readonly requestId: string;
  readonly clientIp: string;
}

export function similarityRoutes(deps: SimilarityRouteDeps): RouteSpec[] {
  const { db, similarity } = deps;

  async function reply(
    actor: Actor,
    outcome: SimilarityOutcome,
    audit: AuditWhere & {
      objectType: string;
      objectId: string | undefined;
      details: Record<string, unknown>;
    },
  ): Promise<{ body: z.output<typeof SimilarityResults> }> {
    const results = await similarityFor(db, actor, outcome.hits);
    await db.transaction((tx) =>
      auditService.record(tx, {
        actor,
        action: 'similarity.search',
        outcome: 'ok',
        objectType: audit.objectType,
        objectId: audit.objectId,
        details: {
          ...audit.details,
          results: results.length,
          restricted: results.filter((r) => r.restricted).length,
        },
        requestId: audit.requestId,
        clientIp: audit.clientIp,
      }),
    );
    return {
      body: {
        probe: outcome.probe,
        results: results.map((result) =>
          result.restricted
            ? { ...result, holders: [...result.holders], series: [...result.series] }
            : {
                ...result,
                pairs: result.pairs.map((pair) => ({
                  query: [pair.query[0], pair.query[1]] as [number, number],
                  candidate: [pair.candidate[0], pair.candidate[1]] as [number, number],
                })),
                series: [...result.series],
              },
        ),
      },
    };
  }

  return [
    defineRoute({
      method: 'POST',
      path: '/media/:id/similar',
      operationId: 'similarToMedia',
      summary:
        'Find held images of the same place (or, with a region, the same object) as a medium you may see',
      tag: 'similarity',
      access: { permission: 'media.read' },
      params: MediaParams,
      body: HeldSearchRequest,
      responses: {
        200: { description: 'Verified matches, best first', schema: SimilarityResults },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        await mediaService.visibleDetail(db, actor, params.id);
        const outcome = await similarity.searchHeld(db, params.id, {
          region: body.region ?? null,
          limit: body.limit,
          unconfirmed: body.unconfirmed,
        });
        return reply(actor, outcome, {
          requestId,
          clientIp,
          objectType: 'media',
          objectId: params.id,
          details: { region: body.region ?? null },
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/clues/:id/similar',
      operationId: 'similarToClue',
      summary: "Find held images showing the object inside a clue's rectangle",
      tag: 'clues',
      access: { permission: 'series.read' },
      params: MediaParams,
      body: ClueSearchRequest,
      responses: {
        200: { description: 'Verified matches, best first', schema: SimilarityResults },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const clue = await clueService.visible(db, actor, params.id);
        const outcome = await similarity.searchHeld(db, clue.mediaId, {
          region: clue.rect,
          limit: body.limit,
          unconfirmed: body.unconfirmed,
        });
        return reply(actor, outcome, {
          requestId,
          clientIp,
          objectType: 'series',
          objectId: clue.seriesId,
          details: { clue: clue.id, media: clue.mediaId },
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/similar',
      operationId: 'similarToUpload',
      summary: 'Find held images of the same place or object as an uploaded image (nothing is stored)',
      tag: 'similarity',
      access: { permission: 'lookup.hash' },
      query: UploadSearchQuery,
      multipart: { description: 'One file part: the image to search with' },
      responses: {
        200: { description: 'Verified matches, best first', schema: SimilarityResults },
        413: { description: 'Too large', schema: ERROR_RESPONSES[400].schema },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, query, request, requestId, clientIp }) {
        if (!request.isMultipart()) {
          throw havenError('UNSUPPORTED_MEDIA_TYPE', {
            contentType: request.headers['content-type'] ?? 'none',
          });
        }
        const part = await request.file({ limits: { fileSize: deps.uploadFileLimit, files: 1 } });
        if (!part) {
          throw havenError('VALIDATION_FAILED', { issues: 'file: one image file part is required' });
        }
        const bytes = await part.toBuffer();
        if (part.file.truncated) {
          throw havenError('PAYLOAD_TOO_LARGE', { limit: deps.uploadFileLimit });
        }
        const region = query.region
          ? (([x, y, width, height]) => ({ x: x!, y: y!, width: width!, height: height! }))(
              query.region.split(',').map(Number),
            )
          : null;
        const outcome = await similarity.searchBytes(bytes, {
          region,
          limit: query.limit,
          unconfirmed: query.unconfirmed,
        });
        return reply(actor, outcome, {
          requestId,
          clientIp,
          objectType: 'upload',
          objectId: undefined,
          details: { bytes: bytes.length, region },
        });
      },
    }),
  ];
}
