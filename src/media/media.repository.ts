import type { Queryable } from '#haven/platform/db/database.js';
import { asBuffer } from '#haven/platform/db/bytes.js';
import type {
  MediaDetail,
  MediaFacts,
  Occurrence,
  MediaDraft,
  MediaFileDraft,
  MediaKind,
  MediaRef,
  MediaSummary,
  DeferredOutcome,
} from '#haven/media/media.types.js';

interface MediaRefRow extends Record<string, unknown> {
  id: string;
  sha256: Uint8Array;
  first_ingest_id: string;
  kind: MediaKind;
}

const toRef = (row: MediaRefRow): MediaRef => ({
  id: row.id,
  sha256: row.sha256,
  firstIngestId: row.first_ingest_id,
  kind: row.kind,
});

/** What analysis learned, in the column order format .. blurred_sha256 used by both writes. */
function analysisParams(draft: MediaDraft): unknown[] {
  return [
    draft.format,
    draft.width,
    draft.height,
    draft.analysisState,
    draft.analysisError,
    draft.metadata === null ? null : JSON.stringify(draft.metadata),
    draft.thumbnailSha256 && asBuffer(draft.thumbnailSha256),
    draft.blurredSha256 && asBuffer(draft.blurredSha256),
  ];
}

const finiteOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export const mediaRepository = {
  /** Facts about the given media, in no particular order (unknown ids are left out). */
  async facts(db: Queryable, ids: readonly string[]): Promise<MediaFacts[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await db.query<{
      id: string;
      sha256: Uint8Array;
      size: string | number;
      mime: string;
      kind: MediaKind;
      width: number | null;
      height: number | null;
      latitude: unknown;
      longitude: unknown;
    }>(
      `SELECT id, sha256, size, mime, kind, width, height,
              (metadata->'exif'->>'gpsLatitude')::double precision AS latitude,
              (metadata->'exif'->>'gpsLongitude')::double precision AS longitude
       FROM media WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((row) => {
      const latitude = finiteOrNull(row.latitude);
      const longitude = finiteOrNull(row.longitude);
      return {
        id: row.id,
        sha256: row.sha256,
        size: Number(row.size),
        mime: row.mime,
        kind: row.kind,
        width: row.width,
        height: row.height,
        gps: latitude === null || longitude === null ? null : { latitude, longitude },
      };
    });
  },

  async detail(db: Queryable, id: string): Promise<MediaDetail | undefined> {
    const rows = await db.query<{
      id: string;
      sha256: Uint8Array;
      size: number;
      mime: string;
      kind: MediaKind;
      format: string | null;
      width: number | null;
      height: number | null;
      analysis_state: MediaDetail['analysisState'];
      analysis_error: string | null;
      metadata: Record<string, unknown> | null;
      thumbnail_sha256: Uint8Array | null;
      blurred_sha256: Uint8Array | null;
      created_at: Date;
    }>('SELECT * FROM media WHERE id = $1', [id]);
    const row = rows[0];
    return (
      row && {
        id: row.id,
        sha256: row.sha256,
        size: row.size,
        mime: row.mime,
        kind: row.kind,
        format: row.format,
        width: row.width,
        height: row.height,
        analysisState: row.analysis_state,
        analysisError: row.analysis_error,
        metadata: row.metadata,
        thumbnailSha256: row.thumbnail_sha256,
        blurredSha256: row.blurred_sha256,
        createdAt: row.created_at,
      }
    );
  },

  /** Occurrences of a medium in the cases matching `caseCondition` (SQL over alias c, params from $2). */
  async occurrences(
    db: Queryable,
    id: string,
    caseCondition: string,
    params: readonly unknown[],
  ): Promise<Occurrence[]> {
    const rows = await db.query<{
      case_id: string;
      reference: string;
      source_path: string;
      size: number;
      modified_at: Date | null;
      recorded_at: Date;
    }>(
      `SELECT f.case_id, c.reference, f.source_path, f.size, f.modified_at, f.recorded_at
       FROM media_files f JOIN cases c ON c.id = f.case_id
       WHERE f.media_id = $1 AND ${caseCondition} ORDER BY c.reference, f.source_path LIMIT 1000`,
      [id, ...params],
    );
    return rows.map((row) => ({
      caseId: row.case_id,
      caseReference: row.reference,
      path: row.source_path,
      size: row.size,
      modifiedAt: row.modified_at,
      recordedAt: row.recorded_at,
    }));
  },

  async findBySha256(db: Queryable, sha256: Uint8Array): Promise<MediaRef | undefined> {
    const rows = await db.query<MediaRefRow>(
      'SELECT id, sha256, first_ingest_id, kind FROM media WHERE sha256 = $1',
      [asBuffer(sha256)],
    );
    return rows[0] && toRef(rows[0]);
  },

  /** Inserts the medium unless its SHA-256 is known; returns true when this call created it. */
  async insertIfAbsent(
    db: Queryable,
    id: string,
    draft: MediaDraft,
    firstIngestId: string,
  ): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO media (id, sha256, size, mime, kind, format, width, height, analysis_state, analysis_error,
                          metadata, thumbnail_sha256, blurred_sha256, first_ingest_id)
       VALUES ($1, $2, $3, $4, $5, $7, $8, $9, $10, $11, $12, $13, $14, $6)
       ON CONFLICT (sha256) DO NOTHING RETURNING id`,
      [
        id,
        asBuffer(draft.sha256),
        draft.size,
        draft.mime,
        draft.kind,
        firstIngestId,
        ...analysisParams(draft),
      ],
    );
    return rows.length > 0;
  },

  /** Completes a medium whose earlier analysis failed or was deferred, when a new one succeeded. */
  async upgradeAnalysis(db: Queryable, id: string, draft: MediaDraft): Promise<void> {
    await db.query(
      `UPDATE media SET format = $2, width = $3, height = $4, analysis_state = $5, analysis_error = $6,
              metadata = $7, thumbnail_sha256 = $8, blurred_sha256 = $9
       WHERE id = $1 AND analysis_state <> 'done'`,
      [id, ...analysisParams(draft)],
    );
  },

  async insertFileIfAbsent(db: Queryable, file: MediaFileDraft): Promise<void> {
    await db.query(
      `INSERT INTO media_files (media_id, case_id, ingest_id, source_path, source_path_key, container_sha256, size,
                                modified_at, accessed_at, changed_at, born_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (media_id, case_id, source_path_key) DO NOTHING`,
      [
        file.mediaId,
        file.caseId,
        file.ingestId,
        file.sourcePath,
        asBuffer(file.sourcePathKey),
        file.containerSha256 && asBuffer(file.containerSha256),
        file.size,
        file.modifiedAt,
        file.accessedAt,
        file.changedAt,
        file.bornAt,
      ],
    );
  },

  /**
   * Media with the case references they occur in, for triage results; occurrences recorded by
   * `exceptIngestId` are left out (an ingest is compared with what was held before it).
   */
  async summaries(db: Queryable, ids: readonly string[], exceptIngestId?: string): Promise<MediaSummary[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await db.query<MediaRefRow & { cases: string[] | null }>(
      `SELECT m.id, m.sha256, m.first_ingest_id, m.kind,
              array_remove(array_agg(DISTINCT c.reference ORDER BY c.reference), NULL) AS cases
       FROM media m
       LEFT JOIN media_files f ON f.media_id = m.id AND f.ingest_id IS DISTINCT FROM $2::uuid
       LEFT JOIN cases c ON c.id = f.case_id
       WHERE m.id = ANY($1::uuid[])
       GROUP BY m.id`,
      [ids, exceptIngestId ?? null],
    );
    return rows.map((row) => ({ ...toRef(row), cases: row.cases ?? [] }));
  },
  /** Finishes a medium whose analysis was deferred (video): its outcome, size, metadata and preview. */
  async completeDeferred(db: Queryable, id: string, outcome: DeferredOutcome): Promise<void> {
    await db.query(
      `UPDATE media SET analysis_state = $2, analysis_error = $3, width = COALESCE($4, width), height = COALESCE($5, height),
              metadata = COALESCE($6, metadata), thumbnail_sha256 = COALESCE($7, thumbnail_sha256),
              blurred_sha256 = COALESCE($8, blurred_sha256)
       WHERE id = $1 AND analysis_state = 'pending'`,
      [
        id,
        outcome.analysisState,
        outcome.analysisError,
        outcome.width,
        outcome.height,
        outcome.metadata && JSON.stringify(outcome.metadata),
        outcome.thumbnailSha256 && asBuffer(outcome.thumbnailSha256),
        outcome.blurredSha256 && asBuffer(outcome.blurredSha256),
      ],
    );
  },
};
