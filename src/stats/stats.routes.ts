import { z } from 'zod';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import { statsService } from '#haven/stats/stats.service.js';

const Count = z.number().int();

const StatsBody = z
  .object({
    generatedAt: z.iso.datetime(),
    totals: z.object({
      media: z
        .object({ images: Count, videos: Count, other: Count, total: Count })
        .meta({ description: 'Unique media held (one per content, however often seen)' }),
      series: z.object({ total: Count, victimIdentified: Count }),
      victims: z.object({ total: Count, identified: Count }),
      offenders: z.object({ total: Count, identified: Count }),
      agencies: Count.meta({ description: 'Member agencies connected' }),
      countries: Count.meta({ description: 'Countries with at least one member agency' }),
    }),
    perAgency: z.array(
      z.object({
        agencyId: z.uuid(),
        name: z.string(),
        country: z.string(),
        media: Count,
        images: Count,
        videos: Count,
        series: Count,
        victimsIdentified: Count,
        offendersIdentified: Count,
      }),
    ),
    perMonth: z.array(z.object({ month: z.string(), media: Count, series: Count, victimsIdentified: Count })),
  })
  .meta({ id: 'Statistics' });

const StatsQuery = z
  .object({
    months: z.coerce
      .number()
      .int()
      .min(1)
      .max(120)
      .default(12)
      .meta({ description: 'How many calendar months back perMonth reaches (this one included)' }),
  })
  .strict();

export function statsRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/stats',
      operationId: 'getStatistics',
      summary:
        'Counts across the network: unique media, series, victims and offenders identified, agencies and countries; per agency and per month',
      tag: 'stats',
      access: { permission: 'stats.read' },
      query: StatsQuery,
      responses: { 200: { description: 'The statistics', schema: StatsBody }, ...ERROR_RESPONSES },
      async handler({ query }) {
        const { totals, perAgency, perMonth } = await statsService.figures(db, query.months);
        return {
          body: {
            generatedAt: new Date().toISOString(),
            totals: {
              media: {
                images: totals.images,
                videos: totals.videos,
                other: totals.otherMedia,
                total: totals.images + totals.videos + totals.otherMedia,
              },
              series: { total: totals.series, victimIdentified: totals.seriesVictimIdentified },
              victims: { total: totals.victims, identified: totals.victimsIdentified },
              offenders: { total: totals.offenders, identified: totals.offendersIdentified },
              agencies: totals.agencies,
              countries: totals.countries,
            },
            perAgency,
            perMonth,
          },
        };
      },
    }),
  ];
}
