import type { Queryable } from '#haven/platform/db/database.js';
import { asBuffer } from '#haven/platform/db/bytes.js';
import { fingerprintBytes } from '#haven/video/audio-fingerprint.js';
import type { FrameRow, VideoAnalysis, VideoSummary } from '#haven/video/video.types.js';

interface FrameRecord extends Record<string, unknown> {
  position: number;
  seconds: number;
  until_seconds: number;
  hash: Uint8Array;
  quality: number;
  scene_change: boolean;
  image_sha256: Uint8Array | null;
  blurred_sha256: Uint8Array | null;
}

const toFrame = (row: FrameRecord): FrameRow => ({
  position: row.position,
  seconds: row.seconds,
  untilSeconds: row.until_seconds,
  hash: row.hash,
  quality: row.quality,
  sceneChange: row.scene_change,
  imageSha256: row.image_sha256,
  blurredSha256: row.blurred_sha256,
});

const FRAME_COLUMNS =
  'position, seconds, until_seconds, hash, quality, scene_change, image_sha256, blurred_sha256';

/** The video tables: one analysis per medium and its kept frames. */
export const videoRepository = {
  /** Records an analysis once; running the job again after a crash finds it and writes nothing. */
  async insertAnalysis(
    tx: Queryable,
    mediaId: string,
    analysis: VideoAnalysis,
    sheet: { clear: Uint8Array; blurred: Uint8Array } | null,
  ): Promise<boolean> {
    const { probe } = analysis;
    const rows = await tx.query(
      `INSERT INTO video_analyses (media_id, container, video_codec, audio_codec, duration_seconds, fps, width, height,
                                   has_audio, created_tag, tags, sampling, frames_scanned, audio_fingerprint,
                                   contact_sheet_sha256, contact_sheet_blurred_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (media_id) DO NOTHING RETURNING media_id`,
      [
        mediaId,
        probe.container,
        probe.videoCodec,
        probe.audioCodec,
        probe.durationSeconds,
        probe.fps,
        probe.width,
        probe.height,
        probe.hasAudio,
        probe.createdAt,
        JSON.stringify(probe.tags),
        JSON.stringify(analysis.sampling),
        analysis.framesScanned,
        analysis.audioFingerprint && asBuffer(fingerprintBytes(analysis.audioFingerprint)),
        sheet && asBuffer(sheet.clear),
        sheet && asBuffer(sheet.blurred),
      ],
    );
    if (rows.length === 0) {
      return false;
    }
    const frames = analysis.frames;
    if (frames.length > 0) {
      await tx.query(
        `INSERT INTO video_frames (media_id, ${FRAME_COLUMNS})
         SELECT $1, * FROM unnest($2::int[], $3::float8[], $4::float8[], $5::bytea[], $6::smallint[], $7::bool[],
                                  $8::bytea[], $9::bytea[])`,
        [
          mediaId,
          frames.map((f) => f.position),
          frames.map((f) => f.seconds),
          frames.map((f) => f.untilSeconds),
          frames.map((f) => asBuffer(f.hash)),
          frames.map((f) => f.quality),
          frames.map((f) => f.sceneChange),
          frames.map((f) => f.imageSha256 && asBuffer(f.imageSha256)),
          frames.map((f) => f.blurredSha256 && asBuffer(f.blurredSha256)),
        ],
      );
    }
    return true;
  },

  async summary(db: Queryable, mediaId: string): Promise<VideoSummary | undefined> {
    const rows = await db.query<{
      container: string;
      video_codec: string;
      audio_codec: string | null;
      duration_seconds: number;
      fps: number;
      width: number;
      height: number;
      has_audio: boolean;
      created_tag: string | null;
      tags: Record<string, string>;
      frames_scanned: number;
      frames_kept: number;
      has_sheet: boolean;
      has_fingerprint: boolean;
    }>(
      `SELECT a.container, a.video_codec, a.audio_codec, a.duration_seconds, a.fps, a.width, a.height, a.has_audio,
              a.created_tag, a.tags, a.frames_scanned,
              (SELECT count(*)::int FROM video_frames f WHERE f.media_id = a.media_id) AS frames_kept,
              a.contact_sheet_sha256 IS NOT NULL AS has_sheet, a.audio_fingerprint IS NOT NULL AS has_fingerprint
       FROM video_analyses a WHERE a.media_id = $1`,
      [mediaId],
    );
    const row = rows[0];
    return (
      row && {
        mediaId,
        container: row.container,
        videoCodec: row.video_codec,
        audioCodec: row.audio_codec,
        durationSeconds: row.duration_seconds,
        fps: row.fps,
        width: row.width,
        height: row.height,
        hasAudio: row.has_audio,
        createdTag: row.created_tag,
        tags: row.tags,
        framesScanned: row.frames_scanned,
        framesKept: row.frames_kept,
        hasContactSheet: row.has_sheet,
        hasAudioFingerprint: row.has_fingerprint,
      }
    );
  },

  async frames(db: Queryable, mediaId: string): Promise<FrameRow[]> {
    const rows = await db.query<FrameRecord>(
      `SELECT ${FRAME_COLUMNS} FROM video_frames WHERE media_id = $1 ORDER BY position`,
      [mediaId],
    );
    return rows.map(toFrame);
  },

  /** Kept frames of several videos, for time codes of matches. */
  async framesOfMedia(db: Queryable, mediaIds: readonly string[]): Promise<Map<string, FrameRow[]>> {
    const out = new Map<string, FrameRow[]>();
    if (mediaIds.length === 0) {
      return out;
    }
    const rows = await db.query<FrameRecord & { media_id: string }>(
      `SELECT media_id, ${FRAME_COLUMNS} FROM video_frames WHERE media_id = ANY($1::uuid[]) ORDER BY media_id, position`,
      [mediaIds],
    );
    for (const row of rows) {
      const list = out.get(row.media_id) ?? [];
      list.push(toFrame(row));
      out.set(row.media_id, list);
    }
    return out;
  },

  async contactSheet(
    db: Queryable,
    mediaId: string,
  ): Promise<{ clear: Uint8Array; blurred: Uint8Array } | undefined> {
    const rows = await db.query<{ clear: Uint8Array | null; blurred: Uint8Array | null }>(
      `SELECT contact_sheet_sha256 AS clear, contact_sheet_blurred_sha256 AS blurred FROM video_analyses WHERE media_id = $1`,
      [mediaId],
    );
    const row = rows[0];
    return row?.clear && row.blurred ? { clear: row.clear, blurred: row.blurred } : undefined;
  },

  /** Audio fingerprints of every other analysed video that has one. */
  async audioFingerprints(
    db: Queryable,
    exceptMediaId: string | null,
  ): Promise<{ mediaId: string; fingerprint: Uint8Array }[]> {
    const rows = await db.query<{ media_id: string; audio_fingerprint: Uint8Array }>(
      `SELECT media_id, audio_fingerprint FROM video_analyses
       WHERE audio_fingerprint IS NOT NULL AND media_id IS DISTINCT FROM $1::uuid ORDER BY media_id`,
      [exceptMediaId],
    );
    return rows.map((row) => ({ mediaId: row.media_id, fingerprint: row.audio_fingerprint }));
  },

  async audioFingerprint(db: Queryable, mediaId: string): Promise<Uint8Array | null> {
    const rows = await db.query<{ audio_fingerprint: Uint8Array | null }>(
      `SELECT audio_fingerprint FROM video_analyses WHERE media_id = $1`,
      [mediaId],
    );
    return rows[0]?.audio_fingerprint ?? null;
  },
};

/** Video analysis jobs of an ingest's media not finished yet (queued, running or waiting to retry). */
export async function pendingVideoJobs(db: Queryable, ingestId: string, queue: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM jobs j
     WHERE j.queue = $2 AND j.state IN ('queued', 'running')
       AND (j.payload->>'mediaId')::uuid IN (SELECT media_id FROM ingest_items WHERE ingest_id = $1 AND media_id IS NOT NULL)`,
    [ingestId, queue],
  );
  return rows[0]?.n ?? 0;
}
