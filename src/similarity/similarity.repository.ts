import type { Queryable } from '#haven/platform/db/database.js';
import type { LocalFeatures } from '#haven/signals/orb/orb-features.js';

export interface PendingImage {
  readonly mediaId: string;
  readonly sha256: Uint8Array;
  readonly mime: string;
}

export interface StoredFeatures extends LocalFeatures {
  readonly featureId: number;
  readonly mediaId: string;
  readonly sha256: Uint8Array;
}

interface FeatureRow extends Record<string, unknown> {
  id: string | number;
  media_id: string;
  sha256: Uint8Array;
  width: number;
  height: number;
  keypoints: number;
  points: Uint8Array;
  descriptors: Uint8Array;
}

function toFeatures(row: FeatureRow): StoredFeatures {
  const pointBytes = Uint8Array.from(row.points);
  return {
    featureId: Number(row.id),
    mediaId: row.media_id,
    sha256: Uint8Array.from(row.sha256),
    width: row.width,
    height: row.height,
    count: row.keypoints,
    points: new Float32Array(pointBytes.buffer, 0, row.keypoints * 2),
    descriptors: Uint8Array.from(row.descriptors),
  };
}

function pointBytes(points: Float32Array): Buffer {
  return Buffer.from(points.buffer, points.byteOffset, points.byteLength);
}

/**
 * Held still images without a row of this signal and pipeline in `table` (one per extracted
 * signal), oldest first.
 */
export async function imagesWithoutRow(
  db: Queryable,
  table: 'similarity_features' | 'similarity_globals',
  signal: string,
  pipeline: string,
  limit: number,
): Promise<PendingImage[]> {
  const rows = await db.query<{ id: string; sha256: Uint8Array; mime: string }>(
    `SELECT m.id, m.sha256, m.mime FROM media m
      WHERE m.kind = 'image' AND m.analysis_state = 'done'
        AND NOT EXISTS (SELECT 1 FROM ${table} x
                         WHERE x.media_id = m.id AND x.signal = $1 AND x.pipeline = $2)
      ORDER BY m.created_at, m.id LIMIT $3`,
    [signal, pipeline, limit],
  );
  return rows.map((row) => ({ mediaId: row.id, sha256: Uint8Array.from(row.sha256), mime: row.mime }));
}

