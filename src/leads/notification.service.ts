import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { notificationRepository } from '#haven/leads/notification.repository.js';
import type { NotificationDraft, NotificationRecord } from '#haven/leads/notification.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** Notifications are addressed to agencies; API tokens and the system read as their user. */
function readerOf(actor: Actor): { agencyId: string; userId: string } {
  if (actor.agencyId === null || actor.userId === null) {
    throw havenError('FORBIDDEN', { permission: 'notification.read (no agency user)' });
  }
  return { agencyId: actor.agencyId, userId: actor.userId };
}

export const notificationService = {
  /** Records one notification per agency, in the caller's transaction. */
  async notify(tx: Queryable, draft: NotificationDraft): Promise<void> {
    for (const agencyId of new Set(draft.agencyIds)) {
      await notificationRepository.insert(tx, {
        id: randomUUID(),
        agencyId,
        kind: draft.kind,
        seriesId: draft.seriesId,
        message: draft.message,
        details: draft.details ?? {},
        dedupeKey: draft.dedupeKey === undefined ? null : `${draft.dedupeKey}:${agencyId}`,
      });
    }
  },

  async list(
    db: Queryable,
    actor: Actor,
    options: { unreadOnly: boolean; limit: number },
  ): Promise<{ notifications: NotificationRecord[]; unread: number }> {
    const { agencyId, userId } = readerOf(actor);
    const [notifications, unread] = await Promise.all([
      notificationRepository.list(db, agencyId, userId, options),
      notificationRepository.unreadCount(db, agencyId, userId),
    ]);
    return { notifications, unread };
  },

  /** Marks one notification read for the actor; another agency's looks like a missing one. */
  async markRead(tx: Queryable, actor: Actor, id: string): Promise<void> {
    const { agencyId, userId } = readerOf(actor);
    if (!(await notificationRepository.belongsTo(tx, id, agencyId))) {
      throw havenError('NOT_FOUND');
    }
    await notificationRepository.markRead(tx, [id], agencyId, userId);
  },

  async markAllRead(tx: Queryable, actor: Actor): Promise<number> {
    const { agencyId, userId } = readerOf(actor);
    return notificationRepository.markRead(tx, 'all', agencyId, userId);
  },
};
