import { z } from 'zod';
import { CLUE_KINDS, type ClueRecord } from '#haven/clues/clue.types.js';
import { clueService } from '#haven/clues/clue.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import { Text } from '#haven/series/series.schema.js';

const Pixels = z.number().int().min(0).max(1_000_000);

export const ClueBody = z
  .object({
    id: z.uuid(),
    seriesId: z.uuid(),
    mediaId: z.uuid(),
    agencyId: z.uuid(),
    kind: z.enum(CLUE_KINDS),
    rect: z.object({
      x: z.number().int(),
      y: z.number().int(),
      width: z.number().int(),
      height: z.number().int(),
    }),
    note: z.string(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Clue' });

const ClueList = z.object({ clues: z.array(ClueBody) }).meta({ id: 'ClueList' });

const CreateClueRequest = z
  .object({
    mediaId: z.uuid(),
    kind: z.enum(CLUE_KINDS),
    rect: z
      .object({ x: Pixels, y: Pixels, width: Pixels.min(1), height: Pixels.min(1) })
      .strict()
      .meta({ description: 'In pixels of the original image, from its top-left corner' }),
    note: Text(5000).default(''),
  })
  .strict()
  .meta({ id: 'CreateClueRequest' });

const SeriesParams = z.object({ id: z.uuid() }).strict();
const ClueParams = z.object({ id: z.uuid(), clueId: z.uuid() }).strict();

export const presentClue = (clue: ClueRecord): z.output<typeof ClueBody> => ({
  id: clue.id,
  seriesId: clue.seriesId,
  mediaId: clue.mediaId,
  agencyId: clue.agencyId,
  kind: clue.kind,
  rect: clue.rect,
  note: clue.note,
  createdBy: clue.createdBy,
  createdAt: clue.createdAt.toISOString(),
});

export function clueRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/series/:id/clues',
      operationId: 'listClues',
      summary: 'Visual clues drawn on the images of a series',
      tag: 'clues',
      access: { permission: 'series.read' },
      params: SeriesParams,
      responses: { 200: { description: 'The clues', schema: ClueList }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        return { body: { clues: (await clueService.list(db, actor, params.id)).map(presentClue) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/:id/clues',
      operationId: 'createClue',
      summary: 'Draw a clue (rectangle within the image, kind, note) on an image of a series you may see',
      tag: 'clues',
      access: { permission: 'series.contribute' },
      params: SeriesParams,
      body: CreateClueRequest,
      responses: {
        201: { description: 'Created', schema: ClueBody },
        409: { description: 'The series was merged away', schema: ERROR_RESPONSES[400].schema },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          clueService.create(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { status: 201, body: presentClue(created) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/series/:id/clues/:clueId',
      operationId: 'deleteClue',
      summary: "Remove a clue (its own agency or the series' owner)",
      tag: 'clues',
      access: { permission: 'series.contribute' },
      params: ClueParams,
      responses: { 204: { description: 'Removed' }, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        await db.transaction((tx) =>
          clueService.remove(tx, actor, params.id, params.clueId, { requestId, clientIp }),
        );
        return { status: 204, body: undefined };
      },
    }),
  ];
}
