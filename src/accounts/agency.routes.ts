import { agencyBody } from '#haven/accounts/accounts.present.js';
import { AgencyBody, AgencyList, CreateAgencyRequest, IdParams } from '#haven/accounts/accounts.schema.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import { ERROR_RESPONSES, ErrorBody } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** Member agencies: every signed-in specialist sees the list (to share cases); central admins add. */
export function agencyRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/agencies',
      operationId: 'listAgencies',
      summary: 'The member agencies',
      tag: 'agencies',
      access: { permission: 'agency.read' },
      responses: { 200: { description: 'The agencies', schema: AgencyList }, ...ERROR_RESPONSES },
      async handler() {
        return { body: { agencies: (await agencyService.list(db)).map(agencyBody) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/agencies',
      operationId: 'createAgency',
      summary: 'Add a member agency (audited)',
      tag: 'agencies',
      access: { permission: 'agency.manage' },
      body: CreateAgencyRequest,
      responses: {
        201: { description: 'Created', schema: AgencyBody },
        409: { description: 'Name in use', schema: ErrorBody },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, body, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          agencyService.createAudited(tx, actor, body, { requestId, clientIp }),
        );
        return { status: 201, body: agencyBody(created) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/agencies/:id',
      operationId: 'getAgency',
      summary: 'One member agency',
      tag: 'agencies',
      access: { permission: 'agency.read' },
      params: IdParams,
      responses: { 200: { description: 'The agency', schema: AgencyBody }, ...ERROR_RESPONSES },
      async handler({ params }) {
        const agency = await agencyService.get(db, params.id);
        if (!agency) {
          throw havenError('NOT_FOUND');
        }
        return { body: agencyBody(agency) };
      },
    }),
  ];
}
