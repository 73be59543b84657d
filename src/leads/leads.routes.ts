import { z } from 'zod';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import { commentService, type CommentRecord } from '#haven/leads/comment.service.js';
import { notificationService } from '#haven/leads/notification.service.js';
import { NOTIFICATION_KINDS, type NotificationRecord } from '#haven/leads/notification.types.js';
import type { Database } from '#haven/platform/db/database.js';
import { Text } from '#haven/series/series.schema.js';

const CommentBody = z
  .object({
    id: z.uuid(),
    seriesId: z.uuid(),
    parentId: z.uuid().nullable().meta({ description: 'The comment this one answers (threads)' }),
    kind: z.enum(['comment', 'lead']),
    agencyId: z.uuid(),
    author: z.string(),
    body: z.string(),
    mentions: z.array(z.uuid()).meta({ description: 'Agencies mentioned (@agency)' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Comment' });

const CommentList = z.object({ comments: z.array(CommentBody) }).meta({ id: 'CommentList' });

const CreateCommentRequest = z
  .object({
    body: Text(20_000).refine((value) => value.trim().length > 0, { message: 'must not be empty' }),
    kind: z.enum(['comment', 'lead']).default('comment'),
    parentId: z.uuid().optional(),
    mentions: z
      .array(z.uuid())
      .max(50)
      .default([])
      .meta({ description: 'Agencies to notify; each must be able to see the series' }),
  })
  .strict()
  .meta({ id: 'CreateCommentRequest' });

const NotificationBody = z
  .object({
    id: z.uuid(),
    kind: z.enum(NOTIFICATION_KINDS),
    seriesId: z.uuid().nullable(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
    read: z.boolean(),
  })
  .meta({ id: 'Notification' });

const NotificationList = z
  .object({ notifications: z.array(NotificationBody), unread: z.number().int() })
  .meta({ id: 'NotificationList' });

const NotificationQuery = z
  .object({
    unread: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const SeriesParams = z.object({ id: z.uuid() }).strict();
const IdParams = z.object({ id: z.uuid() }).strict();

const presentComment = (comment: CommentRecord): z.output<typeof CommentBody> => ({
  id: comment.id,
  seriesId: comment.seriesId,
  parentId: comment.parentId,
  kind: comment.kind,
  agencyId: comment.agencyId,
  author: comment.authorName,
  body: comment.body,
  mentions: [...comment.mentions],
  createdAt: comment.createdAt.toISOString(),
});

const presentNotification = (notification: NotificationRecord): z.output<typeof NotificationBody> => ({
  id: notification.id,
  kind: notification.kind,
  seriesId: notification.seriesId,
  message: notification.message,
  details: notification.details,
  createdAt: notification.createdAt.toISOString(),
  read: notification.readAt !== null,
});

export function leadsRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/series/:id/comments',
      operationId: 'listComments',
      summary: 'Comments and leads on a series, oldest first (threads through parentId)',
      tag: 'leads',
      access: { permission: 'series.read' },
      params: SeriesParams,
      responses: { 200: { description: 'The comments', schema: CommentList }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        return { body: { comments: (await commentService.list(db, actor, params.id)).map(presentComment) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/:id/comments',
      operationId: 'createComment',
      summary: 'Comment or record a lead on a series you may see; mention agencies to notify them',
      tag: 'leads',
      access: { permission: 'series.contribute' },
      params: SeriesParams,
      body: CreateCommentRequest,
      responses: { 201: { description: 'Created', schema: CommentBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          commentService.create(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { status: 201, body: presentComment(created) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/notifications',
      operationId: 'listNotifications',
      summary: "Your agency's notifications, newest first, with your own read marks",
      tag: 'notifications',
      access: { permission: 'notification.read' },
      query: NotificationQuery,
      responses: { 200: { description: 'The notifications', schema: NotificationList }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        const found = await notificationService.list(db, actor, {
          unreadOnly: query.unread ?? false,
          limit: query.limit,
        });
        return {
          body: { notifications: found.notifications.map(presentNotification), unread: found.unread },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/notifications/:id/read',
      operationId: 'markNotificationRead',
      summary: 'Mark one notification read (for you)',
      tag: 'notifications',
      access: { permission: 'notification.read' },
      params: IdParams,
      responses: { 204: { description: 'Marked' }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        await db.transaction((tx) => notificationService.markRead(tx, actor, params.id));
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/notifications/read-all',
      operationId: 'markAllNotificationsRead',
      summary: "Mark all your agency's notifications read (for you)",
      tag: 'notifications',
      access: { permission: 'notification.read' },
      responses: {
        200: { description: 'How many were marked', schema: z.object({ marked: z.number().int() }) },
        ...ERROR_RESPONSES,
      },
      async handler({ actor }) {
        return { body: { marked: await db.transaction((tx) => notificationService.markAllRead(tx, actor)) } };
      },
    }),
  ];
}
