import { z } from 'zod';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import { REVIEW_ACTIONS } from '#haven/sharing/feedback-review/feedback-review.repository.js';
import {
  FEEDBACK_STATUSES,
  type FeedbackItem,
  type FeedbackReviewService,
} from '#haven/sharing/feedback-review/feedback-review.service.js';

const SetParams = z.object({ name: z.string().trim().min(1).max(100) }).strict();
const FeedbackParams = z
  .object({
    name: z.string().trim().min(1).max(100),
    id: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 53 - 1),
  })
  .strict();
const FeedbackQuery = z
  .object({
    status: z.enum(FEEDBACK_STATUSES).default('open'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 53 - 1)
      .optional()
      .describe('the `next` of the previous page'),
  })
  .strict();
const ReviewBody = z
  .object({
    action: z
      .enum(REVIEW_ACTIONS)
      .describe('negative_bank: a PDQ false positive stops near-matching the set; confirmed; dismissed'),
    note: z.string().max(1000).optional(),
  })
  .strict()
  .meta({ id: 'FeedbackReviewRequest' });

const FeedbackItemBody = z
  .object({
    id: z.number().int(),
    provider: z.string(),
    type: z.string(),
    value: z.string(),
    verdict: z.enum(['confirmed', 'false_positive']),
    note: z.string().nullable(),
    receivedAt: z.string(),
    match: z
      .object({ match: z.enum(['exact', 'near']), distance: z.number().int() })
      .nullable()
      .describe('how the reported hash matches the set now'),
    review: z
      .object({ action: z.enum(REVIEW_ACTIONS), note: z.string().nullable(), by: z.string(), at: z.string() })
      .nullable(),
  })
  .meta({ id: 'ProviderFeedbackItem' });
const FeedbackList = z
  .object({ items: z.array(FeedbackItemBody), next: z.number().int().nullable() })
  .meta({ id: 'ProviderFeedbackList' });

const shown = (item: FeedbackItem): z.input<typeof FeedbackItemBody> => ({
  ...item,
  receivedAt: item.receivedAt.toISOString(),
  match: item.match && { ...item.match },
  review: item.review && { ...item.review, at: item.review.at.toISOString() },
});

/** Investigators review what providers reported about a hash set's entries. */
export function feedbackReviewRoutes(deps: { feedback: FeedbackReviewService }): RouteSpec[] {
  const { feedback } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/hashsets/:name/feedback',
      operationId: 'listHashSetFeedback',
      summary: "Provider feedback (confirmed / false positive) about a hash set's entries, newest first",
      tag: 'hashsets',
      access: { permission: 'hashset.read' },
      params: SetParams,
      query: FeedbackQuery,
      responses: { 200: { description: 'The reports', schema: FeedbackList }, ...ERROR_RESPONSES },
      async handler({ params, query }) {
        const page = await feedback.list(params.name, query);
        return { body: { items: page.items.map(shown), next: page.next } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/hashsets/:name/feedback/:id',
      operationId: 'reviewHashSetFeedback',
      summary:
        'Act on a provider report: move a PDQ false positive to the negative bank, confirm or dismiss (audited)',
      tag: 'hashsets',
      access: { permission: 'hashset.manage' },
      params: FeedbackParams,
      body: ReviewBody,
      responses: { 200: { description: 'Reviewed', schema: FeedbackItemBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        return {
          body: shown(await feedback.review(actor, params.name, params.id, body, { requestId, clientIp })),
        };
      },
    }),
  ];
}
