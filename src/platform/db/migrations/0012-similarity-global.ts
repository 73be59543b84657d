import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Global image descriptors for place search: one learned unit vector per held still image and
 * signal (extracted by a durable job from the decrypted original, in memory). A redo deletes and
 * inserts, so a row id only ever grows and the in-memory index catches up by id.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'similarity-global',
  sql: `
CREATE TABLE similarity_globals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  media_id uuid NOT NULL REFERENCES media(id),
  signal text NOT NULL,
  pipeline text NOT NULL,
  state text NOT NULL CHECK (state IN ('done', 'error')),
  error text,
  dimensions integer NOT NULL DEFAULT 0 CHECK (dimensions >= 0),
  vector bytea NOT NULL DEFAULT ''::bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (media_id, signal)
);
`,
};
