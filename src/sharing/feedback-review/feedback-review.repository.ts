import type { Queryable } from '#haven/platform/db/database.js';

export const REVIEW_ACTIONS = ['negative_bank', 'confirmed', 'dismissed'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** One provider report, with this set's review of it when there is one. */
export interface FeedbackRow {
  readonly id: number;
  readonly provider: string;
  readonly signal: string;
  readonly value: Uint8Array;
  readonly verdict: 'confirmed' | 'false_positive';
  readonly note: string | null;
  readonly receivedAt: Date;
  readonly review: {
    readonly action: ReviewAction;
    readonly note: string | null;
    readonly by: string;
    readonly at: Date;
  } | null;
}

interface Row extends Record<string, unknown> {
  id: string | number;
  provider: string;
  signal: string;
  value: Uint8Array;
  verdict: 'confirmed' | 'false_positive';
  note: string | null;
  received_at: Date;
  action: ReviewAction | null;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
}

const toFeedback = (row: Row): FeedbackRow => ({
  id: Number(row.id),
  provider: row.provider,
  signal: row.signal,
  value: row.value,
  verdict: row.verdict,
  note: row.note,
  receivedAt: row.received_at,
  review:
    row.action === null
      ? null
      : { action: row.action, note: row.review_note, by: row.reviewed_by!, at: row.reviewed_at! },
});

const SELECT = `SELECT f.id, o.name AS provider, f.signal, f.value, f.verdict, f.note, f.received_at,
       r.action, r.note AS review_note, r.reviewed_by, r.reviewed_at
  FROM provider_feedback f
  JOIN provider_orgs o ON o.id = f.provider_id
  LEFT JOIN provider_feedback_reviews r ON r.feedback_id = f.id AND r.hash_set_id = $1`;

/** Provider feedback as the owners of a hash set review it; reviews are the only rows written. */
export const feedbackReviewRepository = {
  /** Feedback newest first, below `before` (an id), at most `limit` rows. */
  async page(db: Queryable, setId: string, before: number | null, limit: number): Promise<FeedbackRow[]> {
    const rows = await db.query<Row>(
      `${SELECT} WHERE ($2::bigint IS NULL OR f.id < $2::bigint) ORDER BY f.id DESC LIMIT $3`,
      [setId, before, limit],
    );
    return rows.map(toFeedback);
  },

  async get(db: Queryable, setId: string, id: number): Promise<FeedbackRow | undefined> {
    const rows = await db.query<Row>(`${SELECT} WHERE f.id = $2`, [setId, id]);
    return rows[0] && toFeedback(rows[0]);
  },

  /** Records the review; false when the report was already reviewed for this set. */
  async insertReview(
    tx: Queryable,
    review: { feedbackId: number; setId: string; action: ReviewAction; note: string | null; by: string },
  ): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO provider_feedback_reviews (feedback_id, hash_set_id, action, note, reviewed_by)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING feedback_id`,
      [review.feedbackId, review.setId, review.action, review.note, review.by],
    );
    return rows.length > 0;
  },
};
