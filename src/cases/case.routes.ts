import type { z } from 'zod';
import type { Actor } from '#haven/access/actor.js';
import { caseService } from '#haven/cases/case.service.js';
import type { CaseRecord } from '#haven/cases/case.types.js';
import {
  CaseBody,
  CaseIdParams,
  CaseList,
  CaseListQuery,
  CreateCaseRequest,
  SharingRequest,
} from '#haven/cases/case.schema.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';

async function present(db: Queryable, actor: Actor, record: CaseRecord): Promise<z.output<typeof CaseBody>> {
  return {
    id: record.id,
    reference: record.reference,
    title: record.title,
    agencyId: record.agencyId,
    sharing: record.sharing,
    sharedWith: await caseService.sharedWith(db, record.id),
    createdAt: record.createdAt.toISOString(),
    createdBy: record.createdBy,
    own: record.agencyId !== null && record.agencyId === actor.agencyId,
  };
}

export function caseRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/cases',
      operationId: 'listCases',
      summary: 'Cases visible to you (own, shared with your agency, shared with the network)',
      tag: 'cases',
      access: { permission: 'case.read' },
      query: CaseListQuery,
      responses: { 200: { description: 'The cases', schema: CaseList }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        const cases = await caseService.listVisible(db, actor, query.reference);
        return { body: { cases: await Promise.all(cases.map((record) => present(db, actor, record))) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/cases',
      operationId: 'createCase',
      summary: 'Open a case owned by your agency (shared with nobody until you say so)',
      tag: 'cases',
      access: { permission: 'case.create' },
      body: CreateCaseRequest,
      responses: {
        201: { description: 'Created', schema: CaseBody },
        409: { description: 'Reference in use', schema: ERROR_RESPONSES[400].schema },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, body, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          caseService.create(tx, actor, body, { requestId, clientIp }),
        );
        return { status: 201, body: await present(db, actor, created) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/cases/:id',
      operationId: 'getCase',
      summary: 'One case (not found unless you may see it)',
      tag: 'cases',
      access: { permission: 'case.read' },
      params: CaseIdParams,
      responses: { 200: { description: 'The case', schema: CaseBody }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        return { body: await present(db, actor, await caseService.getVisible(db, actor, params.id)) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/cases/:id/sharing',
      operationId: 'setCaseSharing',
      summary: "Change a case's sharing level (owning agency only; audited)",
      tag: 'cases',
      access: { permission: 'case.share' },
      params: CaseIdParams,
      body: SharingRequest,
      responses: {
        200: { description: 'The case with its new sharing', schema: CaseBody },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const updated = await db.transaction((tx) =>
          caseService.setSharing(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { body: await present(db, actor, updated) };
      },
    }),
  ];
}
