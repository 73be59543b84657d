import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Faces (opt-in per agency, every run logged, human decisions on suggested links) and the text
 * read in images (OCR), searchable with PostgreSQL full-text search on both databases.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'faces-ocr',
  sql: `
CREATE TABLE face_settings (
  agency_id uuid PRIMARY KEY REFERENCES agencies(id),
  enabled boolean NOT NULL DEFAULT false,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every time faces were computed: for a held medium (kind 'media') or a query photo ('search').
CREATE TABLE face_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('media', 'search')),
  media_id uuid REFERENCES media(id),
  agency_id uuid REFERENCES agencies(id),
  actor text NOT NULL,
  model text NOT NULL,
  faces integer NOT NULL CHECK (faces >= 0),
  millis integer NOT NULL CHECK (millis >= 0),
  error text,
  ran_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX face_runs_media ON face_runs (media_id);

CREATE TABLE faces (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  media_id uuid NOT NULL REFERENCES media(id),
  ordinal integer NOT NULL,
  -- a video's stored scene picture the face is on (box in that picture's pixels); NULL for images
  frame_position integer,
  box_x integer NOT NULL,
  box_y integer NOT NULL,
  box_w integer NOT NULL CHECK (box_w > 0),
  box_h integer NOT NULL CHECK (box_h > 0),
  score real NOT NULL,
  quality real NOT NULL,
  embedding bytea NOT NULL,
  model text NOT NULL,
  UNIQUE (media_id, ordinal)
);

CREATE TABLE face_suggestions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  face_id bigint NOT NULL REFERENCES faces(id),
  other_face_id bigint NOT NULL REFERENCES faces(id),
  series_id uuid NOT NULL REFERENCES series(id),
  other_series_id uuid NOT NULL REFERENCES series(id),
  score real NOT NULL,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'rejected')),
  decided_by text,
  decided_by_user uuid,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (face_id, other_face_id, series_id, other_series_id)
);
CREATE INDEX face_suggestions_series ON face_suggestions (series_id);

CREATE TABLE media_texts (
  media_id uuid PRIMARY KEY REFERENCES media(id),
  text text NOT NULL,
  confidence real NOT NULL,
  words integer NOT NULL CHECK (words >= 0),
  script text NOT NULL,
  language text,
  languages text[] NOT NULL,
  engine text NOT NULL,
  error text,
  read_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_texts_search ON media_texts USING gin (to_tsvector('simple', text));
`,
};
