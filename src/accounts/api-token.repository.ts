import type { ApiTokenRecord } from '#haven/accounts/user.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface TokenRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  name: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toToken = (row: TokenRow): ApiTokenRecord => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  scopes: row.scopes,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export const apiTokenRepository = {
  async insert(
    db: Queryable,
    token: {
      id: string;
      userId: string;
      name: string;
      tokenHash: Buffer;
      scopes: readonly string[];
      now: Date;
      expiresAt: Date;
    },
  ): Promise<ApiTokenRecord> {
    const rows = await db.query<TokenRow>(
      `INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id, user_id, name, scopes, created_at, expires_at, last_used_at, revoked_at`,
      [token.id, token.userId, token.name, token.tokenHash, token.scopes, token.now, token.expiresAt],
    );
    return toToken(rows[0]!);
  },

  async findByHash(db: Queryable, tokenHash: Buffer): Promise<ApiTokenRecord | undefined> {
    const rows = await db.query<TokenRow>(
      `SELECT id, user_id, name, scopes, created_at, expires_at, last_used_at, revoked_at
       FROM api_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0] && toToken(rows[0]);
  },

  async listOf(db: Queryable, userId: string): Promise<ApiTokenRecord[]> {
    const rows = await db.query<TokenRow>(
      `SELECT id, user_id, name, scopes, created_at, expires_at, last_used_at, revoked_at
       FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [userId],
    );
    return rows.map(toToken);
  },

  async getOf(db: Queryable, userId: string, id: string): Promise<ApiTokenRecord | undefined> {
    const rows = await db.query<TokenRow>(
      `SELECT id, user_id, name, scopes, created_at, expires_at, last_used_at, revoked_at
       FROM api_tokens WHERE user_id = $1 AND id = $2`,
      [userId, id],
    );
    return rows[0] && toToken(rows[0]);
  },

  async touch(db: Queryable, id: string, at: Date): Promise<void> {
    await db.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [id, at]);
  },

  async revoke(db: Queryable, id: string, at: Date): Promise<void> {
    await db.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at]);
  },
};
