import type { Role } from '#haven/access/permissions.js';
import type { UserRecord } from '#haven/accounts/user.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface UserRow extends Record<string, unknown> {
  id: string;
  agency_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: Role[];
  mfa_secret: Uint8Array | null;
  mfa_enabled: boolean;
  mfa_last_step: number | string;
  failed_logins: number;
  locked_until: Date | null;
  disabled: boolean;
  password_changed_at: Date;
  created_at: Date;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  agencyId: row.agency_id,
  username: row.username,
  displayName: row.display_name,
  passwordHash: row.password_hash,
  roles: row.roles,
  mfaSecret: row.mfa_secret ? Buffer.from(row.mfa_secret) : null,
  mfaEnabled: row.mfa_enabled,
  mfaLastStep: Number(row.mfa_last_step),
  failedLogins: row.failed_logins,
  lockedUntil: row.locked_until,
  disabled: row.disabled,
  passwordChangedAt: row.password_changed_at,
  createdAt: row.created_at,
});

export interface NewUser {
  readonly id: string;
  readonly agencyId: string;
  readonly username: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly roles: readonly Role[];
}

export const userRepository = {
  async insert(db: Queryable, user: NewUser): Promise<UserRecord> {
    const rows = await db.query<UserRow>(
      `INSERT INTO users (id, agency_id, username, display_name, password_hash, roles)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [user.id, user.agencyId, user.username, user.displayName, user.passwordHash, user.roles],
    );
    return toUser(rows[0]!);
  },

  async get(db: Queryable, id: string): Promise<UserRecord | undefined> {
    const rows = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] && toUser(rows[0]);
  },

  /** The row locked until the transaction ends (read-modify-write of MFA and lockout state). */
  async getForUpdate(tx: Queryable, id: string): Promise<UserRecord | undefined> {
    const rows = await tx.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] && toUser(rows[0]);
  },

  async findByUsername(db: Queryable, username: string): Promise<UserRecord | undefined> {
    const rows = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    return rows[0] && toUser(rows[0]);
  },

  /** Users of one agency, or of all when `agencyId` is null. */
  async list(db: Queryable, agencyId: string | null): Promise<UserRecord[]> {
    const rows = await db.query<UserRow>(
      'SELECT * FROM users WHERE ($1::uuid IS NULL OR agency_id = $1) ORDER BY username',
      [agencyId],
    );
    return rows.map(toUser);
  },

  async update(
    db: Queryable,
    id: string,
    changes: { displayName?: string; roles?: readonly Role[]; disabled?: boolean },
  ): Promise<UserRecord> {
    const rows = await db.query<UserRow>(
      `UPDATE users SET display_name = COALESCE($2, display_name), roles = COALESCE($3, roles),
                        disabled = COALESCE($4, disabled)
       WHERE id = $1 RETURNING *`,
      [id, changes.displayName ?? null, changes.roles ?? null, changes.disabled ?? null],
    );
    return toUser(rows[0]!);
  },

  async setPassword(db: Queryable, id: string, passwordHash: string, at: Date): Promise<void> {
    await db.query('UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1', [
      id,
      passwordHash,
      at,
    ]);
  },

  /**
   * Re-hashes with a higher cost without counting as a password change; only if the hash is still
   * `previous`, so a password changed meanwhile is never overwritten with the old one.
   */
  async upgradePasswordHash(
    db: Queryable,
    id: string,
    previous: string,
    passwordHash: string,
  ): Promise<void> {
    await db.query('UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2', [
      id,
      previous,
      passwordHash,
    ]);
  },

  /**
   * Counts one more failure; at the threshold the account is locked until `lockUntil` and the
   * counter starts again, so the next lock needs as many failures again.
   */
  async recordFailure(
    tx: Queryable,
    id: string,
    threshold: number,
    lockUntil: Date,
  ): Promise<{ failedLogins: number; lockedUntil: Date | null }> {
    const rows = await tx.query<{ failed_logins: number; locked_until: Date | null }>(
      `UPDATE users SET
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END,
         failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END
       WHERE id = $1 RETURNING failed_logins, locked_until`,
      [id, threshold, lockUntil],
    );
    const row = rows[0]!;
    return { failedLogins: row.failed_logins, lockedUntil: row.locked_until };
  },

  async clearFailures(db: Queryable, id: string): Promise<void> {
    await db.query(
      'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)',
      [id],
    );
  },

  async setMfa(db: Queryable, id: string, state: { secret: Buffer | null; enabled: boolean }): Promise<void> {
    await db.query('UPDATE users SET mfa_secret = $2, mfa_enabled = $3 WHERE id = $1', [
      id,
      state.secret,
      state.enabled,
    ]);
  },

  /**
   * Removes the second factor. The replay guard starts again too: it protects codes of a secret,
   * and that secret is gone (keeping it would refuse the new authenticator's first codes).
   */
  async clearMfa(db: Queryable, id: string): Promise<void> {
    await db.query(
      'UPDATE users SET mfa_secret = NULL, mfa_enabled = false, mfa_last_step = 0 WHERE id = $1',
      [id],
    );
  },

  /**
   * Accepts a TOTP time step once: true only for the first caller with a step above the last one
   * accepted (atomic, so two concurrent requests cannot both use one code).
   */
  async consumeStep(db: Queryable, id: string, step: number): Promise<boolean> {
    const rows = await db.query(
      'UPDATE users SET mfa_last_step = $2 WHERE id = $1 AND mfa_last_step < $2 RETURNING id',
      [id, step],
    );
    return rows.length > 0;
  },
};
