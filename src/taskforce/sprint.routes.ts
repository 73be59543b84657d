import type { z } from 'zod';
import type { Actor } from '#haven/access/actor.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';
import { seriesService } from '#haven/series/series.service.js';
import { disseminationArchive } from '#haven/taskforce/dissemination-archive.js';
import { disseminationService } from '#haven/taskforce/dissemination.service.js';
import {
  AssignmentBody,
  AssignRequest,
  CreateSprintRequest,
  DisseminatedBody,
  DisseminationPackageBody,
  OutcomeRequest,
  SprintBody,
  SprintCountryParams,
  SprintDetail,
  SprintIdParams,
  SprintList,
  SprintReport,
  SprintSeriesParams,
} from '#haven/taskforce/sprint.schema.js';
import { sprintService } from '#haven/taskforce/sprint.service.js';
import type { AssignmentRecord, SprintRecord } from '#haven/taskforce/sprint.types.js';

const CONFLICT = { description: 'Conflicts with the current state', schema: ERROR_RESPONSES[400].schema };

const presentSprint = (actor: Actor, sprint: SprintRecord): z.output<typeof SprintBody> => ({
  id: sprint.id,
  name: sprint.name,
  startsOn: sprint.startsOn,
  endsOn: sprint.endsOn,
  agencyId: sprint.agencyId,
  agencies: [...sprint.agencies],
  coordinating: sprint.agencyId === actor.agencyId,
  createdBy: sprint.createdBy,
  createdAt: sprint.createdAt.toISOString(),
});

async function presentAssignments(
  db: Queryable,
  actor: Actor,
  assignments: readonly AssignmentRecord[],
): Promise<z.output<typeof AssignmentBody>[]> {
  const visible = await seriesService.visibleIds(
    db,
    actor,
    assignments.map((a) => a.seriesId),
  );
  return Promise.all(
    assignments.map(async (a) => {
      const series = visible.has(a.seriesId) ? await seriesService.getVisible(db, actor, a.seriesId) : null;
      return {
        seriesId: a.seriesId,
        series: series && { number: series.number, title: series.title, status: series.status },
        assignedAgencyId: a.assignedAgencyId,
        outcome: a.outcome,
        probableCountry: a.probableCountry,
        note: a.note,
        evaluatedAt: a.evaluatedAt?.toISOString() ?? null,
        evaluatedBy: a.evaluatedBy,
        disseminatedAt: a.disseminatedAt?.toISOString() ?? null,
      };
    }),
  );
}

