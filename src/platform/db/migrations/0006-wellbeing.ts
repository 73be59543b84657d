import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Investigator wellbeing: each user's preview settings (blurred and greyscale unless they relax
 * them) and their exposure log (time spent with material revealed, and the breaks they took).
 */
export const migration0006: Migration = {
  version: 6,
  name: 'wellbeing',
  sql: `
CREATE TABLE wellbeing_settings (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  blur_previews boolean NOT NULL DEFAULT true,
  greyscale_previews boolean NOT NULL DEFAULT true,
  mute_video boolean NOT NULL DEFAULT true,
  break_reminder_minutes integer NOT NULL DEFAULT 30 CHECK (break_reminder_minutes BETWEEN 5 AND 240),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wellbeing_exposure (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('exposure', 'break')),
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL CHECK (ended_at >= started_at),
  seconds integer NOT NULL CHECK (seconds >= 0),
  items integer NOT NULL DEFAULT 0 CHECK (items >= 0)
);
CREATE INDEX wellbeing_exposure_user_time ON wellbeing_exposure (user_id, ended_at);
`,
};
