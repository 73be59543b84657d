import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Place and object search: the local features of each held image (extracted by a durable job from
 * the decrypted original, in memory) and the binary vocabularies the inverted file is built on.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'similarity',
  sql: `
CREATE TABLE similarity_features (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  media_id uuid NOT NULL UNIQUE REFERENCES media(id),
  signal text NOT NULL,
  pipeline text NOT NULL,
  state text NOT NULL CHECK (state IN ('done', 'error')),
  error text,
  width integer NOT NULL DEFAULT 0,
  height integer NOT NULL DEFAULT 0,
  keypoints integer NOT NULL DEFAULT 0 CHECK (keypoints >= 0),
  points bytea NOT NULL DEFAULT ''::bytea,
  descriptors bytea NOT NULL DEFAULT ''::bytea,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE similarity_vocabularies (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  signal text NOT NULL,
  pipeline text NOT NULL,
  trained_on integer NOT NULL CHECK (trained_on >= 0),
  words integer NOT NULL,
  vocabulary bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
};
