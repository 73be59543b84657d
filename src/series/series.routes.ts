import type { z } from 'zod';
import type { Actor } from '#haven/access/actor.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { IngestService } from '#haven/ingest/ingest.service.js';
import { caseService } from '#haven/cases/case.service.js';
import { peopleService } from '#haven/people/people.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
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
import type { AuditContext, SeriesRecord } from '#haven/series/series.types.js';

const CONFLICT = { description: 'Conflicts with the current state', schema: ERROR_RESPONSES[400].schema };

export function seriesRoutes(deps: { db: Database; ingests: IngestService }): RouteSpec[] {
  const { db, ingests } = deps;
  const answerSeries = (record: SeriesRecord, actor: Actor): Promise<unknown> =>
    presentOne(db, actor, record);
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
    ownerChange(db, {
      method: 'PATCH',
      path: '/series/:id',
      operationId: 'updateSeries',
      summary: 'Change title, notes or the offender-identified flag (owning agency; audited)',
      body: UpdateSeriesRequest,
      reply: { status: 200, description: 'The series', schema: SeriesBody },
      change: (tx, actor, id, body, audit) => seriesService.update(tx, actor, id, body, audit),
      present: answerSeries,
    }),
    ownerChange(db, {
      method: 'POST',
      path: '/series/:id/status',
      operationId: 'setSeriesStatus',
      summary: 'Move the series along the process (forward, or one step back with a note; owning agency)',
      body: StatusRequest,
      reply: { status: 200, description: 'The series', schema: SeriesBody },
      change: (tx, actor, id, body, audit) => seriesService.setStatus(tx, actor, id, body, audit),
      present: answerSeries,
    }),
    ownerChange(db, {
      method: 'POST',
      path: '/series/:id/media',
      operationId: 'addSeriesMedia',
      summary: 'Add media you may see to the series (owning agency; already present ones are skipped)',
      body: MediaIdsRequest,
      reply: { status: 200, description: 'The media added', schema: MediaChanged },
      change: (tx, actor, id, body, audit) => seriesService.addMedia(tx, actor, id, body.mediaIds, audit),
      present: (mediaIds) => ({ mediaIds }),
    }),
    ownerChange(db, {
      method: 'POST',
      path: '/series/:id/media/remove',
      operationId: 'removeSeriesMedia',
      summary: 'Take media out of the series (owning agency; the media themselves stay)',
      body: MediaIdsRequest,
      reply: { status: 200, description: 'The media removed', schema: MediaChanged },
      change: (tx, actor, id, body, audit) => seriesService.removeMedia(tx, actor, id, body.mediaIds, audit),
      present: (mediaIds) => ({ mediaIds }),
    }),
    ownerChange(db, {
      method: 'POST',
      path: '/series/:id/merge',
      operationId: 'mergeSeries',
      summary: 'Merge other series of your agency into this one (they remain as history pointing here)',
      body: MergeRequest,
      reply: { status: 200, description: 'The merged series', schema: SeriesBody },
      change: (tx, actor, id, body, audit) =>
        seriesReshapeService.merge(tx, actor, id, body.seriesIds, audit),
      present: answerSeries,
    }),
    ownerChange(db, {
      method: 'POST',
      path: '/series/:id/split',
      operationId: 'splitSeries',
      summary: 'Move some media (with their clues and places) into a new series with the same sharing',
      body: SplitRequest,
      reply: { status: 201, description: 'The new series', schema: SeriesBody },
      change: (tx, actor, id, body, audit) => seriesReshapeService.split(tx, actor, id, body, audit),
      present: answerSeries,
    }),
    ownerChange(db, {
      method: 'PUT',
      path: '/series/:id/sharing',
      operationId: 'setSeriesSharing',
      summary: "Change a series' sharing level (owning agency only; audited)",
      body: SharingRequest,
      reply: { status: 200, description: 'The series', schema: SeriesBody },
      change: (tx, actor, id, body, audit) => seriesService.setSharing(tx, actor, id, body, audit),
      present: answerSeries,
    }),
    ownerChange(db, {
      method: 'PUT',
      path: '/series/:id/country',
      operationId: 'setSeriesCountry',
      summary: 'Record the probable country of production, its confidence and the evidence (owning agency)',
      tag: 'locations',
      body: CountryRequest,
      reply: { status: 200, description: 'The series', schema: SeriesBody },
      change: (tx, actor, id, body, audit) => seriesService.setCountry(tx, actor, id, body, audit),
      present: answerSeries,
    }),
  ];
}

/** One change the owning agency makes to a series: its body, its reply, the service call. */
interface OwnerChange<B, R> {
  readonly method: 'PATCH' | 'POST' | 'PUT';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag?: string;
  readonly body: z.ZodType<B>;
  readonly reply: { readonly status: 200 | 201; readonly description: string; readonly schema: z.ZodType };
  change(tx: Queryable, actor: Actor, id: string, body: B, audit: AuditContext): Promise<R>;
  present(result: R, actor: Actor): unknown;
}

/** The owning agency changes one series (series.manage), in one transaction; a state clash is 409. */
function ownerChange<B, R>(db: Database, route: OwnerChange<B, R>): RouteSpec {
  return defineRoute({
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    tag: route.tag ?? 'series',
    access: { permission: 'series.manage' },
    params: SeriesIdParams,
    body: route.body,
    responses: {
      [route.reply.status]: { description: route.reply.description, schema: route.reply.schema },
      409: CONFLICT,
      ...ERROR_RESPONSES,
    },
    async handler({ actor, params, body, requestId, clientIp }) {
      const result = await db.transaction((tx) =>
        route.change(tx, actor, params.id, body, { requestId, clientIp }),
      );
      return { status: route.reply.status, body: await route.present(result, actor) };
    },
  });
}
