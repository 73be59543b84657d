import type { Queryable } from '#haven/platform/db/database.js';
import {
  signalValuesRepository,
  type SignalValueDraft,
  type StoredSignalValue,
} from '#haven/matching/signal-values.repository.js';

export type { SignalValueDraft, StoredSignalValue };

/** How other capabilities record the hashes of a medium (the matching indexes are built from them). */
export const signalValuesService = {
  /** Stores the values not yet held for this medium; returns the rows added (to index at once). */
  record: (
    tx: Queryable,
    mediaId: string,
    values: readonly SignalValueDraft[],
  ): Promise<StoredSignalValue[]> => signalValuesRepository.insertMissing(tx, mediaId, values),

  /** The medium each stored value row belongs to (rows since removed are absent). */
  mediaOfRows: (db: Queryable, ids: readonly number[]): Promise<Map<number, string>> =>
    signalValuesRepository.mediaOfRows(db, ids),

  valuesOf: (db: Queryable, mediaId: string): Promise<StoredSignalValue[]> =>
    signalValuesRepository.valuesOfMedia(db, mediaId),
};
