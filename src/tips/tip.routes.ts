import { z } from 'zod';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { TipService } from '#haven/tips/tip.service.js';
import { TIP_OUTCOMES, TIP_STATUSES, type TipRecord } from '#haven/tips/tip.types.js';

const TipBody = z
  .object({
    id: z.uuid(),
    appealId: z.uuid(),
    language: z.string(),
    body: z.string(),
    country: z.string(),
    city: z.string(),
    seenWhere: z.string(),
    seenWhen: z.string(),
    contact: z.string().meta({ description: 'Empty when the tipster stayed anonymous' }),
    receivedAt: z.iso.datetime(),
    status: z.enum(TIP_STATUSES),
    duplicateOf: z.uuid().nullable(),
    sameAs: z
      .uuid()
      .nullable()
      .meta({ description: 'An earlier tip with the same words about the same appeal' }),
    leadCommentId: z.uuid().nullable(),
    outcome: z.enum(TIP_OUTCOMES).nullable(),
    outcomeCountry: z.string().nullable(),
    triagedByName: z.string().nullable(),
    triagedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Tip' });

const TipList = z.object({ tips: z.array(TipBody) }).meta({ id: 'TipList' });
const TipParams = z.object({ id: z.uuid() }).strict();
const TipListQuery = z
  .object({
    status: z.enum(TIP_STATUSES).optional(),
    appealId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
const MarkTipRequest = z
  .object({ status: z.enum(['new', 'useful', 'not_useful', 'spam']) })
  .strict()
  .meta({ id: 'MarkTipRequest' });
const MergeTipRequest = z
  .object({ into: z.uuid().meta({ description: 'The tip this one repeats' }) })
  .strict()
  .meta({ id: 'MergeTipRequest' });
const TipLeadRequest = z
  .object({ note: z.string().max(2000).default('') })
  .strict()
  .meta({ id: 'TipLeadRequest' });
const TipOutcomeRequest = z
  .object({
    outcome: z.enum(TIP_OUTCOMES).nullable(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .nullable()
      .default(null),
  })
  .strict()
  .meta({ id: 'TipOutcomeRequest' });

const presentTip = (tip: TipRecord): z.output<typeof TipBody> => ({
  ...tip,
  receivedAt: tip.receivedAt.toISOString(),
  triagedAt: tip.triagedAt?.toISOString() ?? null,
});

const CONFLICT = { description: 'Not in a state that allows this', schema: ERROR_RESPONSES[400].schema };

export function tipRoutes(deps: { tips: TipService }): RouteSpec[] {
  const { tips } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/tips',
      operationId: 'listTips',
      summary: "Your agency's tip inbox (tips the public sent about its appeals), newest first",
      tag: 'tips',
      access: { permission: 'tip.moderate' },
      query: TipListQuery,
      responses: { 200: { description: 'The tips', schema: TipList }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        return { body: { tips: (await tips.inbox(actor, query)).map(presentTip) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/tips/:id/status',
      operationId: 'markTip',
      summary: 'Mark a tip useful, not useful or spam (or back to new)',
      tag: 'tips',
      access: { permission: 'tip.moderate' },
      params: TipParams,
      body: MarkTipRequest,
      responses: { 200: { description: 'Marked', schema: TipBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        return { body: presentTip(await tips.mark(actor, params.id, body.status, { requestId, clientIp })) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/tips/:id/merge',
      operationId: 'mergeTip',
      summary: 'Merge a tip into the earlier one it repeats (marks it duplicate)',
      tag: 'tips',
      access: { permission: 'tip.moderate' },
      params: TipParams,
      body: MergeTipRequest,
      responses: { 200: { description: 'Merged', schema: TipBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        return { body: presentTip(await tips.merge(actor, params.id, body.into, { requestId, clientIp })) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/tips/:id/lead',
      operationId: 'tipToLead',
      summary: "Attach a tip to the appeal's series as a lead (the tipster's contact stays in the inbox)",
      tag: 'tips',
      access: { permission: 'tip.moderate' },
      params: TipParams,
      body: TipLeadRequest,
      responses: { 200: { description: 'Attached', schema: TipBody }, 409: CONFLICT, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        return { body: presentTip(await tips.toLead(actor, params.id, body.note, { requestId, clientIp })) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/tips/:id/outcome',
      operationId: 'setTipOutcome',
      summary: 'Record what a tip achieved (country narrowed, object identified); feeds the public figures',
      tag: 'tips',
      access: { permission: 'tip.moderate' },
      params: TipParams,
      body: TipOutcomeRequest,
      responses: { 200: { description: 'Recorded', schema: TipBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        return { body: presentTip(await tips.setOutcome(actor, params.id, body, { requestId, clientIp })) };
      },
    }),
  ];
}
