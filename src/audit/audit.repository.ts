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
  /** An action or a dotted prefix of one: 'auth' matches 'auth' and 'auth.login', not 'authx'. */
  readonly action?: string | undefined;
  /** Matches the actor's id or name (a failed login's attempted name too). */
  readonly actor?: string | undefined;
  readonly objectType?: string | undefined;
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
       WHERE ($1::uuid IS NULL OR agency_id = $1::uuid)
         AND ($2::text IS NULL OR action = $2::text OR action LIKE $3::text ESCAPE '\\')
         AND ($4::text IS NULL OR actor_id = $4::text OR actor_name = $4::text)
         AND ($5::text IS NULL OR object_type = $5::text) AND ($6::text IS NULL OR object_id = $6::text)
         AND ($7::timestamptz IS NULL OR at >= $7::timestamptz) AND ($8::timestamptz IS NULL OR at < $8::timestamptz)
         AND ($9::bigint IS NULL OR seq < $9::bigint)
       ORDER BY seq DESC LIMIT $10`,
      [
        filter.agencyId ?? null,
        filter.action ?? null,
        // LIKE wildcards in the filter are literal characters, not patterns.
        filter.action === undefined ? null : `${filter.action.replace(/[\\%_]/g, '\\$&')}.%`,
        filter.actor ?? null,
        filter.objectType ?? null,
        filter.objectId ?? null,
        filter.since ?? null,
        filter.until ?? null,
        filter.beforeSeq ?? null,
        filter.limit,
      ],
    );
    return rows.map(toRecord);
  },

  /** The seq of the first row with this hash (verification explains a break with it; no index). */
  async seqOfHash(db: Queryable, hash: Buffer): Promise<number | undefined> {
    const rows = await db.query<{ seq: number }>(
      'SELECT seq FROM audit_log WHERE hash = $1 ORDER BY seq LIMIT 1',
      [hash],
    );
    return rows[0]?.seq;
  },

  /** The seq of the first row chained to this hash (its successor when the chain is intact). */
  async seqOfPrevHash(db: Queryable, hash: Buffer): Promise<number | undefined> {
    const rows = await db.query<{ seq: number }>(
      'SELECT seq FROM audit_log WHERE prev_hash = $1 ORDER BY seq LIMIT 1',
      [hash],
    );
    return rows[0]?.seq;
  },
};
