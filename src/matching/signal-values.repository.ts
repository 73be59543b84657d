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

// Any constant (distinct from the other advisory keys: migrations 4_242_001, audit chain 4_242_002).
// Every transaction that adds media_signals or media_signal_removals rows holds it shared until it
// ends, so that one exclusive try tells a reader whether any such writer is in flight.
const SIGNAL_WRITERS_LOCK = 4_242_003;

const toValue = (row: ValueRow): StoredSignalValue => ({
  id: row.id,
  signal: row.signal,
  value: row.value,
  quality: row.quality,
});

/** The media_signals table: every hash of every medium, the source of truth behind the indexes. */
export const signalValuesRepository = {
  /**
   * Inserts values not yet stored for this medium; returns the rows this call added. Call it inside
   * a transaction: the writers' lock it takes lasts until that transaction ends (see settledMarks).
   */
  async insertMissing(
    tx: Queryable,
    mediaId: string,
    values: readonly SignalValueDraft[],
  ): Promise<StoredSignalValue[]> {
    if (values.length === 0) {
      return [];
    }
    await signalValuesRepository.holdWritersLock(tx);
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

  /**
   * Declares the caller's transaction a writer of media_signals or media_signal_removals until it
   * ends. Take it before the first insert: ids are handed out at insert time, in order, but become
   * visible only at commit, so a reader can only trust ids whose writers have all ended.
   */
  async holdWritersLock(tx: Queryable): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [SIGNAL_WRITERS_LOCK]);
  },

  /**
   * The highest media_signals id and media_signal_removals seq handed out so far, if no writer is in
   * flight now; undefined if one is. When defined, every row up to these marks is either committed
   * (so visible to any query from now on) or rolled back: a reader that reads again from its old
   * checkpoint can then move its checkpoint up to the marks without missing a row. (On a server,
   * concurrent transactions commit in any order: an id below one already seen may still appear.)
   */
  async settledMarks(db: Queryable): Promise<{ signalId: number; removalSeq: number } | undefined> {
    // The marks are read before the writers are checked: a writer that took an id up to a mark held
    // the lock when it did, so it has ended by now if the lock is free.
    const marks = await db.query<{ signal_id: number; removal_seq: number }>(
      `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('media_signals', 'id')::regclass), 0)
                AS signal_id,
              coalesce(pg_sequence_last_value(pg_get_serial_sequence('media_signal_removals', 'seq')::regclass), 0)
                AS removal_seq`,
    );
    // Transaction-scoped and tried, not waited for: released at once, and never holds writers up.
    const quiet = await db.query<{ quiet: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS quiet', [
      SIGNAL_WRITERS_LOCK,
    ]);
    const row = marks[0]!;
    return quiet[0]?.quiet ? { signalId: row.signal_id, removalSeq: row.removal_seq } : undefined;
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

  /** Removals of one signal recorded after `afterSeq` (their writers hold the writers' lock too). */
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
