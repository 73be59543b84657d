import type { Migration } from '#haven/platform/db/migrations/migration.js';

/**
 * Video analysis: what ffprobe found, the kept frames (vPDQ hash, time code, stored picture) and
 * the audio fingerprint. Frame hashes are also media_signals rows (signal 'vpdq', one per distinct
 * hash) so that the in-memory indexes find them; this table gives them their time codes.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'video',
  sql: `
CREATE TABLE video_analyses (
  media_id uuid PRIMARY KEY REFERENCES media(id),
  container text NOT NULL,
  video_codec text NOT NULL,
  audio_codec text,
  duration_seconds double precision NOT NULL,
  fps double precision NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  has_audio boolean NOT NULL,
  created_tag text,
  tags jsonb NOT NULL,
  sampling jsonb NOT NULL,
  frames_scanned integer NOT NULL,
  -- Chromaprint raw fingerprint: little-endian uint32 items, about 8 per second of sound
  audio_fingerprint bytea,
  contact_sheet_sha256 bytea,
  contact_sheet_blurred_sha256 bytea,
  analysed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE video_frames (
  media_id uuid NOT NULL REFERENCES media(id),
  position integer NOT NULL,
  seconds double precision NOT NULL,
  -- the kept frame stands for the near-identical frames up to here
  until_seconds double precision NOT NULL,
  hash bytea NOT NULL,
  quality smallint NOT NULL,
  scene_change boolean NOT NULL,
  image_sha256 bytea,
  blurred_sha256 bytea,
  PRIMARY KEY (media_id, position)
);
CREATE INDEX video_frames_hash ON video_frames (media_id, hash);
`,
};
