import type { Queryable } from '#haven/platform/db/database.js';

/** Failed sign-ins per client address, in the database so every server process sees them. */
export const loginAttemptRepository = {
  /** Records a failure and drops this address's rows that have left the window. */
  async record(
    db: Queryable,
    clientIp: string,
    username: string | null,
    at: Date,
    windowStart: Date,
  ): Promise<void> {
    await db.query('DELETE FROM login_attempts WHERE client_ip = $1 AND at < $2', [clientIp, windowStart]);
    await db.query('INSERT INTO login_attempts (client_ip, username, at) VALUES ($1, $2, $3)', [
      clientIp,
      username,
      at,
    ]);
  },

  /**
   * Failures from the address since `windowStart`, and the time of the `limit`-th newest of them:
   * once that one leaves the window, the address is below the limit again.
   */
  async since(
    db: Queryable,
    clientIp: string,
    windowStart: Date,
    limit: number,
  ): Promise<{ count: number; limitingAt: Date | null }> {
    const counted = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM login_attempts WHERE client_ip = $1 AND at >= $2',
      [clientIp, windowStart],
    );
    const count = counted[0]?.n ?? 0;
    if (count < limit) {
      return { count, limitingAt: null };
    }
    const rows = await db.query<{ at: Date }>(
      `SELECT at FROM login_attempts WHERE client_ip = $1 AND at >= $2 ORDER BY at DESC OFFSET $3 LIMIT 1`,
      [clientIp, windowStart, limit - 1],
    );
    return { count, limitingAt: rows[0]?.at ?? null };
  },
};
