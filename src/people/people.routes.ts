import type { z } from 'zod';
import type { Actor } from '#haven/access/actor.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import {
  CreateOffenderRequest,
  CreateVictimRequest,
  IdentifyVictimRequest,
  OffenderBody,
  OffenderList,
  PeopleQuery,
  PersonIdParams,
  SeriesPersonParams,
  UpdateOffenderRequest,
  UpdateVictimRequest,
  VictimBody,
  VictimList,
} from '#haven/people/people.schema.js';
import { peopleService } from '#haven/people/people.service.js';
import type { PersonKind, PersonRecord } from '#haven/people/people.types.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { seriesService } from '#haven/series/series.service.js';

const CONFLICT = { description: 'Conflicts with the current state', schema: ERROR_RESPONSES[400].schema };

/** Only the series the caller may see are named. */
async function seriesShown(db: Queryable, actor: Actor, person: PersonRecord): Promise<string[]> {
  const visible = await seriesService.visibleIds(db, actor, person.seriesIds);
  return person.seriesIds.filter((id) => visible.has(id));
}

async function presentVictim(
  db: Queryable,
  actor: Actor,
  p: PersonRecord,
): Promise<z.output<typeof VictimBody>> {
  return {
    id: p.id,
    code: p.code,
    agencyId: p.agencyId,
    own: p.agencyId === actor.agencyId,
    sex: p.sex ?? 'unknown',
    ageMin: p.ageMin,
    ageMax: p.ageMax,
    identified: p.identified,
    identifiedBy: p.identifiedBy,
    identifiedAt: p.identifiedAt,
    safeguardedAt: p.safeguardedAt,
    notes: p.notes,
    seriesIds: await seriesShown(db, actor, p),
    createdAt: p.createdAt.toISOString(),
  };
}

async function presentOffender(
  db: Queryable,
  actor: Actor,
  p: PersonRecord,
): Promise<z.output<typeof OffenderBody>> {
  return {
    id: p.id,
    code: p.code,
    agencyId: p.agencyId,
    own: p.agencyId === actor.agencyId,
    identified: p.identified,
    arrestedAt: p.arrestedAt,
    notes: p.notes,
    seriesIds: await seriesShown(db, actor, p),
    createdAt: p.createdAt.toISOString(),
  };
}

interface KindSpec {
  readonly kind: PersonKind;
  readonly plural: 'victims' | 'offenders';
  readonly name: 'Victim' | 'Offender';
  readonly body: z.ZodType;
  readonly list: z.ZodType;
  readonly create: z.ZodType<z.output<typeof CreateVictimRequest> | z.output<typeof CreateOffenderRequest>>;
  readonly update: z.ZodType<z.output<typeof UpdateVictimRequest> | z.output<typeof UpdateOffenderRequest>>;
  readonly present: (db: Queryable, actor: Actor, p: PersonRecord) => Promise<unknown>;
}

const KINDS: readonly KindSpec[] = [
  {
    kind: 'victim',
    plural: 'victims',
    name: 'Victim',
    body: VictimBody,
    list: VictimList,
    create: CreateVictimRequest,
    update: UpdateVictimRequest,
    present: presentVictim,
  },
  {
    kind: 'offender',
    plural: 'offenders',
    name: 'Offender',
    body: OffenderBody,
    list: OffenderList,
    create: CreateOffenderRequest,
    update: UpdateOffenderRequest,
    present: presentOffender,
  },
];

/** Victims and offenders: the same rules, one set of routes per kind. */
export function peopleRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  const routes = KINDS.flatMap(({ kind, plural, name, body, list, create, update, present }): RouteSpec[] => [
    defineRoute({
      method: 'GET',
      path: `/${plural}`,
      operationId: `list${name}s`,
      summary: `${name}s your agency recorded or linked to series you may see (optionally of one series)`,
      tag: 'people',
      access: { permission: 'series.read' },
      query: PeopleQuery,
      responses: { 200: { description: `The ${plural}`, schema: list }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        const found = await peopleService.list(db, actor, kind, query.seriesId);
        return { body: { [plural]: await Promise.all(found.map((p) => present(db, actor, p))) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: `/${plural}`,
      operationId: `create${name}`,
      summary: `Record a ${kind} (pseudonymous code), optionally in series your agency owns (audited)`,
      tag: 'people',
      access: { permission: 'series.manage' },
      body: create,
      responses: { 201: { description: 'Created', schema: body }, 409: CONFLICT, ...ERROR_RESPONSES },
      async handler({ actor, body: request, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          peopleService.create(tx, actor, kind, request, { requestId, clientIp }),
        );
        return { status: 201, body: await present(db, actor, created) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: `/${plural}/:id`,
      operationId: `get${name}`,
      summary: `One ${kind} (not found unless your agency recorded it or sees one of its series)`,
      tag: 'people',
      access: { permission: 'series.read' },
      params: PersonIdParams,
      responses: { 200: { description: `The ${kind}`, schema: body }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        return { body: await present(db, actor, await peopleService.getVisible(db, actor, kind, params.id)) };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: `/${plural}/:id`,
      operationId: `update${name}`,
      summary: `Change a ${kind} your agency recorded (audited)`,
      tag: 'people',
      access: { permission: 'series.manage' },
      params: PersonIdParams,
      body: update,
      responses: { 200: { description: `The ${kind}`, schema: body }, ...ERROR_RESPONSES },
      async handler({ actor, params, body: request, requestId, clientIp }) {
        const updated = await db.transaction((tx) =>
          peopleService.update(tx, actor, kind, params.id, request, { requestId, clientIp }),
        );
        return { body: await present(db, actor, updated) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: `/series/:id/${plural}/:personId`,
      operationId: `link${name}`,
      summary: `Link a ${kind} you may see to a series your agency owns`,
      tag: 'people',
      access: { permission: 'series.manage' },
      params: SeriesPersonParams,
      responses: { 200: { description: `The ${kind}`, schema: body }, 409: CONFLICT, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        const linked = await db.transaction((tx) =>
          peopleService.link(tx, actor, kind, params.id, params.personId, { requestId, clientIp }),
        );
        return { body: await present(db, actor, linked) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `/series/:id/${plural}/:personId`,
      operationId: `unlink${name}`,
      summary: `Unlink a ${kind} from a series your agency owns`,
      tag: 'people',
      access: { permission: 'series.manage' },
      params: SeriesPersonParams,
      responses: { 204: { description: 'Unlinked' }, 409: CONFLICT, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        await db.transaction((tx) =>
          peopleService.unlink(tx, actor, kind, params.id, params.personId, { requestId, clientIp }),
        );
        return { status: 204, body: undefined };
      },
    }),
  ]);
  routes.push(
    defineRoute({
      method: 'POST',
      path: '/victims/:id/identification',
      operationId: 'identifyVictim',
      summary:
        'Record that your agency identified a victim you may see (e.g. after dissemination); marks their series',
      tag: 'people',
      access: { permission: 'series.manage' },
      params: PersonIdParams,
      body: IdentifyVictimRequest,
      responses: {
        200: { description: 'The victim', schema: VictimBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const identified = await db.transaction((tx) =>
          peopleService.identify(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { body: await presentVictim(db, actor, identified) };
      },
    }),
  );
  return routes;
}
