import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Public appeals (Trace an Object, wanted persons, missing children) and the tips the public sends
 * about them. The appeal image is the censored, re-encoded copy (never the original), kept apart
 * from the evidence store; the public id is random and unrelated to the row id.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'appeals-tips',
  sql: `
CREATE TABLE appeals (
  id uuid PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  type text NOT NULL CHECK (type IN ('object', 'wanted_person', 'missing_child')),
  state text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'live', 'rejected', 'unpublished')),
  texts jsonb NOT NULL,
  person jsonb,
  country char(2) CHECK (country ~ '^[A-Z]{2}$'),
  region text NOT NULL DEFAULT '',
  series_id uuid,
  clue_id uuid,
  image bytea NOT NULL,
  image_width integer NOT NULL,
  image_height integer NOT NULL,
  proposed_by uuid NOT NULL,
  proposed_by_name text NOT NULL,
  proposed_at timestamptz NOT NULL DEFAULT now(),
  reviewed_by uuid,
  reviewed_by_name text,
  reviewed_at timestamptz,
  review_note text NOT NULL DEFAULT '',
  published_at timestamptz,
  unpublished_at timestamptz,
  unpublished_by_name text,
  country_found char(2) CHECK (country_found ~ '^[A-Z]{2}$'),
  object_identified boolean NOT NULL DEFAULT false,
  children_identified integer NOT NULL DEFAULT 0 CHECK (children_identified >= 0)
);
CREATE INDEX appeals_agency_state ON appeals (agency_id, state);

CREATE TABLE tips (
  id uuid PRIMARY KEY,
  appeal_id uuid NOT NULL REFERENCES appeals(id),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  language text NOT NULL,
  body text NOT NULL,
  country text NOT NULL DEFAULT '',
  city text NOT NULL DEFAULT '',
  seen_where text NOT NULL DEFAULT '',
  seen_when text NOT NULL DEFAULT '',
  contact text NOT NULL DEFAULT '',
  fingerprint text NOT NULL,
  received_at timestamptz NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'useful', 'not_useful', 'spam', 'duplicate')),
  duplicate_of uuid REFERENCES tips(id),
  lead_comment_id uuid,
  outcome text CHECK (outcome IN ('country_narrowed', 'object_identified')),
  outcome_country char(2) CHECK (outcome_country ~ '^[A-Z]{2}$'),
  triaged_by_name text,
  triaged_at timestamptz
);
CREATE INDEX tips_agency_status ON tips (agency_id, status, received_at);
CREATE INDEX tips_fingerprint ON tips (appeal_id, fingerprint);
`,
};
