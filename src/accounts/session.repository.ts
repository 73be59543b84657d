import type { SessionRecord, SessionStage } from '#haven/accounts/user.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface SessionRow extends Record<string, unknown> {
  id_hash: Uint8Array;
  user_id: string;
  stage: SessionStage;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const toSession = (row: SessionRow): SessionRecord => ({
  idHash: Buffer.from(row.id_hash),
  userId: row.user_id,
  stage: row.stage,
  csrfToken: row.csrf_token,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

export const sessionRepository = {
  async insert(
    db: Queryable,
    session: {
      idHash: Buffer;
      userId: string;
      stage: SessionStage;
      csrfToken: string;
      now: Date;
      expiresAt: Date;
      clientIp: string | null;
      userAgent: string | null;
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO sessions (id_hash, user_id, stage, csrf_token, created_at, last_seen_at, expires_at, client_ip,
                             user_agent)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)`,
      [
        session.idHash,
        session.userId,
        session.stage,
        session.csrfToken,
        session.now,
        session.expiresAt,
        session.clientIp,
        session.userAgent?.slice(0, 512) ?? null,
      ],
    );
  },

  async get(db: Queryable, idHash: Buffer): Promise<SessionRecord | undefined> {
    const rows = await db.query<SessionRow>('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
    return rows[0] && toSession(rows[0]);
  },

  async touch(db: Queryable, idHash: Buffer, at: Date): Promise<void> {
    await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2', [
      idHash,
      at,
    ]);
  },

  /**
   * Moves a live session to another stage under a new cookie and CSRF token (the identifier of a
   * session changes whenever it gains rights). False when the session is no longer live.
   */
  async advance(
    db: Queryable,
    fromIdHash: Buffer,
    to: { idHash: Buffer; stage: SessionStage; csrfToken: string; now: Date },
  ): Promise<boolean> {
    const rows = await db.query(
      `UPDATE sessions SET id_hash = $2, stage = $3, csrf_token = $4, last_seen_at = $5
       WHERE id_hash = $1 AND revoked_at IS NULL RETURNING user_id`,
      [fromIdHash, to.idHash, to.stage, to.csrfToken, to.now],
    );
    return rows.length > 0;
  },

  async revoke(db: Queryable, idHash: Buffer, at: Date): Promise<void> {
    await db.query('UPDATE sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL', [
      idHash,
      at,
    ]);
  },

  /** Revokes every live session of a user except `keep`; returns how many. */
  async revokeAllOf(db: Queryable, userId: string, at: Date, keep: Buffer | null = null): Promise<number> {
    const rows = await db.query(
      `UPDATE sessions SET revoked_at = $2
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND ($3::bytea IS NULL OR id_hash <> $3)
       RETURNING user_id`,
      [userId, at, keep],
    );
    return rows.length;
  },
};