/** `originals`: the evidence store the zip package streams the media it may carry from. */
export function sprintRoutes(deps: { db: Database; originals: BlobStore }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/sprints',
      operationId: 'listSprints',
      summary: 'Taskforce sprints your agency coordinates or takes part in',
      tag: 'taskforce',
      access: { permission: 'taskforce.participate' },
      responses: { 200: { description: 'The sprints', schema: SprintList }, ...ERROR_RESPONSES },
      async handler({ actor }) {
        return {
          body: { sprints: (await sprintService.list(db, actor)).map((s) => presentSprint(actor, s)) },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/sprints',
      operationId: 'createSprint',
      summary: 'Start a taskforce sprint coordinated by your agency, with participating agencies (audited)',
      tag: 'taskforce',
      access: { permission: 'taskforce.manage' },
      body: CreateSprintRequest,
      responses: { 201: { description: 'Created', schema: SprintBody }, ...ERROR_RESPONSES },
      async handler({ actor, body, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          sprintService.create(tx, actor, body, { requestId, clientIp }),
        );
        return { status: 201, body: presentSprint(actor, created) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/sprints/:id',
      operationId: 'getSprint',
      summary: 'A sprint and its assignments (not found unless your agency takes part)',
      tag: 'taskforce',
      access: { permission: 'taskforce.participate' },
      params: SprintIdParams,
      responses: { 200: { description: 'The sprint', schema: SprintDetail }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        const sprint = await sprintService.getVisible(db, actor, params.id);
        const assignments = await presentAssignments(
          db,
          actor,
          await sprintService.assignments(db, sprint.id),
        );
        return { body: { ...presentSprint(actor, sprint), assignments } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/sprints/:id/series',
      operationId: 'assignSprintSeries',
      summary:
        'Select an unidentified series and assign it to a participating agency that can see it (coordinator)',
      tag: 'taskforce',
      access: { permission: 'taskforce.manage' },
      params: SprintIdParams,
      body: AssignRequest,
      responses: {
        200: { description: 'The assignment', schema: AssignmentBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const assignment = await db.transaction((tx) =>
          sprintService.assign(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { body: (await presentAssignments(db, actor, [assignment]))[0] };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/sprints/:id/series/:seriesId',
      operationId: 'recordSprintOutcome',
      summary: 'Record the outcome of evaluating a series: probable country of production and notes',
      tag: 'taskforce',
      access: { permission: 'taskforce.participate' },
      params: SprintSeriesParams,
      body: OutcomeRequest,
      responses: { 200: { description: 'The assignment', schema: AssignmentBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        const assignment = await db.transaction((tx) =>
          sprintService.recordOutcome(tx, actor, params.id, params.seriesId, body, { requestId, clientIp }),
        );
        return { body: (await presentAssignments(db, actor, [assignment]))[0] };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/sprints/:id/report',
      operationId: 'getSprintReport',
      summary: 'Sprint report: series evaluated, countries found, disseminated, victims identified',
      tag: 'taskforce',
      access: { permission: 'taskforce.participate' },
      params: SprintIdParams,
      responses: { 200: { description: 'The report', schema: SprintReport }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        const sprint = await sprintService.getVisible(db, actor, params.id);
        const assignments = await sprintService.assignments(db, sprint.id);
        const countries = new Map<string, number>();
        const agencies = new Map<string, { assigned: number; evaluated: number }>();
        for (const a of assignments) {
          if (a.outcome === 'country_found' && a.probableCountry) {
            countries.set(a.probableCountry, (countries.get(a.probableCountry) ?? 0) + 1);
          }
          const counts = agencies.get(a.assignedAgencyId) ?? { assigned: 0, evaluated: 0 };
          counts.assigned += 1;
          counts.evaluated += a.outcome === 'pending' ? 0 : 1;
          agencies.set(a.assignedAgencyId, counts);
        }
        return {
          body: {
            sprint: presentSprint(actor, sprint),
            seriesAssigned: assignments.length,
            seriesEvaluated: assignments.filter((a) => a.outcome !== 'pending').length,
            countriesFound: [...countries]
              .map(([country, series]) => ({ country, series }))
              .sort((a, b) => b.series - a.series || a.country.localeCompare(b.country)),
            seriesDisseminated: assignments.filter((a) => a.disseminatedAt !== null).length,
            victimsIdentified: await seriesService.identifiedCount(
              db,
              assignments.map((a) => a.seriesId),
            ),
            byAgency: [...agencies].map(([agencyId, counts]) => ({ agencyId, ...counts })),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/sprints/:id/packages/:country',
      operationId: 'getDisseminationPackage',
      summary:
        'Download the dissemination package for a country: series summaries, clue descriptions, hash list; no media (coordinator; audited)',
      tag: 'taskforce',
      access: { permission: 'taskforce.manage' },
      params: SprintCountryParams,
      responses: {
        200: { description: 'The package (JSON attachment)', schema: DisseminationPackageBody },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, requestId, clientIp }) {
        const built = await db.transaction((tx) =>
          disseminationService.build(tx, actor, params.id, params.country, { requestId, clientIp }),
        );
        const day = built.generatedAt.slice(0, 10);
        return {
          body: built,
          headers: {
            'content-disposition': `attachment; filename="dissemination-${params.country}-${day}.json"`,
            'cache-control': 'no-store, private',
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/sprints/:id/packages/:country/zip',
      operationId: 'getDisseminationArchive',
      summary:
        'Download the dissemination package for a country as a zip: the JSON, series and clue summaries (CSV), the hash list as CSV and VICS, and original media only for series shared with the whole network (coordinator; audited)',
      tag: 'taskforce',
      access: { permission: 'taskforce.manage' },
      params: SprintCountryParams,
      responses: {
        200: { description: 'The package (zip attachment)', contentType: 'application/zip' },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, requestId, clientIp, reply }) {
        const built = await db.transaction((tx) =>
          disseminationService.buildWithMedia(tx, actor, params.id, params.country, { requestId, clientIp }),
        );
        const archive = await disseminationArchive(built.pkg, built.media, deps.originals);
        const day = built.pkg.generatedAt.slice(0, 10);
        void reply
          .code(200)
          .header('content-type', 'application/zip')
          .header('content-disposition', `attachment; filename="dissemination-${params.country}-${day}.zip"`)
          .header('cache-control', 'no-store, private')
          .send(archive);
        return { sent: true };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/sprints/:id/packages/:country/disseminate',
      operationId: 'disseminatePackage',
      summary:
        "Record that a country's package was sent: its series move to disseminated and their owners are notified",
      tag: 'taskforce',
      access: { permission: 'taskforce.manage' },
      params: SprintCountryParams,
      responses: {
        200: {
          description: 'The series disseminated',
          schema: DisseminatedBody,
        },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, requestId, clientIp }) {
        const numbers = await db.transaction((tx) =>
          disseminationService.disseminate(tx, actor, params.id, params.country, { requestId, clientIp }),
        );
        return { body: { country: params.country, series: numbers } };
      },
    }),
  ];
}
