import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { IngestService } from '#haven/ingest/ingest.service.js';
import { caseService } from '#haven/cases/case.service.js';
import { peopleService } from '#haven/people/people.service.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { SharingRequest } from '#haven/cases/case.schema.js';
import { presentEvent, presentMedium, presentOne, presentSeries } from '#haven/series/series.present.js';
import {
  CountryRequest,
  CreateSeriesRequest,
  MediaChanged,
  MediaIdsRequest,
  MergeRequest,
  SeriesBody,
  SeriesDetail,
  SeriesFromIngestRequest,
  SeriesIdParams,
  SeriesList,
  SeriesListQuery,
  SplitRequest,
  StatusRequest,
  UpdateSeriesRequest,
} from '#haven/series/series.schema.js';
import { seriesReshapeService } from '#haven/series/series-reshape.service.js';
import { seriesService } from '#haven/series/series.service.js';

const CONFLICT = { description: 'Conflicts with the current state', schema: ERROR_RESPONSES[400].schema };

export function seriesRoutes(deps: { db: Database; ingests: IngestService }): RouteSpec[] {
  const { db, ingests } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/series',
      operationId: 'listSeries',
      summary: 'Series visible to you (own, shared with your agency, shared with the network), newest first',
      tag: 'series',
      access: { permission: 'series.read' },
      query: SeriesListQuery,
      responses: { 200: { description: 'The series', schema: SeriesList }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        const list = await seriesService.listVisible(db, actor, query);
        return { body: { series: await presentSeries(db, actor, list) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series',
      operationId: 'createSeries',
      summary: 'Create a series owned by your agency from media you may see (numbered; audited)',
      tag: 'series',
      access: { permission: 'series.create' },
      body: CreateSeriesRequest,
      responses: { 201: { description: 'Created', schema: SeriesBody }, ...ERROR_RESPONSES },
      async handler({ actor, body, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          seriesService.create(tx, actor, body, { requestId, clientIp }),
        );
        return { status: 201, body: await presentOne(db, actor, created) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/from-ingest',
      operationId: 'createSeriesFromIngest',
      summary:
        "Create a series from an ingest's triage results (chosen statuses or paths, optionally their matches)",
      tag: 'series',
      access: { permission: 'series.create' },
      body: SeriesFromIngestRequest,
      responses: { 201: { description: 'Created', schema: SeriesBody }, ...ERROR_RESPONSES },
      async handler({ actor, body, requestId, clientIp }) {
        let ingest;
        try {
          ingest = await ingests.get(body.ingestId);
        } catch {
          throw havenError('NOT_FOUND');
        }
        await caseService.getVisible(db, actor, ingest.caseId);
        const wanted = body.paths === undefined ? null : new Set(body.paths);
        const statuses = new Set<string>(body.statuses);
        const items = (await ingests.results(ingest.id, { offset: 0, limit: null })).filter(
          (item) =>
            item.mediaId !== null &&
            item.status !== null &&
            statuses.has(item.status) &&
            (wanted === null || wanted.has(item.path)),
        );
        const mediaIds = new Set(items.map((item) => item.mediaId!));
        if (body.includeMatches) {
          const matched = items.flatMap((item) => item.matches.map((match) => match.mediaId));
          const visible = await seriesService.visibleMediaOf(db, actor, matched);
          for (const id of visible) {
            mediaIds.add(id);
          }
        }
        if (mediaIds.size === 0) {
          throw havenError('VALIDATION_FAILED', {
            issues: 'No analysed media in that ingest match the selection',
          });
        }
        const created = await db.transaction((tx) =>
          seriesService.create(
            tx,
            actor,
            { title: body.title, notes: body.notes, mediaIds: [...mediaIds] },
            { requestId, clientIp },
            { ingestId: ingest.id },
          ),
        );
        return { status: 201, body: await presentOne(db, actor, created) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/series/:id',
      operationId: 'getSeries',
      summary: 'A series with its media, history, victims and offenders (not found unless you may see it)',
      tag: 'series',
      access: { permission: 'series.read' },
      params: SeriesIdParams,
      responses: { 200: { description: 'The series', schema: SeriesDetail }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        const found = await seriesService.getVisible(db, actor, params.id);
        const [body, media, history, victims, offenders] = await Promise.all([
          presentOne(db, actor, found),
          seriesService.media(db, actor, found.id),
          seriesService.events(db, found.id),
          peopleService.list(db, actor, 'victim', found.id),
          peopleService.list(db, actor, 'offender', found.id),
        ]);
        const person = (p: { id: string; code: string; identified: boolean }) => ({
          id: p.id,
          code: p.code,
          identified: p.identified,
        });
        return {
          body: {
            ...body,
            media: media.map(presentMedium),
            history: history.map((event) =>
              presentEvent(event, { owner: found.agencyId === actor.agencyId }),
            ),
            victims: victims.map(person),
            offenders: offenders.map(person),
          },
        };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/series/:id',
      operationId: 'updateSeries',
      summary: 'Change title, notes or the offender-identified flag (owning agency; audited)',
      tag: 'series',
      access: { permission: 'series.manage' },
      params: SeriesIdParams,
      body: UpdateSeriesRequest,
      responses: {
        200: { description: 'The series', schema: SeriesBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const updated = await db.transaction((tx) =>
          seriesService.update(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { body: await presentOne(db, actor, updated) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/:id/status',
      operationId: 'setSeriesStatus',
      summary: 'Move the series along the process (forward, or one step back with a note; owning agency)',
      tag: 'series',
      access: { permission: 'series.manage' },
      params: SeriesIdParams,
      body: StatusRequest,
      responses: {
        200: { description: 'The series', schema: SeriesBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const updated = await db.transaction((tx) =>
          seriesService.setStatus(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { body: await presentOne(db, actor, updated) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/:id/media',
      operationId: 'addSeriesMedia',
      summary: 'Add media you may see to the series (owning agency; already present ones are skipped)',
      tag: 'series',
      access: { permission: 'series.manage' },
      params: SeriesIdParams,
      body: MediaIdsRequest,
      responses: {
        200: { description: 'The media added', schema: MediaChanged },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const added = await db.transaction((tx) =>
          seriesService.addMedia(tx, actor, params.id, body.mediaIds, { requestId, clientIp }),
        );
        return { body: { mediaIds: added } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/:id/media/remove',
      operationId: 'removeSeriesMedia',
      summary: 'Take media out of the series (owning agency; the media themselves stay)',
      tag: 'series',
      access: { permission: 'series.manage' },
      params: SeriesIdParams,
      body: MediaIdsRequest,
      responses: {
        200: { description: 'The media removed', schema: MediaChanged },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const removed = await db.transaction((tx) =>
          seriesService.removeMedia(tx, actor, params.id, body.mediaIds, { requestId, clientIp }),
        );
        return { body: { mediaIds: removed } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/:id/merge',
      operationId: 'mergeSeries',
      summary: 'Merge other series of your agency into this one (they remain as history pointing here)',
      tag: 'series',
      access: { permission: 'series.manage' },
      params: SeriesIdParams,
      body: MergeRequest,
      responses: {
        200: { description: 'The merged series', schema: SeriesBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const merged = await db.transaction((tx) =>
          seriesReshapeService.merge(tx, actor, params.id, body.seriesIds, { requestId, clientIp }),
        );
        return { body: await presentOne(db, actor, merged) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/:id/split',
      operationId: 'splitSeries',
      summary: 'Move some media (with their clues and places) into a new series with the same sharing',
      tag: 'series',
      access: { permission: 'series.manage' },
      params: SeriesIdParams,
      body: SplitRequest,
      responses: {
        201: { description: 'The new series', schema: SeriesBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          seriesReshapeService.split(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { status: 201, body: await presentOne(db, actor, created) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/series/:id/sharing',
      operationId: 'setSeriesSharing',
      summary: "Change a series' sharing level (owning agency only; audited)",
      tag: 'series',
      access: { permission: 'series.manage' },
      params: SeriesIdParams,
      body: SharingRequest,
      responses: {
        200: { description: 'The series', schema: SeriesBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const updated = await db.transaction((tx) =>
          seriesService.setSharing(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { body: await presentOne(db, actor, updated) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/series/:id/country',
      operationId: 'setSeriesCountry',
      summary: 'Record the probable country of production, its confidence and the evidence (owning agency)',
      tag: 'locations',
      access: { permission: 'series.manage' },
      params: SeriesIdParams,
      body: CountryRequest,
      responses: {
        200: { description: 'The series', schema: SeriesBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const updated = await db.transaction((tx) =>
          seriesService.setCountry(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { body: await presentOne(db, actor, updated) };
      },
    }),
  ];
}
