import type { AuditRecord } from '#haven/audit/audit.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface AuditRow extends Record<string, unknown> {
  seq: number;
  at: Date;
  actor_kind: AuditRecord['actorKind'];
  actor_id: string | null;
  actor_name: string | null;
  agency_id: string | null;
  action: string;
  outcome: AuditRecord['outcome'];
  object_type: string | null;
  object_id: string | null;
  request_id: string | null;
  client_ip: string | null;
  details: Record<string, unknown> | null;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

const toRecord = (row: AuditRow): AuditRecord => ({
  seq: row.seq,
  at: row.at,
  actorKind: row.actor_kind,
  actorId: row.actor_id,
  actorName: row.actor_name,
  agencyId: row.agency_id,
  action: row.action,
  outcome: row.outcome,
  objectType: row.object_type,
  objectId: row.object_id,
  requestId: row.request_id,
  clientIp: row.client_ip,
  details: row.details ?? {},
  prevHash: Buffer.from(row.prev_hash),
  hash: Buffer.from(row.hash),
});

// Any constant; every writer of the chain takes it so rows are appended one at a time.
const CHAIN_LOCK = 4_242_002;

export interface AuditFilter {
  readonly agencyId?: string | undefined;
  readonly action?: string | undefined;
  readonly actorId?: string | undefined;
  readonly objectId?: string | undefined;
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
  readonly beforeSeq?: number | undefined;
  readonly limit: number;
}

export const auditRepository = {
  /** Serialises chain writers until the caller's transaction ends, then returns the chain's tail. */
  async lockTail(tx: Queryable): Promise<{ seq: number; hash: Buffer } | undefined> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const rows = await tx.query<{ seq: number; hash: Uint8Array }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    const row = rows[0];
    return row && { seq: row.seq, hash: Buffer.from(row.hash) };
  },

  async insert(tx: Queryable, record: AuditRecord): Promise<void> {
    await tx.query(
      `INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, agency_id, action, outcome, object_type,
                              object_id, request_id, client_ip, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        record.seq,
        record.at,
        record.actorKind,
        record.actorId,
        record.actorName,
        record.agencyId,
        record.action,
        record.outcome,
        record.objectType,
        record.objectId,
        record.requestId,
        record.clientIp,
        JSON.stringify(record.details),
        record.prevHash,
        record.hash,
      ],
    );
  },

  /** Rows in chain order after `afterSeq` (for verification). */
  async page(db: Queryable, afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const rows = await db.query<AuditRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
      afterSeq,
      limit,
    ]);
    return rows.map(toRecord);
  },

  /** Newest first, filtered, for administrators. */
  async search(db: Queryable, filter: AuditFilter): Promise<AuditRecord[]> {
    const rows = await db.query<AuditRow>(
      `SELECT * FROM audit_log
       WHERE ($1::uuid IS NULL OR agency_id = $1) AND ($2::text IS NULL OR action = $2 OR action LIKE $2 || '.%')
         AND ($3::text IS NULL OR actor_id = $3) AND ($4::text IS NULL OR object_id = $4)
         AND ($5::timestamptz IS NULL OR at >= $5) AND ($6::timestamptz IS NULL OR at < $6)
         AND ($7::bigint IS NULL OR seq < $7)
       ORDER BY seq DESC LIMIT $8`,
      [
        filter.agencyId ?? null,
        filter.action ?? null,
        filter.actorId ?? null,
        filter.objectId ?? null,
        filter.since ?? null,
        filter.until ?? null,
        filter.beforeSeq ?? null,
        filter.limit,
      ],
    );
    return rows.map(toRecord);
  },
};
