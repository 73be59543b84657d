import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { countryOfPoint, type PointCountry } from '#haven/locations/country-of-point.js';
import { placeRepository, type PlaceRecord } from '#haven/locations/place.repository.js';
import { mediaService } from '#haven/media/media.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext, SeriesRecord } from '#haven/series/series.types.js';

export type { PlaceRecord };

export interface GpsPoint {
  readonly mediaId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly country: PointCountry;
}

export interface SeriesLocations {
  readonly series: SeriesRecord;
  readonly places: readonly PlaceRecord[];
  /** EXIF GPS positions of the series' media, each with its country. */
  readonly gps: readonly GpsPoint[];
}

export const locationService = {
  countryOfPoint,

  async ofSeries(db: Queryable, actor: Actor, seriesId: string): Promise<SeriesLocations> {
    const series = await seriesService.requireVisible(db, actor, seriesId);
    const [places, facts] = await Promise.all([
      placeRepository.ofSeries(db, seriesId),
      mediaService.facts(db, await seriesService.mediaIds(db, seriesId)),
    ]);
    const gps = facts
      .filter((fact) => fact.gps !== null)
      .map((fact) => ({
        mediaId: fact.id,
        latitude: fact.gps!.latitude,
        longitude: fact.gps!.longitude,
        country: countryOfPoint(fact.gps!.latitude, fact.gps!.longitude),
      }))
      .sort((a, b) => a.mediaId.localeCompare(b.mediaId));
    return { series, places, gps };
  },

  /** A known place (free text, optional coordinates) on a series you may see, optionally on one of its media. */
  async addPlace(
    tx: Queryable,
    actor: Actor,
    seriesId: string,
    request: {
      description: string;
      mediaId?: string | undefined;
      latitude?: number | undefined;
      longitude?: number | undefined;
    },
    audit: AuditContext,
  ): Promise<PlaceRecord> {
    const series = await seriesService.requireVisible(tx, actor, seriesId);
    if (series.mergedInto !== null) {
      throw havenError('CONFLICT', { reason: 'This series was merged into another one; add places there' });
    }
    if (actor.agencyId === null) {
      throw havenError('FORBIDDEN', { permission: 'series.contribute (no agency)' });
    }
    if ((request.latitude === undefined) !== (request.longitude === undefined)) {
      throw havenError('VALIDATION_FAILED', { issues: 'latitude, longitude: give both or neither' });
    }
    if (
      request.mediaId !== undefined &&
      !(await seriesService.mediaIds(tx, seriesId)).includes(request.mediaId)
    ) {
      throw havenError('VALIDATION_FAILED', { issues: `mediaId: ${request.mediaId} is not in this series` });
    }
    const id = randomUUID();
    const country =
      request.latitude === undefined || request.longitude === undefined
        ? null
        : countryOfPoint(request.latitude, request.longitude).code;
    await placeRepository.insert(tx, {
      id,
      seriesId,
      mediaId: request.mediaId ?? null,
      agencyId: actor.agencyId,
      description: request.description.trim(),
      latitude: request.latitude ?? null,
      longitude: request.longitude ?? null,
      country,
      createdBy: actor.name,
    });
    await auditService.record(tx, {
      actor,
      action: 'place.create',
      outcome: 'ok',
      objectType: 'series',
      objectId: seriesId,
      details: { place: id, media: request.mediaId ?? null, country },
      ...audit,
    });
    return (await placeRepository.get(tx, id))!;
  },

  /** The place's own agency or the series owner removes it. */
  async removePlace(
    tx: Queryable,
    actor: Actor,
    seriesId: string,
    placeId: string,
    audit: AuditContext,
  ): Promise<void> {
    const series = await seriesService.requireVisible(tx, actor, seriesId);
    const place = await placeRepository.get(tx, placeId);
    if (!place || place.seriesId !== seriesId) {
      throw havenError('NOT_FOUND');
    }
    if (actor.kind !== 'system' && place.agencyId !== actor.agencyId && series.agencyId !== actor.agencyId) {
      throw havenError('FORBIDDEN', { permission: 'series.contribute (another agency recorded this place)' });
    }
    await placeRepository.delete(tx, placeId);
    await auditService.record(tx, {
      actor,
      action: 'place.delete',
      outcome: 'ok',
      objectType: 'series',
      objectId: seriesId,
      details: { place: placeId },
      ...audit,
    });
  },
};
