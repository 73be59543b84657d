import { agencyService } from '#haven/accounts/agency.service.js';
import { notificationService } from '#haven/leads/notification.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { seriesService } from '#haven/series/series.service.js';

/**
 * Tells the owners of series that another agency's upload matched their media: once per series
 * and ingest (an ingest resumed after a crash records the same matches again without a second
 * notification).
 */
export const matchNotifier = {
  async onMatches(
    tx: Queryable,
    upload: { agencyId: string | null; ingestId: string; matchedMediaIds: readonly string[] },
  ): Promise<void> {
    if (upload.agencyId === null || upload.matchedMediaIds.length === 0) {
      return;
    }
    const touched = (await seriesService.ofMedia(tx, upload.matchedMediaIds)).filter(
      (row) => row.series.agencyId !== upload.agencyId,
    );
    if (touched.length === 0) {
      return;
    }
    const uploader = await agencyService.get(tx, upload.agencyId);
    for (const row of touched) {
      const { series } = row;
      await notificationService.notify(tx, {
        agencyIds: [series.agencyId],
        kind: 'series_matched',
        seriesId: series.id,
        message: `Series ${series.number} was matched by an upload of ${uploader?.name ?? 'another agency'}`,
        details: {
          agency: uploader?.name ?? null,
          country: uploader?.country ?? null,
          contact: uploader?.contact ?? null,
          mediaId: row.mediaId,
        },
        dedupeKey: `match:${upload.ingestId}:${series.id}`,
      });
    }
  },
};
