import { randomUUID } from 'node:crypto';
import type { Queryable } from '#haven/platform/db/database.js';

export interface ProviderOrg {
  readonly id: string;
  readonly name: string;
  readonly classifications: readonly string[];
  readonly baselineOnly: boolean;
  readonly disabled: boolean;
}

export interface ProviderKeyRecord {
  readonly keyId: string;
  readonly keyName: string;
  readonly requestsPerMinute: number;
  readonly provider: ProviderOrg;
}

interface OrgRow extends Record<string, unknown> {
  id: string;
  name: string;
  classifications: string[];
  baseline_only: boolean;
  disabled_at: Date | null;
}

const toOrg = (row: OrgRow): ProviderOrg => ({
  id: row.id,
  name: row.name,
  classifications: row.classifications,
  baselineOnly: row.baseline_only,
  disabled: row.disabled_at !== null,
});

export interface ExportRow {
  readonly id: number;
  /** The change time as the database prints it (microseconds kept: a whole import shares one). */
  readonly changedAt: string;
  readonly removed: boolean;
  readonly md5: Uint8Array | null;
  readonly sha1: Uint8Array | null;
  readonly pdq: Uint8Array | null;
  readonly scheme: string;
  readonly category: string | null;
  readonly baseline: boolean;
}

/** Provider organisations, their keys, usage counters and feedback: the only SQL of the provider API. */
export const providerRepository = {
  async createOrg(
    tx: Queryable,
    org: { name: string; classifications: readonly string[]; baselineOnly: boolean; by: string },
  ): Promise<string> {
    const id = randomUUID();
    await tx.query(
      `INSERT INTO provider_orgs (id, name, classifications, baseline_only, created_by) VALUES ($1, $2, $3, $4, $5)`,
      [id, org.name, org.classifications, org.baselineOnly, org.by],
    );
    return id;
  },

  async orgByName(db: Queryable, name: string): Promise<ProviderOrg | undefined> {
    const rows = await db.query<OrgRow>(
      'SELECT id, name, classifications, baseline_only, disabled_at FROM provider_orgs WHERE name = $1',
      [name],
    );
    return rows[0] ? toOrg(rows[0]) : undefined;
  },

  async insertKey(
    tx: Queryable,
    key: { providerId: string; name: string; hash: Buffer; requestsPerMinute: number; expiresAt: Date },
  ): Promise<string> {
    const id = randomUUID();
    await tx.query(
      `INSERT INTO provider_keys (id, provider_id, name, key_hash, requests_per_minute, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, key.providerId, key.name, key.hash, key.requestsPerMinute, key.expiresAt],
    );
    return id;
  },

  /** A usable key (not revoked, not expired, its organisation enabled), with its organisation. */
  async keyByHash(db: Queryable, hash: Buffer): Promise<ProviderKeyRecord | undefined> {
    const rows = await db.query<OrgRow & { key_id: string; key_name: string; requests_per_minute: number }>(
      `SELECT k.id AS key_id, k.name AS key_name, k.requests_per_minute, o.id, o.name, o.classifications,
              o.baseline_only, o.disabled_at
         FROM provider_keys k JOIN provider_orgs o ON o.id = k.provider_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND k.expires_at > now() AND o.disabled_at IS NULL`,
      [hash],
    );
    const row = rows[0];
    return row
      ? {
          keyId: row.key_id,
          keyName: row.key_name,
          requestsPerMinute: row.requests_per_minute,
          provider: toOrg(row),
        }
      : undefined;
  },

  async revokeKey(tx: Queryable, providerId: string, name: string): Promise<number> {
    const rows = await tx.query(
      `UPDATE provider_keys SET revoked_at = now() WHERE provider_id = $1 AND name = $2 AND revoked_at IS NULL RETURNING id`,
      [providerId, name],
    );
    return rows.length;
  },

  /** Counts one call in the current minute; returns the calls so far and seconds left in the minute. */
  async countCall(db: Queryable, keyId: string): Promise<{ calls: number; secondsLeft: number }> {
    const rows = await db.query<{ calls: number; seconds_left: number }>(
      `INSERT INTO provider_key_usage (key_id, minute, calls) VALUES ($1, date_trunc('minute', now()), 1)
       ON CONFLICT (key_id, minute) DO UPDATE SET calls = provider_key_usage.calls + 1
       RETURNING calls, ceil(60 - extract(epoch FROM now() - date_trunc('minute', now())))::int AS seconds_left`,
      [keyId],
    );
    await db.query(`UPDATE provider_keys SET last_used_at = now() WHERE id = $1`, [keyId]);
    return { calls: rows[0]!.calls, secondsLeft: Math.max(1, rows[0]!.seconds_left) };
  },

  /** Entries of provider-shared sets changed after a point (additions, changes and removals), oldest first. */
  async changesAfter(
    db: Queryable,
    after: { at: string; id: number },
    since: Date | null,
    limit: number,
  ): Promise<ExportRow[]> {
    const rows = await db.query<{
      id: string | number;
      changed_at: string;
      removed_at: Date | null;
      md5: Uint8Array | null;
      sha1: Uint8Array | null;
      pdq: Uint8Array | null;
      scheme: string;
      category: string | null;
      baseline: boolean;
    }>(
      `SELECT e.id, e.changed_at::text AS changed_at, e.removed_at, e.md5, e.sha1, e.pdq, s.scheme, e.category, e.baseline
         FROM hash_set_entries e JOIN hash_sets s ON s.id = e.hash_set_id
        WHERE s.provider_shared AND s.purpose = 'known'
          AND (e.changed_at, e.id) > ($1::timestamptz, $2::bigint)
          AND ($3::timestamptz IS NULL OR e.changed_at > $3)
          AND ($3::timestamptz IS NOT NULL OR e.removed_at IS NULL)
        ORDER BY e.changed_at, e.id LIMIT $4`,
      [after.at, after.id, since, limit],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      changedAt: row.changed_at,
      removed: row.removed_at !== null,
      md5: row.md5,
      sha1: row.sha1,
      pdq: row.pdq,
      scheme: row.scheme,
      category: row.category,
      baseline: row.baseline,
    }));
  },

  async insertFeedback(
    tx: Queryable,
    providerId: string,
    items: readonly { signal: string; value: Buffer; verdict: string; note: string | null }[],
  ): Promise<void> {
    await tx.query(
      `INSERT INTO provider_feedback (provider_id, signal, value, verdict, note)
       SELECT $1, * FROM unnest($2::text[], $3::bytea[], $4::text[], $5::text[])`,
      [
        providerId,
        items.map((i) => i.signal),
        items.map((i) => i.value),
        items.map((i) => i.verdict),
        items.map((i) => i.note),
      ],
    );
  },
};
