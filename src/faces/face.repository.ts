import type {
  PlacedFace,
  FaceRecord,
  FaceSettings,
  SuggestionRecord,
  SuggestionState,
} from '#haven/faces/face.types.js';
import { embeddingFromBytes, embeddingToBytes } from '#haven/faces/face-math.js';
import { asBuffer } from '#haven/platform/db/bytes.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface FaceRow extends Record<string, unknown> {
  id: number;
  media_id: string;
  sha256: Uint8Array;
  frame_position: number | null;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  score: number;
  quality: number;
  embedding: Uint8Array;
}

const toFace = (row: FaceRow): FaceRecord => ({
  id: row.id,
  mediaId: row.media_id,
  sha256: row.sha256,
  framePosition: row.frame_position,
  box: { x: row.box_x, y: row.box_y, width: row.box_w, height: row.box_h },
  score: row.score,
  quality: row.quality,
  embedding: embeddingFromBytes(row.embedding),
});

const FACE_COLUMNS = `f.id::integer AS id, f.media_id, m.sha256, f.frame_position, f.box_x, f.box_y, f.box_w, f.box_h,
  f.score, f.quality, f.embedding`;

interface SuggestionRow extends Record<string, unknown> {
  id: number;
  face_id: number;
  other_face_id: number;
  media_id: string;
  other_media_id: string;
  series_id: string;
  other_series_id: string;
  score: number;
  state: SuggestionState;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

const toSuggestion = (row: SuggestionRow): SuggestionRecord => ({
  id: row.id,
  faceId: row.face_id,
  otherFaceId: row.other_face_id,
  mediaId: row.media_id,
  otherMediaId: row.other_media_id,
  seriesId: row.series_id,
  otherSeriesId: row.other_series_id,
  score: row.score,
  state: row.state,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
  createdAt: row.created_at,
});

const SUGGESTION_SELECT = `SELECT s.id::integer AS id, s.face_id::integer AS face_id,
  s.other_face_id::integer AS other_face_id, fa.media_id, fb.media_id AS other_media_id, s.series_id,
  s.other_series_id, s.score, s.state, s.decided_by, s.decided_at, s.created_at
  FROM face_suggestions s JOIN faces fa ON fa.id = s.face_id JOIN faces fb ON fb.id = s.other_face_id`;

export interface FaceRunDraft {
  readonly kind: 'media' | 'search';
  readonly mediaId: string | null;
  readonly agencyId: string | null;
  readonly actor: string;
  readonly model: string;
  readonly faces: number;
  readonly millis: number;
  readonly error: string | null;
}

export const faceRepository = {
  async settings(db: Queryable, agencyId: string): Promise<FaceSettings> {
    const rows = await db.query<{ enabled: boolean; updated_by: string; updated_at: Date }>(
      'SELECT enabled, updated_by, updated_at FROM face_settings WHERE agency_id = $1',
      [agencyId],
    );
    const row = rows[0];
    return {
      agencyId,
      enabled: row?.enabled ?? false,
      updatedBy: row?.updated_by ?? null,
      updatedAt: row?.updated_at ?? null,
    };
  },

  async setEnabled(tx: Queryable, agencyId: string, enabled: boolean, by: string): Promise<void> {
    await tx.query(
      `INSERT INTO face_settings (agency_id, enabled, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (agency_id) DO UPDATE SET enabled = $2, updated_by = $3, updated_at = now()`,
      [agencyId, enabled, by],
    );
  },

  /**
   * Decoded images held in a case of an opted-in agency (or of the given one) that have no
   * successful face run yet, oldest first.
   */
  async pendingMedia(db: Queryable, agencyId: string | null, limit: number): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `SELECT m.id FROM media m
       WHERE m.kind IN ('image', 'video') AND m.analysis_state = 'done'
         AND EXISTS (SELECT 1 FROM media_files mf JOIN cases c ON c.id = mf.case_id
                     JOIN face_settings fs ON fs.agency_id = c.agency_id AND fs.enabled
                     WHERE mf.media_id = m.id AND ($1::uuid IS NULL OR c.agency_id = $1::uuid))
         AND NOT EXISTS (SELECT 1 FROM face_runs r WHERE r.media_id = m.id AND r.kind = 'media' AND r.error IS NULL)
       ORDER BY m.created_at, m.id LIMIT $2`,
      [agencyId, limit],
    );
    return rows.map((row) => row.id);
  },

  /** Whether an agency holding the medium opted in to face processing. */
  async optedInHolder(db: Queryable, mediaId: string): Promise<boolean> {
    const rows = await db.query(
      `SELECT 1 FROM media_files mf JOIN cases c ON c.id = mf.case_id
       JOIN face_settings fs ON fs.agency_id = c.agency_id AND fs.enabled
       WHERE mf.media_id = $1 LIMIT 1`,
      [mediaId],
    );
    return rows.length > 0;
  },

  /**
   * Serialises recording a medium's faces until the transaction ends: two scans (one per agency
   * that opted in) may reach the same medium at once, and only one may record it.
   */
  async lockMedia(tx: Queryable, mediaId: string): Promise<void> {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('faces:' || $1::text, 0))", [mediaId]);
  },

  async hasRun(db: Queryable, mediaId: string): Promise<boolean> {
    const rows = await db.query(
      "SELECT 1 FROM face_runs WHERE media_id = $1 AND kind = 'media' AND error IS NULL LIMIT 1",
      [mediaId],
    );
    return rows.length > 0;
  },

  async insertRun(tx: Queryable, run: FaceRunDraft): Promise<void> {
    await tx.query(
      `INSERT INTO face_runs (kind, media_id, agency_id, actor, model, faces, millis, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [run.kind, run.mediaId, run.agencyId, run.actor, run.model, run.faces, run.millis, run.error],
    );
  },

  async insertFaces(
    tx: Queryable,
    mediaId: string,
    faces: readonly PlacedFace[],
    model: string,
  ): Promise<void> {
    for (const [ordinal, face] of faces.entries()) {
      await tx.query(
        `INSERT INTO faces (media_id, ordinal, frame_position, box_x, box_y, box_w, box_h, score, quality,
                            embedding, model)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (media_id, ordinal) DO NOTHING`,
        [
          mediaId,
          ordinal,
          face.framePosition,
          face.box.x,
          face.box.y,
          face.box.width,
          face.box.height,
          face.score,
          face.quality,
          asBuffer(embeddingToBytes(face.embedding)),
          model,
        ],
      );
    }
  },

  /** Stored faces with ids above `afterId`, in id order (to grow an in-memory index). */
  async facesAfter(db: Queryable, afterId: number, limit: number): Promise<FaceRecord[]> {
    const rows = await db.query<FaceRow>(
      `SELECT ${FACE_COLUMNS} FROM faces f JOIN media m ON m.id = f.media_id
       WHERE f.id > $1 ORDER BY f.id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map(toFace);
  },

  async facesOfMedia(db: Queryable, mediaIds: readonly string[]): Promise<FaceRecord[]> {
    if (mediaIds.length === 0) {
      return [];
    }
    const rows = await db.query<FaceRow>(
      `SELECT ${FACE_COLUMNS} FROM faces f JOIN media m ON m.id = f.media_id
       WHERE f.media_id = ANY($1::uuid[]) ORDER BY f.media_id, f.ordinal`,
      [mediaIds],
    );
    return rows.map(toFace);
  },

  async face(db: Queryable, id: number): Promise<FaceRecord | undefined> {
    const rows = await db.query<FaceRow>(
      `SELECT ${FACE_COLUMNS} FROM faces f JOIN media m ON m.id = f.media_id WHERE f.id = $1`,
      [id],
    );
    return rows.map(toFace)[0];
  },

  /** Records a suggestion once; a decided one keeps its decision. */
  async upsertSuggestion(
    tx: Queryable,
    s: { faceId: number; otherFaceId: number; seriesId: string; otherSeriesId: string; score: number },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO face_suggestions (face_id, other_face_id, series_id, other_series_id, score)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (face_id, other_face_id, series_id, other_series_id) DO NOTHING`,
      [s.faceId, s.otherFaceId, s.seriesId, s.otherSeriesId, s.score],
    );
  },

  async suggestionsOfSeries(db: Queryable, seriesId: string): Promise<SuggestionRecord[]> {
    const rows = await db.query<SuggestionRow>(
      `${SUGGESTION_SELECT} WHERE s.series_id = $1 ORDER BY s.score DESC, s.id`,
      [seriesId],
    );
    return rows.map(toSuggestion);
  },

  /** Media that have at least one face good enough to suggest with. */
  async mediaWithFaces(db: Queryable, minQuality: number): Promise<string[]> {
    const rows = await db.query<{ media_id: string }>(
      'SELECT DISTINCT media_id FROM faces WHERE quality >= $1 ORDER BY media_id',
      [minQuality],
    );
    return rows.map((row) => row.media_id);
  },

  async suggestion(db: Queryable, id: number): Promise<SuggestionRecord | undefined> {
    const rows = await db.query<SuggestionRow>(`${SUGGESTION_SELECT} WHERE s.id = $1 FOR UPDATE OF s`, [id]);
    return rows.map(toSuggestion)[0];
  },

  async decide(
    tx: Queryable,
    id: number,
    state: 'accepted' | 'rejected',
    by: { name: string; userId: string | null },
  ): Promise<void> {
    await tx.query(
      `UPDATE face_suggestions SET state = $2, decided_by = $3, decided_by_user = $4, decided_at = now()
       WHERE id = $1`,
      [id, state, by.name, by.userId],
    );
  },

  async runs(db: Queryable, limit: number): Promise<(FaceRunDraft & { ranAt: Date })[]> {
    const rows = await db.query<{
      kind: 'media' | 'search';
      media_id: string | null;
      agency_id: string | null;
      actor: string;
      model: string;
      faces: number;
      millis: number;
      error: string | null;
      ran_at: Date;
    }>('SELECT * FROM face_runs ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      kind: r.kind,
      mediaId: r.media_id,
      agencyId: r.agency_id,
      actor: r.actor,
      model: r.model,
      faces: r.faces,
      millis: r.millis,
      error: r.error,
      ranAt: r.ran_at,
    }));
  },
};
