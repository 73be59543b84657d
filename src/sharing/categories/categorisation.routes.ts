import { z } from 'zod';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import { CATEGORY_SCHEMES, CLASSES } from '#haven/sharing/categories/crosswalk.js';
import type {
  CategorisationService,
  CategoryView,
} from '#haven/sharing/categories/categorisation.service.js';

const MediaIdParams = z.object({ id: z.uuid() }).strict();

const CategoriseBody = z
  .object({
    scheme: z.enum(CATEGORY_SCHEMES),
    code: z.string().min(1).max(4).describe('vics_us: 0-5; uk: A, B, C, NP; industry: A1, A2, B1, B2'),
    baseline: z
      .boolean()
      .default(false)
      .describe('INTERPOL Baseline (only with child sexual abuse material)'),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .meta({ id: 'CategoriseRequest' });

const CategoryViewBody = z
  .object({
    history: z.array(
      z.object({
        scheme: z.string(),
        code: z.string(),
        baseline: z.boolean(),
        note: z.string().nullable(),
        decidedBy: z.string(),
        decidedAt: z.string(),
      }),
    ),
    verdict: z.object({
      classes: z.array(z.enum(CLASSES)),
      baseline: z.boolean(),
      conflict: z.boolean().describe('sources disagree: shown, never resolved'),
      claims: z.array(
        z.object({
          source: z.string(),
          scheme: z.string(),
          code: z.string().nullable(),
          baseline: z.boolean(),
          class: z.enum(CLASSES),
        }),
      ),
    }),
  })
  .meta({ id: 'CategoryView' });

const shown = (view: CategoryView): z.input<typeof CategoryViewBody> => ({
  history: view.history.map((d) => ({
    scheme: d.scheme,
    code: d.code,
    baseline: d.baseline,
    note: d.note,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt.toISOString(),
  })),
  verdict: {
    classes: [...view.verdict.classes],
    baseline: view.verdict.baseline,
    conflict: view.verdict.conflict,
    claims: view.verdict.claims.map((c) => ({ ...c })),
  },
});

/** Categorising held media, with history and the hash sets' views side by side. */
export function categorisationRoutes(deps: { db: Database; categories: CategorisationService }): RouteSpec[] {
  const { db, categories } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/media/:id/categories',
      operationId: 'getMediaCategories',
      summary: "A medium's categorisation history and every source's category, conflicts shown",
      tag: 'media',
      access: { permission: 'media.read' },
      params: MediaIdParams,
      responses: {
        200: { description: 'History and verdict', schema: CategoryViewBody },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params }) {
        return { body: shown(await categories.view(db, actor, params.id)) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/media/:id/categories',
      operationId: 'categoriseMedia',
      summary: 'Categorise a medium (kept in its history; audited)',
      tag: 'media',
      access: { permission: 'media.categorise' },
      params: MediaIdParams,
      body: CategoriseBody,
      responses: { 201: { description: 'Recorded', schema: CategoryViewBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        const view = await categories.categorise(actor, params.id, body, { requestId, clientIp });
        return { status: 201, body: shown(view) };
      },
    }),
  ];
}
