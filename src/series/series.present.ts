import type { z } from 'zod';
import type { Actor } from '#haven/access/actor.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import type { SeriesBody, SeriesEventBody, SeriesMediumBody } from '#haven/series/series.schema.js';
import { seriesService, type SeriesMedium } from '#haven/series/series.service.js';
import type { SeriesEvent, SeriesRecord } from '#haven/series/series.types.js';

export async function presentSeries(
  db: Queryable,
  actor: Actor,
  records: readonly SeriesRecord[],
): Promise<z.output<typeof SeriesBody>[]> {
  const counts = await seriesService.mediaCounts(
    db,
    records.map((record) => record.id),
  );
  return Promise.all(
    records.map(async (record) => ({
      id: record.id,
      number: record.number,
      title: record.title,
      agencyId: record.agencyId,
      own: record.agencyId === actor.agencyId,
      sharing: record.sharing,
      sharedWith: await seriesService.sharedWith(db, record.id),
      status: record.status,
      offenderIdentified: record.offenderIdentified,
      notes: record.notes,
      probableCountry:
        record.probableCountry === null
          ? null
          : {
              country: record.probableCountry,
              confidence: record.countryConfidence,
              evidence: record.countryEvidence,
            },
      victimIdentified:
        record.victimIdentifiedAt === null
          ? null
          : { at: record.victimIdentifiedAt.toISOString(), agencyId: record.victimIdentifiedBy },
      mergedInto: record.mergedInto,
      mediaCount: counts.get(record.id) ?? 0,
      createdAt: record.createdAt.toISOString(),
      createdBy: record.createdBy,
      updatedAt: record.updatedAt.toISOString(),
    })),
  );
}

export async function presentOne(
  db: Queryable,
  actor: Actor,
  record: SeriesRecord,
): Promise<z.output<typeof SeriesBody>> {
  return (await presentSeries(db, actor, [record]))[0]!;
}

export const presentMedium = (medium: SeriesMedium): z.output<typeof SeriesMediumBody> => ({
  mediaId: medium.id,
  sha256: hex(medium.sha256),
  kind: medium.kind,
  mime: medium.mime,
  size: medium.size,
  width: medium.width,
  height: medium.height,
  addedAt: medium.addedAt.toISOString(),
  addedBy: medium.addedBy,
  viewable: medium.viewable,
});

/** History details that name the owning agency's internal records (its ingests): for it alone. */
const OWNER_ONLY_DETAILS: readonly string[] = ['ingestId'];

/**
 * A history event as the caller may see it: agencies the series is shared with see what happened,
 * not the owner's internal identifiers.
 */
export const presentEvent = (
  event: SeriesEvent,
  viewer: { readonly owner: boolean },
): z.output<typeof SeriesEventBody> => ({
  kind: event.kind,
  agencyId: event.agencyId,
  actor: event.actorName,
  details: viewer.owner
    ? event.details
    : Object.fromEntries(Object.entries(event.details).filter(([key]) => !OWNER_ONLY_DETAILS.includes(key))),
  at: event.at.toISOString(),
});
