import type { Migration } from '#haven/platform/db/migrations/migration.js';

/** Cases, media and their occurrences, signals, ingests and the durable job queue. */
export const migration0001: Migration = {
  version: 1,
  name: 'evidence-core',
  sql: `
CREATE TABLE haven_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO haven_meta (key, value) VALUES ('database_id', gen_random_uuid()::text);

CREATE TABLE cases (
  id uuid PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  title text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);

CREATE TABLE ingests (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  state text NOT NULL CHECK (state IN ('enumerating', 'processing', 'done', 'failed')),
  -- identifies "the same ingest" so that running it again resumes instead of duplicating
  fingerprint text NOT NULL,
  sources jsonb NOT NULL,
  operator text NOT NULL,
  host text NOT NULL,
  tool_version text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  runs integer NOT NULL DEFAULT 1
);
CREATE INDEX ingests_case ON ingests (case_id, started_at);
CREATE INDEX ingests_fingerprint ON ingests (fingerprint, started_at);

CREATE TABLE media (
  id uuid PRIMARY KEY,
  sha256 bytea NOT NULL UNIQUE,
  size bigint NOT NULL,
  mime text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('image', 'video', 'archive', 'other')),
  format text,
  width integer,
  height integer,
  -- 'done', 'pending' (waiting for a later processor, e.g. video), 'error' (content could not be analysed)
  analysis_state text NOT NULL CHECK (analysis_state IN ('done', 'pending', 'error')),
  analysis_error text,
  metadata jsonb,
  thumbnail_sha256 bytea,
  blurred_sha256 bytea,
  first_ingest_id uuid NOT NULL REFERENCES ingests(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_first_ingest ON media (first_ingest_id);

-- Every hash of every medium; ids are what the in-memory indexes return.
CREATE TABLE media_signals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  media_id uuid NOT NULL REFERENCES media(id),
  signal text NOT NULL,
  value bytea NOT NULL,
  quality smallint,
  pipeline text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (media_id, signal, value)
);
CREATE INDEX media_signals_value ON media_signals (signal, value);

-- Removed signal rows, so that persisted indexes can catch up on deletions as well as additions.
CREATE TABLE media_signal_removals (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  signal text NOT NULL,
  signal_id bigint NOT NULL,
  removed_at timestamptz NOT NULL DEFAULT now()
);

-- One row per occurrence of a medium: where it was found, in which case, with its file-system times.
CREATE TABLE media_files (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  media_id uuid NOT NULL REFERENCES media(id),
  case_id uuid NOT NULL REFERENCES cases(id),
  ingest_id uuid NOT NULL REFERENCES ingests(id),
  source_path text NOT NULL,
  source_path_key bytea NOT NULL,
  container_sha256 bytea,
  size bigint NOT NULL,
  modified_at timestamptz,
  accessed_at timestamptz,
  changed_at timestamptz,
  born_at timestamptz,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (media_id, case_id, source_path_key)
);
CREATE INDEX media_files_case ON media_files (case_id);

-- The work list and the triage result of an ingest, one row per file or archive entry.
CREATE TABLE ingest_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ingest_id uuid NOT NULL REFERENCES ingests(id),
  parent_item_id bigint REFERENCES ingest_items(id),
  source_path text NOT NULL,
  source_path_key bytea NOT NULL,
  is_archive_entry boolean NOT NULL DEFAULT false,
  state text NOT NULL CHECK (state IN ('pending', 'done')),
  status text CHECK (status IN ('new', 'exact', 'near', 'error')),
  error_code text,
  error text,
  media_id uuid REFERENCES media(id),
  mime text,
  kind text,
  matches jsonb,
  processed_at timestamptz,
  UNIQUE (ingest_id, source_path_key)
);
CREATE INDEX ingest_items_pending ON ingest_items (ingest_id, id) WHERE state = 'pending';

CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue text NOT NULL,
  key text NOT NULL UNIQUE,
  payload jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  run_after timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_ready ON jobs (queue, run_after) WHERE state IN ('queued', 'running');
`,
};
