import type { Queryable } from '#haven/platform/db/database.js';
import type { TipSubmission } from '#haven/portal/exchange/portal-exchange.js';
import type { TipOutcome, TipRecord, TipStatus } from '#haven/tips/tip.types.js';

interface TipRow extends Record<string, unknown> {
  id: string;
  appeal_id: string;
  agency_id: string;
  language: string;
  body: string;
  country: string;
  city: string;
  seen_where: string;
  seen_when: string;
  contact: string;
  received_at: Date;
  status: TipStatus;
  duplicate_of: string | null;
  same_as: string | null;
  lead_comment_id: string | null;
  outcome: TipOutcome | null;
  outcome_country: string | null;
  triaged_by_name: string | null;
  triaged_at: Date | null;
}

const SELECT = `SELECT t.*, (SELECT o.id FROM tips o WHERE o.appeal_id = t.appeal_id AND o.fingerprint = t.fingerprint
    AND o.id <> t.id AND (o.received_at, o.id) < (t.received_at, t.id) ORDER BY o.received_at, o.id LIMIT 1) AS same_as
  FROM tips t`;

const toTip = (row: TipRow): TipRecord => ({
  id: row.id,
  appealId: row.appeal_id,
  agencyId: row.agency_id,
  language: row.language,
  body: row.body,
  country: row.country,
  city: row.city,
  seenWhere: row.seen_where,
  seenWhen: row.seen_when,
  contact: row.contact,
  receivedAt: row.received_at,
  status: row.status,
  duplicateOf: row.duplicate_of,
  sameAs: row.same_as,
  leadCommentId: row.lead_comment_id,
  outcome: row.outcome,
  outcomeCountry: row.outcome_country,
  triagedByName: row.triaged_by_name,
  triagedAt: row.triaged_at,
});

export const tipRepository = {
  /** Idempotent on the tip's random id: a tip taken in twice (two servers, a crash) is stored once. */
  async insertIfAbsent(
    tx: Queryable,
    tip: TipSubmission,
    appeal: { id: string; agencyId: string },
  ): Promise<boolean> {
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO tips (id, appeal_id, agency_id, language, body, country, city, seen_where, seen_when, contact,
         fingerprint, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        tip.id,
        appeal.id,
        appeal.agencyId,
        tip.language,
        tip.body,
        tip.country,
        tip.city,
        tip.seenWhere,
        tip.seenWhen,
        tip.contact,
        tip.fingerprint,
        new Date(tip.receivedAt),
      ],
    );
    return rows.length === 1;
  },

  async get(db: Queryable, id: string, forUpdate = false): Promise<TipRecord | undefined> {
    const rows = await db.query<TipRow>(`${SELECT} WHERE t.id = $1${forUpdate ? ' FOR UPDATE OF t' : ''}`, [
      id,
    ]);
    return rows[0] && toTip(rows[0]);
  },

  async ofAgency(
    db: Queryable,
    agencyId: string,
    filter: { status?: TipStatus | undefined; appealId?: string | undefined; limit: number },
  ): Promise<TipRecord[]> {
    const rows = await db.query<TipRow>(
      `${SELECT} WHERE t.agency_id = $1 AND ($2::text IS NULL OR t.status = $2)
         AND ($3::uuid IS NULL OR t.appeal_id = $3)
       ORDER BY t.received_at DESC, t.id LIMIT $4`,
      [agencyId, filter.status ?? null, filter.appealId ?? null, filter.limit],
    );
    return rows.map(toTip);
  },

  async setStatus(
    tx: Queryable,
    id: string,
    change: { status: TipStatus; duplicateOf: string | null; byName: string },
  ): Promise<void> {
    await tx.query(
      `UPDATE tips SET status = $2, duplicate_of = $3, triaged_by_name = $4, triaged_at = now() WHERE id = $1`,
      [id, change.status, change.duplicateOf, change.byName],
    );
  },

  async setLead(tx: Queryable, id: string, commentId: string, byName: string): Promise<void> {
    await tx.query(
      `UPDATE tips SET lead_comment_id = $2, status = 'useful', triaged_by_name = $3, triaged_at = now() WHERE id = $1`,
      [id, commentId, byName],
    );
  },

  async setOutcome(
    tx: Queryable,
    id: string,
    outcome: { outcome: TipOutcome | null; country: string | null; byName: string },
  ): Promise<void> {
    await tx.query(
      `UPDATE tips SET outcome = $2, outcome_country = $3, triaged_by_name = $4, triaged_at = now() WHERE id = $1`,
      [id, outcome.outcome, outcome.country, outcome.byName],
    );
  },

  async count(db: Queryable): Promise<number> {
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tips');
    return rows[0]!.n;
  },
};
