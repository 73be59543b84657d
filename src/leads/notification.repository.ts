import type { NotificationKind, NotificationRecord } from '#haven/leads/notification.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface NotificationRow extends Record<string, unknown> {
  id: string;
  agency_id: string;
  kind: NotificationKind;
  series_id: string | null;
  message: string;
  details: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

const toNotification = (row: NotificationRow): NotificationRecord => ({
  id: row.id,
  agencyId: row.agency_id,
  kind: row.kind,
  seriesId: row.series_id,
  message: row.message,
  details: row.details,
  createdAt: row.created_at,
  readAt: row.read_at,
});

export const notificationRepository = {
  async insert(
    tx: Queryable,
    row: {
      id: string;
      agencyId: string;
      kind: NotificationKind;
      seriesId: string | null;
      message: string;
      details: Record<string, unknown>;
      dedupeKey: string | null;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO notifications (id, agency_id, kind, series_id, message, details, dedupe_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING`,
      [row.id, row.agencyId, row.kind, row.seriesId, row.message, JSON.stringify(row.details), row.dedupeKey],
    );
  },

  /** An agency's notifications, newest first, with the user's read marks. */
  async list(
    db: Queryable,
    agencyId: string,
    userId: string | null,
    options: { unreadOnly: boolean; limit: number },
  ): Promise<NotificationRecord[]> {
    const rows = await db.query<NotificationRow>(
      `SELECT n.*, r.read_at FROM notifications n
       LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = $2
       WHERE n.agency_id = $1 ${options.unreadOnly ? 'AND r.read_at IS NULL' : ''}
       ORDER BY n.created_at DESC, n.id LIMIT $3`,
      [agencyId, userId, options.limit],
    );
    return rows.map(toNotification);
  },

  async unreadCount(db: Queryable, agencyId: string, userId: string | null): Promise<number> {
    const rows = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM notifications n WHERE n.agency_id = $1 AND NOT EXISTS (
         SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = $2)`,
      [agencyId, userId],
    );
    return Number(rows[0]!.n);
  },

  async belongsTo(db: Queryable, id: string, agencyId: string): Promise<boolean> {
    const rows = await db.query('SELECT 1 FROM notifications WHERE id = $1 AND agency_id = $2', [
      id,
      agencyId,
    ]);
    return rows.length > 0;
  },

  async markRead(
    tx: Queryable,
    ids: readonly string[] | 'all',
    agencyId: string,
    userId: string,
  ): Promise<number> {
    const rows = await tx.query(
      `INSERT INTO notification_reads (notification_id, user_id)
       SELECT n.id, $2 FROM notifications n WHERE n.agency_id = $1 ${ids === 'all' ? '' : 'AND n.id = ANY($3::uuid[])'}
       ON CONFLICT DO NOTHING RETURNING notification_id`,
      ids === 'all' ? [agencyId, userId] : [agencyId, userId, ids],
    );
    return rows.length;
  },
};
