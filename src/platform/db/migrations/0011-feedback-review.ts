import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Per-set reading of hash-set entries (the matcher rebuilds only the sets that changed), and
 * investigators' review of provider feedback, per hash set: what was decided about each report
 * (moved to the set's negative bank, confirmed, or dismissed), by whom, when. The feedback itself
 * stays as the provider sent it.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'feedback-review-and-set-index',
  sql: `
CREATE TABLE provider_feedback_reviews (
  feedback_id bigint NOT NULL REFERENCES provider_feedback(id) ON DELETE CASCADE,
  hash_set_id uuid NOT NULL REFERENCES hash_sets(id) ON DELETE CASCADE,
  action text NOT NULL CHECK (action IN ('negative_bank', 'confirmed', 'dismissed')),
  note text,
  reviewed_by text NOT NULL,
  reviewed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (feedback_id, hash_set_id)
);
CREATE INDEX provider_feedback_reviews_set ON provider_feedback_reviews (hash_set_id);

-- The matcher reads and builds each hash set alone (only the sets that changed): by set, in id order.
CREATE INDEX hash_set_entries_set_id ON hash_set_entries (hash_set_id, id);
`,
};
