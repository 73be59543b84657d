import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * The investigators' workspace: series and their history, victims and offenders, locations,
 * visual clues, comments and leads, notifications, taskforce sprints.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'series-workspace',
  sql: `
-- Human-readable numbers (series, victims, offenders) per kind, country and year. Incrementing a
-- row locks it until commit, so concurrent processes never hand out the same number.
CREATE TABLE number_counters (
  kind text NOT NULL,
  country char(2) NOT NULL,
  year integer NOT NULL,
  last integer NOT NULL,
  PRIMARY KEY (kind, country, year)
);

CREATE TABLE series (
  id uuid PRIMARY KEY,
  number text NOT NULL UNIQUE,
  title text NOT NULL,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  sharing text NOT NULL DEFAULT 'agency' CHECK (sharing IN ('agency', 'selected', 'network')),
  status text NOT NULL DEFAULT 'found' CHECK (status IN ('found', 'compared', 'analysed', 'country_identified',
                                  'disseminated', 'local_investigation', 'victim_identified')),
  offender_identified boolean NOT NULL DEFAULT false,
  notes text NOT NULL DEFAULT '',
  probable_country char(2) CHECK (probable_country ~ '^[A-Z]{2}$'),
  country_confidence text CHECK (country_confidence IN ('low', 'medium', 'high')),
  country_evidence text,
  -- set when the victim is identified (status or a linked victim), for "already identified by"
  victim_identified_at timestamptz,
  victim_identified_by uuid REFERENCES agencies(id),
  -- a merged series lives on as history only
  merged_into uuid REFERENCES series(id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX series_agency ON series (agency_id);

CREATE TABLE series_shares (
  series_id uuid NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (series_id, agency_id)
);
CREATE INDEX series_shares_agency ON series_shares (agency_id);

CREATE TABLE series_media (
  series_id uuid NOT NULL REFERENCES series(id),
  media_id uuid NOT NULL REFERENCES media(id),
  added_at timestamptz NOT NULL DEFAULT now(),
  added_by text NOT NULL,
  PRIMARY KEY (series_id, media_id)
);
CREATE INDEX series_media_media ON series_media (media_id);

-- Everything that happened to a series, in order (status changes, media moves, merges, splits).
CREATE TABLE series_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  series_id uuid NOT NULL REFERENCES series(id),
  kind text NOT NULL,
  agency_id uuid REFERENCES agencies(id),
  actor_name text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX series_events_series ON series_events (series_id, id);

CREATE TABLE victims (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  sex text NOT NULL CHECK (sex IN ('female', 'male', 'unknown')),
  age_min smallint CHECK (age_min BETWEEN 0 AND 30),
  age_max smallint CHECK (age_max BETWEEN 0 AND 30),
  identified boolean NOT NULL DEFAULT false,
  identified_by uuid REFERENCES agencies(id),
  identified_at date,
  safeguarded_at date,
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (age_min IS NULL OR age_max IS NULL OR age_min <= age_max)
);

CREATE TABLE offenders (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  identified boolean NOT NULL DEFAULT false,
  arrested_at date,
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE series_victims (
  series_id uuid NOT NULL REFERENCES series(id),
  victim_id uuid NOT NULL REFERENCES victims(id),
  PRIMARY KEY (series_id, victim_id)
);
CREATE INDEX series_victims_victim ON series_victims (victim_id);

CREATE TABLE series_offenders (
  series_id uuid NOT NULL REFERENCES series(id),
  offender_id uuid NOT NULL REFERENCES offenders(id),
  PRIMARY KEY (series_id, offender_id)
);
CREATE INDEX series_offenders_offender ON series_offenders (offender_id);

CREATE TABLE clues (
  id uuid PRIMARY KEY,
  series_id uuid NOT NULL REFERENCES series(id),
  media_id uuid NOT NULL REFERENCES media(id),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  kind text NOT NULL CHECK (kind IN ('object', 'text', 'logo', 'clothing', 'electrical_fitting', 'packaging',
                                     'landscape', 'other')),
  x integer NOT NULL CHECK (x >= 0),
  y integer NOT NULL CHECK (y >= 0),
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  note text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clues_series ON clues (series_id);

CREATE TABLE places (
  id uuid PRIMARY KEY,
  series_id uuid NOT NULL REFERENCES series(id),
  media_id uuid REFERENCES media(id),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  description text NOT NULL,
  latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  country char(2),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE INDEX places_series ON places (series_id);

CREATE TABLE series_comments (
  id uuid PRIMARY KEY,
  series_id uuid NOT NULL REFERENCES series(id),
  parent_id uuid REFERENCES series_comments(id),
  kind text NOT NULL CHECK (kind IN ('comment', 'lead')),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  author_name text NOT NULL,
  body text NOT NULL,
  mentions uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX series_comments_series ON series_comments (series_id, created_at);

-- In-app notifications go to an agency; each of its users marks them read for themselves.
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  kind text NOT NULL,
  series_id uuid REFERENCES series(id),
  message text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- the same event (e.g. one ingest matching one series) notifies once, even when re-run
  dedupe_key text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_agency ON notifications (agency_id, created_at);

CREATE TABLE notification_reads (
  notification_id uuid NOT NULL REFERENCES notifications(id),
  user_id uuid NOT NULL REFERENCES users(id),
  read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (notification_id, user_id)
);

CREATE TABLE sprints (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (starts_on <= ends_on)
);

CREATE TABLE sprint_agencies (
  sprint_id uuid NOT NULL REFERENCES sprints(id),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (sprint_id, agency_id)
);
CREATE INDEX sprint_agencies_agency ON sprint_agencies (agency_id);

CREATE TABLE sprint_series (
  sprint_id uuid NOT NULL REFERENCES sprints(id),
  series_id uuid NOT NULL REFERENCES series(id),
  assigned_agency_id uuid NOT NULL REFERENCES agencies(id),
  outcome text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'country_found', 'no_country',
                                                            'needs_more_work')),
  probable_country char(2) CHECK (probable_country ~ '^[A-Z]{2}$'),
  note text NOT NULL DEFAULT '',
  evaluated_at timestamptz,
  evaluated_by text,
  disseminated_at timestamptz,
  PRIMARY KEY (sprint_id, series_id)
);
`,
};
