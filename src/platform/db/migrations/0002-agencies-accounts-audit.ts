import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Member agencies, users, sessions, API tokens, case ownership and sharing, uploads into ingests,
 * and the hash-chained audit log.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'agencies-accounts-audit',
  sql: `
CREATE TABLE agencies (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  type text NOT NULL CHECK (type IN ('national_police', 'federal_police', 'specialised_unit', 'international',
                                      'prosecution', 'local')),
  contact text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  roles text[] NOT NULL,
  -- TOTP secret sealed with the server's key; NULL until enrolled
  mfa_secret bytea,
  mfa_enabled boolean NOT NULL DEFAULT false,
  -- last accepted TOTP time step: a code is never accepted twice
  mfa_last_step bigint NOT NULL DEFAULT 0,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled boolean NOT NULL DEFAULT false,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_agency ON users (agency_id);

CREATE TABLE mfa_recovery_codes (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
  -- SHA-256 of the cookie value: a stolen database does not yield usable sessions
  id_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- 'mfa_required' (password ok, code pending), 'mfa_enrolment' (must enrol first), 'active'
  stage text NOT NULL CHECK (stage IN ('mfa_required', 'mfa_enrolment', 'active')),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  client_ip text,
  user_agent text,
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  -- permissions the token may use: a subset of its user's
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed logins per client address, for rate limiting across processes.
CREATE TABLE login_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  client_ip text NOT NULL,
  username text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_ip ON login_attempts (client_ip, at);

-- Every case belongs to an agency and is shared at a level.
ALTER TABLE cases ADD COLUMN agency_id uuid REFERENCES agencies(id);
ALTER TABLE cases ADD COLUMN sharing text NOT NULL DEFAULT 'agency' CHECK (sharing IN ('agency', 'selected', 'network'));
CREATE INDEX cases_agency ON cases (agency_id);

CREATE TABLE case_shares (
  case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (case_id, agency_id)
);
CREATE INDEX case_shares_agency ON case_shares (agency_id);

-- Uploads: an ingest can be fed over HTTP; its items then point at stored blobs, not paths.
ALTER TABLE ingests DROP CONSTRAINT ingests_state_check;
ALTER TABLE ingests ADD CONSTRAINT ingests_state_check
  CHECK (state IN ('uploading', 'enumerating', 'processing', 'done', 'failed'));
ALTER TABLE ingests ADD COLUMN origin text NOT NULL DEFAULT 'paths' CHECK (origin IN ('paths', 'upload'));
ALTER TABLE ingests ADD COLUMN created_by_user uuid REFERENCES users(id);
ALTER TABLE ingest_items ADD COLUMN upload_sha256 bytea;
ALTER TABLE ingest_items ADD COLUMN upload_size bigint;

ALTER TABLE jobs ADD COLUMN progress jsonb;

-- The audit log: append only, each row chained to the previous one by hash.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'token', 'system', 'anonymous')),
  actor_id text,
  actor_name text,
  agency_id uuid,
  action text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  object_type text,
  object_id text,
  request_id text,
  client_ip text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX audit_log_agency ON audit_log (agency_id, at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
`,
};
