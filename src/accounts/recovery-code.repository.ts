import type { Queryable } from '#haven/platform/db/database.js';

export const recoveryCodeRepository = {
  async replace(tx: Queryable, userId: string, hashes: readonly Buffer[]): Promise<void> {
    await tx.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
    for (const hash of hashes) {
      await tx.query('INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)', [userId, hash]);
    }
  },

  /** Marks an unused code used; false when there is none (wrong, or used already). Atomic. */
  async use(db: Queryable, userId: string, hash: Buffer, at: Date): Promise<boolean> {
    const rows = await db.query(
      `UPDATE mfa_recovery_codes SET used_at = $3
       WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id`,
      [userId, hash, at],
    );
    return rows.length > 0;
  },

  async remaining(db: Queryable, userId: string): Promise<number> {
    const rows = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
      [userId],
    );
    return rows[0]?.n ?? 0;
  },

  async removeAll(db: Queryable, userId: string): Promise<void> {
    await db.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
  },
};
