import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import {
  heldVicsExportService,
  type HeldVicsExport,
} from '#haven/sharing/held-export/held-vics-export.service.js';
import { VICS_VARIANTS } from '#haven/sharing/vics/vics-context.js';

const IdParams = z.object({ id: z.uuid() }).strict();
const VicsExportQuery = z
  .object({
    variant: z
      .enum(VICS_VARIANTS)
      .default('US')
      .describe('VICS 2.0 variant: US and Default/CUSTOM write VICS 0-5 categories, UK writes A/B/C/NP'),
  })
  .strict();

const VICS_RESPONSES = {
  200: {
    description:
      'A VICS 2.0 #Cases document (streamed): hashes, categories, file names and paths, EXIF, series',
    contentType: 'application/json',
  },
  ...ERROR_RESPONSES,
};

function send(reply: FastifyReply, made: HeldVicsExport): { sent: true } {
  void reply
    .code(200)
    .header('content-type', 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${made.fileName}"`)
    .header('cache-control', 'no-store, private')
    .header('x-haven-media-count', String(made.media))
    .send(Readable.from(made.pieces));
  return { sent: true };
}

/** VICS exports of held material: within sharing, like reading it; every export audited. */
export function heldVicsRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/cases/:id/vics',
      operationId: 'exportCaseVics',
      summary: 'Export a case as VICS 2.0 (the media you may see; audited)',
      tag: 'cases',
      access: { permission: 'media.read' },
      params: IdParams,
      query: VicsExportQuery,
      responses: VICS_RESPONSES,
      async handler(context) {
        const { actor, params, query, requestId, clientIp } = context;
        const made = await heldVicsExportService.exportCase(db, actor, params.id, query.variant, {
          requestId,
          clientIp,
        });
        return send(context.reply, made);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/series/:id/vics',
      operationId: 'exportSeriesVics',
      summary: 'Export a series as VICS 2.0 (its media you may see, with their series numbers; audited)',
      tag: 'series',
      access: { permission: 'media.read' },
      params: IdParams,
      query: VicsExportQuery,
      responses: VICS_RESPONSES,
      async handler(context) {
        const { actor, params, query, requestId, clientIp } = context;
        const made = await heldVicsExportService.exportSeries(db, actor, params.id, query.variant, {
          requestId,
          clientIp,
        });
        return send(context.reply, made);
      },
    }),
  ];
}
