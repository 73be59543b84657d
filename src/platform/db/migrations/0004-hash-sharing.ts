import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Hash sharing: hash sets (banks) imported from VICS and hash lists, their entries and imports,
 * categorisations with history, negative banks, and provider organisations with their API keys.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'hash-sharing',
  sql: `
CREATE TABLE hash_sets (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  -- 'known': material to find; 'known_good': files to ignore (operating-system and application files)
  purpose text NOT NULL CHECK (purpose IN ('known', 'known_good')),
  source text NOT NULL,
  licence text,
  trust text NOT NULL CHECK (trust IN ('verified', 'trusted', 'unverified')),
  -- category scheme of the entries' codes
  scheme text NOT NULL CHECK (scheme IN ('vics_us', 'uk', 'industry', 'none')),
  -- VICS variant the set was last imported as: the default variant of its exports
  vics_variant text,
  -- offered to provider organisations (through their entitlement) or kept to law enforcement
  provider_shared boolean NOT NULL DEFAULT false,
  -- bumped by every change of entries or negative hashes: matchers rebuild what they cached
  revision bigint NOT NULL DEFAULT 0,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hash_set_imports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hash_set_id uuid NOT NULL REFERENCES hash_sets(id) ON DELETE CASCADE,
  file_name text NOT NULL,
  file_sha256 bytea NOT NULL,
  format text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('replace', 'add')),
  records integer NOT NULL,
  added integer NOT NULL,
  changed integer NOT NULL,
  removed integer NOT NULL,
  skipped integer NOT NULL,
  imported_by text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hash_set_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hash_set_id uuid NOT NULL REFERENCES hash_sets(id) ON DELETE CASCADE,
  -- the source's identifier of the record (VICS MediaID; the hash itself for plain lists)
  media_key text NOT NULL,
  md5 bytea,
  sha1 bytea,
  sha256 bytea,
  pdq bytea,
  -- code in the set's scheme as the source gave it (null: uncategorised)
  category text,
  baseline boolean NOT NULL DEFAULT false,
  -- every field Haven holds of the record (VICS media without its thumbnail), for export
  record jsonb NOT NULL,
  last_import bigint NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  changed_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  UNIQUE (hash_set_id, media_key)
);
CREATE INDEX hash_set_entries_md5 ON hash_set_entries (md5) WHERE md5 IS NOT NULL;
CREATE INDEX hash_set_entries_sha1 ON hash_set_entries (sha1) WHERE sha1 IS NOT NULL;
CREATE INDEX hash_set_entries_sha256 ON hash_set_entries (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX hash_set_entries_changed ON hash_set_entries (changed_at, id);

-- Who categorised what, when, in which scheme: history, never overwritten.
CREATE TABLE categorisations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- exactly one target: a held medium or a hash-set entry
  media_id uuid REFERENCES media(id),
  entry_id bigint REFERENCES hash_set_entries(id) ON DELETE CASCADE,
  scheme text NOT NULL CHECK (scheme IN ('vics_us', 'uk', 'industry')),
  code text NOT NULL,
  baseline boolean NOT NULL DEFAULT false,
  note text,
  decided_by text NOT NULL,
  agency_id uuid REFERENCES agencies(id),
  decided_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((media_id IS NULL) <> (entry_id IS NULL))
);
CREATE INDEX categorisations_media ON categorisations (media_id, decided_at);
CREATE INDEX categorisations_entry ON categorisations (entry_id, decided_at);

-- Confirmed false positives: a probe near one of these does not near-match the set's entries.
CREATE TABLE negative_hashes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hash_set_id uuid NOT NULL REFERENCES hash_sets(id) ON DELETE CASCADE,
  pdq bytea NOT NULL,
  reason text NOT NULL,
  added_by text NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (hash_set_id, pdq)
);

CREATE TABLE provider_orgs (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  -- classifications the provider may receive (e.g. {csam}); baseline_only narrows to Baseline
  classifications text[] NOT NULL,
  baseline_only boolean NOT NULL DEFAULT false,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

-- Provider keys are their own kind of credential: they authenticate no user and reach only the
-- provider routes.
CREATE TABLE provider_keys (
  id uuid PRIMARY KEY,
  provider_id uuid NOT NULL REFERENCES provider_orgs(id) ON DELETE CASCADE,
  name text NOT NULL,
  key_hash bytea NOT NULL UNIQUE,
  requests_per_minute integer NOT NULL CHECK (requests_per_minute > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Calls per key per minute, shared by every server process.
CREATE TABLE provider_key_usage (
  key_id uuid NOT NULL REFERENCES provider_keys(id) ON DELETE CASCADE,
  minute timestamptz NOT NULL,
  calls integer NOT NULL,
  PRIMARY KEY (key_id, minute)
);

CREATE TABLE provider_feedback (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider_id uuid NOT NULL REFERENCES provider_orgs(id) ON DELETE CASCADE,
  signal text NOT NULL,
  value bytea NOT NULL,
  verdict text NOT NULL CHECK (verdict IN ('confirmed', 'false_positive')),
  note text,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_feedback_value ON provider_feedback (signal, value);

-- Triage of an ingest item against hash sets (known material, known-good files).
ALTER TABLE ingest_items ADD COLUMN list_matches jsonb;
`,
};
