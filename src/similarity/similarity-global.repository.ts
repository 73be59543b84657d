import type { Queryable } from '#haven/platform/db/database.js';
import { imagesWithoutRow, type PendingImage } from './similarity.repository.js';

/** A stored global descriptor with what a search result needs of its medium. */
export interface StoredDescriptor {
  readonly descriptorId: number;
  readonly mediaId: string;
  readonly sha256: Uint8Array;
  readonly vector: Float32Array;
}

interface DescriptorRow extends Record<string, unknown> {
  id: string | number;
  media_id: string;
  sha256: Uint8Array;
  dimensions: number;
  vector: Uint8Array;
}

function toDescriptor(row: DescriptorRow): StoredDescriptor {
  const bytes = Uint8Array.from(row.vector);
  return {
    descriptorId: Number(row.id),
    mediaId: row.media_id,
    sha256: Uint8Array.from(row.sha256),
    vector: new Float32Array(bytes.buffer, 0, Math.min(row.dimensions, bytes.byteLength >> 2)),
  };
}

const SELECT = `SELECT g.id, g.media_id, m.sha256, g.dimensions, g.vector
  FROM similarity_globals g JOIN media m ON m.id = g.media_id`;

/** The only SQL of global image descriptors. */
export const similarityGlobalRepository = {
  /** Still images without a descriptor row of this pipeline (new, or made by an older recipe). */
  async pendingImages(
    db: Queryable,
    signal: string,
    pipeline: string,
    limit: number,
  ): Promise<PendingImage[]> {
    return imagesWithoutRow(db, 'similarity_globals', signal, pipeline, limit);
  },

  async hasCurrent(db: Queryable, mediaId: string, signal: string, pipeline: string): Promise<boolean> {
    const rows = await db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM similarity_globals WHERE media_id = $1 AND signal = $2 AND pipeline = $3`,
      [mediaId, signal, pipeline],
    );
    return Number(rows[0]?.n ?? 0) > 0;
  },

  /** Records (or replaces) a medium's descriptor; the new row gets a new id so indexes pick it up. */
  async save(
    db: Queryable,
    mediaId: string,
    signal: string,
    pipeline: string,
    vector: Float32Array,
  ): Promise<void> {
    await db.query('DELETE FROM similarity_globals WHERE media_id = $1 AND signal = $2', [mediaId, signal]);
    await db.query(
      `INSERT INTO similarity_globals (media_id, signal, pipeline, state, dimensions, vector)
       VALUES ($1, $2, $3, 'done', $4, $5)`,
      [
        mediaId,
        signal,
        pipeline,
        vector.length,
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
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
    await db.query('DELETE FROM similarity_globals WHERE media_id = $1 AND signal = $2', [mediaId, signal]);
    await db.query(
      `INSERT INTO similarity_globals (media_id, signal, pipeline, state, error) VALUES ($1, $2, $3, 'error', $4)`,
      [mediaId, signal, pipeline, error.slice(0, 500)],
    );
  },

  /** The newest descriptor row id of this pipeline (0 when none): changes whenever one is saved. */
  async latestId(db: Queryable, signal: string, pipeline: string): Promise<number> {
    const rows = await db.query<{ id: string | number }>(
      `SELECT id FROM similarity_globals WHERE signal = $1 AND pipeline = $2 AND state = 'done' ORDER BY id DESC LIMIT 1`,
      [signal, pipeline],
    );
    return Number(rows[0]?.id ?? 0);
  },

  /** Descriptor rows with an id above `afterId`, in id order (the index's incremental catch-up). */
  async after(
    db: Queryable,
    signal: string,
    pipeline: string,
    afterId: number,
    limit: number,
  ): Promise<StoredDescriptor[]> {
    const rows = await db.query<DescriptorRow>(
      `${SELECT} WHERE g.signal = $1 AND g.pipeline = $2 AND g.state = 'done' AND g.id > $3
        ORDER BY g.id LIMIT $4`,
      [signal, pipeline, afterId, limit],
    );
    return rows.map(toDescriptor);
  },

  /** The rows of these ids that still exist (a redone descriptor leaves its old id behind). */
  async byIds(db: Queryable, ids: readonly number[]): Promise<StoredDescriptor[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await db.query<DescriptorRow>(
      `${SELECT} WHERE g.id = ANY($1::bigint[]) AND g.state = 'done'`,
      [ids.map(String)],
    );
    return rows.map(toDescriptor);
  },

  /** The current descriptors of these media (to compare the query with every candidate). */
  async ofMediaIds(
    db: Queryable,
    mediaIds: readonly string[],
    signal: string,
    pipeline: string,
  ): Promise<StoredDescriptor[]> {
    if (mediaIds.length === 0) {
      return [];
    }
    const rows = await db.query<DescriptorRow>(
      `${SELECT} WHERE g.media_id = ANY($1::uuid[]) AND g.signal = $2 AND g.pipeline = $3 AND g.state = 'done'`,
      [mediaIds, signal, pipeline],
    );
    return rows.map(toDescriptor);
  },

  async ofMedia(
    db: Queryable,
    mediaId: string,
    signal: string,
    pipeline: string,
  ): Promise<StoredDescriptor | undefined> {
    const rows = await db.query<DescriptorRow>(
      `${SELECT} WHERE g.media_id = $1 AND g.signal = $2 AND g.pipeline = $3 AND g.state = 'done'`,
      [mediaId, signal, pipeline],
    );
    return rows[0] ? toDescriptor(rows[0]) : undefined;
  },
};
