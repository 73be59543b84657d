import type { Queryable } from '#haven/platform/db/database.js';
import { asBuffer } from '#haven/platform/db/bytes.js';

export interface SignalValueDraft {
  readonly signal: string;
  readonly value: Uint8Array;
  readonly quality: number | null;
  readonly pipeline: string;
}

export interface StoredSignalValue {
  readonly id: number;
  readonly signal: string;
  readonly value: Uint8Array;
  readonly quality: number | null;
}

interface ValueRow extends Record<string, unknown> {
  id: number;
  signal: string;
  value: Uint8Array;
  quality: number | null;
}

const toValue = (row: ValueRow): StoredSignalValue => ({
  id: row.id,
  signal: row.signal,
  value: row.value,
  quality: row.quality,
});

/** The media_signals table: every hash of every medium, the source of truth behind the indexes. */
export const signalValuesRepository = {
  /** Inserts values not yet stored for this medium; returns the rows this call added. */
  async insertMissing(
    tx: Queryable,
    mediaId: string,
    values: readonly SignalValueDraft[],
  ): Promise<StoredSignalValue[]> {
    if (values.length === 0) {
      return [];
    }
    const rows = await tx.query<ValueRow>(
      `INSERT INTO media_signals (media_id, signal, value, quality, pipeline)
       SELECT $1, * FROM unnest($2::text[], $3::bytea[], $4::smallint[], $5::text[])
       ON CONFLICT (media_id, signal, value) DO NOTHING
       RETURNING id, signal, value, quality`,
      [
        mediaId,
        values.map((v) => v.signal),
        values.map((v) => asBuffer(v.value)),
        values.map((v) => v.quality),
        values.map((v) => v.pipeline),
      ],
    );
    return rows.map(toValue);
  },

  /** Values of one signal stored after `afterId`, in id order (index catch-up). */
  async pageAfter(
    db: Queryable,
    signal: string,
    afterId: number,
    limit: number,
  ): Promise<StoredSignalValue[]> {
    const rows = await db.query<ValueRow>(
      `SELECT id, signal, value, quality FROM media_signals
       WHERE signal = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [signal, afterId, limit],
    );
    return rows.map(toValue);
  },

  async removalsAfter(
    db: Queryable,
    signal: string,
    afterSeq: number,
  ): Promise<{ seq: number; signalId: number }[]> {
    const rows = await db.query<{ seq: number; signal_id: number }>(
      'SELECT seq, signal_id FROM media_signal_removals WHERE signal = $1 AND seq > $2 ORDER BY seq',
      [signal, afterSeq],
    );
    return rows.map((row) => ({ seq: row.seq, signalId: row.signal_id }));
  },

  async latestRemovalSeq(db: Queryable): Promise<number> {
    const rows = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM media_signal_removals');
    return rows[0]?.seq ?? 0;
  },

  /** Media holding any of these exact values. */
  async mediaWithValues(
    db: Queryable,
    probes: readonly { signal: string; value: Uint8Array }[],
  ): Promise<{ mediaId: string; signal: string }[]> {
    if (probes.length === 0) {
      return [];
    }
    const rows = await db.query<{ media_id: string; signal: string }>(
      `SELECT DISTINCT s.media_id, s.signal
       FROM media_signals s
       JOIN unnest($1::text[], $2::bytea[]) AS p(signal, value) ON s.signal = p.signal AND s.value = p.value`,
      [probes.map((p) => p.signal), probes.map((p) => asBuffer(p.value))],
    );
    return rows.map((row) => ({ mediaId: row.media_id, signal: row.signal }));
  },

  /** The medium each signal row belongs to. */
  async mediaOfRows(db: Queryable, ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) {
      return new Map();
    }
    const rows = await db.query<{ id: number; media_id: string }>(
      'SELECT id, media_id FROM media_signals WHERE id = ANY($1::bigint[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.media_id]));
  },

  async valuesOfMedia(db: Queryable, mediaId: string): Promise<StoredSignalValue[]> {
    const rows = await db.query<ValueRow>(
      'SELECT id, signal, value, quality FROM media_signals WHERE media_id = $1 ORDER BY id',
      [mediaId],
    );
    return rows.map(toValue);
  },
};
