import { auditService } from '#haven/audit/audit.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import { matchesFor } from '#haven/matching/match-visibility.js';
import { mediaService } from '#haven/media/media.service.js';
import type { Database } from '#haven/platform/db/database.js';
import type { MediaMatchesService } from '#haven/media-matches/media-matches.service.js';
import { MediumMatchesBody, MediumParams } from '#haven/media-matches/media-matches.schema.js';

export interface MediaMatchesRouteDeps {
  readonly db: Database;
  readonly matches: MediaMatchesService;
}

/** A held medium's matches among held media, under the same sharing rule as triage and lookups. */
export function mediaMatchesRoutes(deps: MediaMatchesRouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/media/:id/matches',
      operationId: 'listMediumMatches',
      summary:
        'Held media matching this one: exact, near (PDQ), video frames both ways and shared sound, with time codes',
      tag: 'media',
      access: { permission: 'media.read' },
      params: MediumParams,
      responses: { 200: { description: 'The matches', schema: MediumMatchesBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        const medium = await mediaService.visibleDetail(db, actor, params.id);
        const found = await deps.matches.matchesOf(db, medium);
        const shown = await matchesFor(
          db,
          actor,
          found.map((f) => f.match),
        );
        await db.transaction((tx) =>
          auditService.record(tx, {
            actor,
            action: 'media.read',
            outcome: 'ok',
            objectType: 'media',
            objectId: medium.id,
            details: { view: 'matches', matches: found.length },
            requestId,
            clientIp,
          }),
        );
        return {
          body: {
            mediaId: medium.id,
            kind: medium.kind,
            matches: shown.map((match, index) => ({ ...match, here: found[index]!.here })),
          },
        };
      },
    }),
  ];
}
