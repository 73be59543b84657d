import type { AppealService } from '#haven/appeals/appeal.service.js';
import {
  AppealBody,
  AppealList,
  AppealListQuery,
  AppealOutcomeRequest,
  AppealParams,
  ProposeAppealRequest,
  ReviewAppealRequest,
  presentAppeal,
} from '#haven/appeals/appeal.schema.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';

const CONFLICT = { description: 'Not in a state that allows this', schema: ERROR_RESPONSES[400].schema };

export function appealRoutes(deps: {
  appeals: AppealService;
  /** Called after anything that changes the public figures. */
  refreshFigures: () => Promise<void>;
}): RouteSpec[] {
  const { appeals, refreshFigures } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/appeals',
      operationId: 'listAppeals',
      summary: "Your agency's public appeals (proposed, live, rejected, unpublished)",
      tag: 'appeals',
      access: { permission: 'appeal.read' },
      query: AppealListQuery,
      responses: { 200: { description: 'The appeals', schema: AppealList }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        return { body: { appeals: (await appeals.list(actor, query.state)).map(presentAppeal) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/appeals',
      operationId: 'proposeAppeal',
      summary:
        'Propose a public appeal: the picture (clue, new crop or photo) is censored and re-encoded at once; nothing is public before a second person approves',
      tag: 'appeals',
      access: { permission: 'appeal.propose' },
      body: ProposeAppealRequest,
      responses: {
        201: { description: 'Proposed', schema: AppealBody },
        422: { description: 'The picture cannot be decoded', schema: ERROR_RESPONSES[400].schema },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, body, requestId, clientIp }) {
        const created = await appeals.propose(
          actor,
          { ...body, image: body.image, masks: body.masks },
          { requestId, clientIp },
        );
        return { status: 201, body: presentAppeal(created) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/appeals/:id',
      operationId: 'getAppeal',
      summary: 'One appeal of your agency',
      tag: 'appeals',
      access: { permission: 'appeal.read' },
      params: AppealParams,
      responses: { 200: { description: 'The appeal', schema: AppealBody }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        return { body: presentAppeal(await appeals.get(appeals.db, actor, params.id)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/appeals/:id/image',
      operationId: 'getAppealImage',
      summary: 'The censored picture exactly as the public sees it (never the original)',
      tag: 'appeals',
      access: { permission: 'appeal.read' },
      params: AppealParams,
      responses: { 200: { description: 'A JPEG image', contentType: 'image/jpeg' }, ...ERROR_RESPONSES },
      async handler({ actor, params, reply }) {
        const bytes = await appeals.image(actor, params.id);
        void reply
          .code(200)
          .header('content-type', 'image/jpeg')
          .header('cache-control', 'no-store, private')
          .send(bytes);
        return { sent: true };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/appeals/:id/review',
      operationId: 'reviewAppeal',
      summary:
        'Approve (publish at once) or reject a proposed appeal: a second member of the agency, never the proposer',
      tag: 'appeals',
      access: { permission: 'appeal.review' },
      params: AppealParams,
      body: ReviewAppealRequest,
      responses: { 200: { description: 'Reviewed', schema: AppealBody }, 409: CONFLICT, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        const reviewed = await appeals.review(
          actor,
          params.id,
          { approve: body.decision === 'approve', note: body.note },
          { requestId, clientIp },
        );
        await refreshFigures();
        return { body: presentAppeal(reviewed) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/appeals/:id/unpublish',
      operationId: 'unpublishAppeal',
      summary: 'Take a live appeal off the public site at once (proposers and reviewers)',
      tag: 'appeals',
      access: { permission: 'appeal.read' },
      params: AppealParams,
      responses: {
        200: { description: 'Unpublished', schema: AppealBody },
        409: CONFLICT,
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, requestId, clientIp }) {
        const appeal = await appeals.unpublish(actor, params.id, { requestId, clientIp });
        await refreshFigures();
        return { body: presentAppeal(appeal) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/appeals/:id/outcome',
      operationId: 'setAppealOutcome',
      summary: 'Record what the appeal achieved (country found, object identified, children identified)',
      tag: 'appeals',
      access: { permission: 'appeal.read' },
      params: AppealParams,
      body: AppealOutcomeRequest,
      responses: { 200: { description: 'Recorded', schema: AppealBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        const appeal = await appeals.setOutcome(actor, params.id, body, { requestId, clientIp });
        await refreshFigures();
        return { body: presentAppeal(appeal) };
      },
    }),
  ];
}