/** The only SQL of place and object search. */
export const similarityRepository = {
  /** Still images that have no feature row of this pipeline yet (new, or made by an older recipe). */
  async pendingImages(
    db: Queryable,
    signal: string,
    pipeline: string,
    limit: number,
  ): Promise<PendingImage[]> {
    return imagesWithoutRow(db, 'similarity_features', signal, pipeline, limit);
  },

  async image(db: Queryable, mediaId: string): Promise<PendingImage | undefined> {
    const rows = await db.query<{ id: string; sha256: Uint8Array; mime: string }>(
      `SELECT id, sha256, mime FROM media WHERE id = $1 AND kind = 'image'`,
      [mediaId],
    );
    const row = rows[0];
    return row ? { mediaId: row.id, sha256: Uint8Array.from(row.sha256), mime: row.mime } : undefined;
  },

  /** Hash and size of these still images (results found by global descriptor alone). */
  async imagesOf(
    db: Queryable,
    mediaIds: readonly string[],
  ): Promise<{ mediaId: string; sha256: Uint8Array; width: number; height: number }[]> {
    if (mediaIds.length === 0) {
      return [];
    }
    const rows = await db.query<{
      id: string;
      sha256: Uint8Array;
      width: number | null;
      height: number | null;
    }>(`SELECT id, sha256, width, height FROM media WHERE id = ANY($1::uuid[]) AND kind = 'image'`, [
      mediaIds,
    ]);
    return rows.map((row) => ({
      mediaId: row.id,
      sha256: Uint8Array.from(row.sha256),
      width: row.width ?? 0,
      height: row.height ?? 0,
    }));
  },

  /** Records (or replaces) a medium's features; the new row gets a new id so indexes pick it up. */
  async saveFeatures(
    db: Queryable,
    mediaId: string,
    signal: string,
    pipeline: string,
    features: LocalFeatures,
  ): Promise<void> {
    await db.query('DELETE FROM similarity_features WHERE media_id = $1', [mediaId]);
    await db.query(
      `INSERT INTO similarity_features (media_id, signal, pipeline, state, width, height, keypoints, points, descriptors)
       VALUES ($1, $2, $3, 'done', $4, $5, $6, $7, $8)`,
      [
        mediaId,
        signal,
        pipeline,
        features.width,
        features.height,
        features.count,
        pointBytes(features.points),
        Buffer.from(features.descriptors),
      ],
    );
  },

  async saveError(
    db: Queryable,
    mediaId: string,
    signal: string,
    pipeline: string,
    error: string,
  ): Promise<void> {
    await db.query('DELETE FROM similarity_features WHERE media_id = $1', [mediaId]);
    await db.query(
      `INSERT INTO similarity_features (media_id, signal, pipeline, state, error) VALUES ($1, $2, $3, 'error', $4)`,
      [mediaId, signal, pipeline, error.slice(0, 500)],
    );
  },

  /**
   * What changes whenever the index has something to catch up on: the newest feature row id of
   * this pipeline (every save inserts a new row) and the newest vocabulary id. Two backward index
   * scans, so every search can afford to ask.
   */
  async changeStamp(db: Queryable, signal: string, pipeline: string): Promise<string> {
    const rows = await db.query<{ features: string | number | null; vocabulary: string | number | null }>(
      `SELECT (SELECT id FROM similarity_features WHERE signal = $1 AND pipeline = $2 ORDER BY id DESC LIMIT 1) AS features,
              (SELECT id FROM similarity_vocabularies WHERE signal = $1 AND pipeline = $2 ORDER BY id DESC LIMIT 1) AS vocabulary`,
      [signal, pipeline],
    );
    return `${rows[0]?.features ?? 0}:${rows[0]?.vocabulary ?? 0}`;
  },

  async featureCount(db: Queryable, signal: string, pipeline: string): Promise<number> {
    const rows = await db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM similarity_features WHERE signal = $1 AND pipeline = $2 AND state = 'done' AND keypoints > 0`,
      [signal, pipeline],
    );
    return Number(rows[0]?.n ?? 0);
  },

  /** Feature rows with an id above `afterId`, in id order (the index's incremental catch-up). */
  async featuresAfter(
    db: Queryable,
    signal: string,
    pipeline: string,
    afterId: number,
    limit: number,
  ): Promise<StoredFeatures[]> {
    const rows = await db.query<FeatureRow>(
      `SELECT f.id, f.media_id, m.sha256, f.width, f.height, f.keypoints, f.points, f.descriptors
         FROM similarity_features f JOIN media m ON m.id = f.media_id
        WHERE f.signal = $1 AND f.pipeline = $2 AND f.state = 'done' AND f.keypoints > 0 AND f.id > $3
        ORDER BY f.id LIMIT $4`,
      [signal, pipeline, afterId, limit],
    );
    return rows.map(toFeatures);
  },

  async featuresByIds(db: Queryable, ids: readonly number[]): Promise<StoredFeatures[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await db.query<FeatureRow>(
      `SELECT f.id, f.media_id, m.sha256, f.width, f.height, f.keypoints, f.points, f.descriptors
         FROM similarity_features f JOIN media m ON m.id = f.media_id
        WHERE f.id = ANY($1::bigint[]) AND f.state = 'done'`,
      [ids.map(String)],
    );
    return rows.map(toFeatures);
  },

  async featuresOfMedia(
    db: Queryable,
    mediaId: string,
    signal: string,
    pipeline: string,
  ): Promise<StoredFeatures | undefined> {
    const rows = await db.query<FeatureRow>(
      `SELECT f.id, f.media_id, m.sha256, f.width, f.height, f.keypoints, f.points, f.descriptors
         FROM similarity_features f JOIN media m ON m.id = f.media_id
        WHERE f.media_id = $1 AND f.signal = $2 AND f.pipeline = $3 AND f.state = 'done'`,
      [mediaId, signal, pipeline],
    );
    return rows[0] ? toFeatures(rows[0]) : undefined;
  },

  /** The current local features of these media (global-descriptor candidates to verify). */
  async featuresOfMediaIds(
    db: Queryable,
    mediaIds: readonly string[],
    signal: string,
    pipeline: string,
  ): Promise<StoredFeatures[]> {
    if (mediaIds.length === 0) {
      return [];
    }
    const rows = await db.query<FeatureRow>(
      `SELECT f.id, f.media_id, m.sha256, f.width, f.height, f.keypoints, f.points, f.descriptors
         FROM similarity_features f JOIN media m ON m.id = f.media_id
        WHERE f.media_id = ANY($1::uuid[]) AND f.signal = $2 AND f.pipeline = $3 AND f.state = 'done'`,
      [mediaIds, signal, pipeline],
    );
    return rows.map(toFeatures);
  },

  /** A sample of descriptors to train a vocabulary on: at most `perImage` from each of `images`. */
  async descriptorSample(
    db: Queryable,
    signal: string,
    pipeline: string,
    images: number,
    perImage: number,
  ): Promise<Uint8Array[]> {
    const rows = await db.query<{ descriptors: Uint8Array }>(
      `SELECT substring(descriptors FROM 1 FOR $3) AS descriptors FROM similarity_features
        WHERE signal = $1 AND pipeline = $4 AND state = 'done' AND keypoints > 0
        ORDER BY id LIMIT $2`,
      [signal, images, perImage * 32, pipeline],
    );
    return rows.map((row) => Uint8Array.from(row.descriptors));
  },

  async latestVocabulary(
    db: Queryable,
    signal: string,
    pipeline: string,
  ): Promise<{ id: number; trainedOn: number; bytes: Uint8Array } | undefined> {
    const rows = await db.query<{ id: string | number; trained_on: number; vocabulary: Uint8Array }>(
      `SELECT id, trained_on, vocabulary FROM similarity_vocabularies
        WHERE signal = $1 AND pipeline = $2 ORDER BY id DESC LIMIT 1`,
      [signal, pipeline],
    );
    const row = rows[0];
    return row
      ? { id: Number(row.id), trainedOn: row.trained_on, bytes: Uint8Array.from(row.vocabulary) }
      : undefined;
  },

  async saveVocabulary(
    db: Queryable,
    signal: string,
    pipeline: string,
    trainedOn: number,
    words: number,
    bytes: Uint8Array,
  ): Promise<number> {
    const rows = await db.query<{ id: string | number }>(
      `INSERT INTO similarity_vocabularies (signal, pipeline, trained_on, words, vocabulary)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [signal, pipeline, trainedOn, words, Buffer.from(bytes)],
    );
    return Number(rows[0]!.id);
  },
};
