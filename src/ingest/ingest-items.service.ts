import { ingestRepository } from '#haven/ingest/ingest.repository.js';
import type { ItemStatus } from '#haven/ingest/ingest.types.js';
import type { TriageMatch } from '#haven/matching/triage.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

/**
 * How a later analysis (video) completes the items ingest reported provisionally: a video is
 * recorded with its exact-hash outcome at once and gets its near matches when its frames are known.
 */
export const ingestItemsService = {
  itemsAwaitingVideo: (db: Queryable, mediaId: string): Promise<{ id: number; ingestId: string }[]> =>
    ingestRepository.itemsAwaitingVideo(db, mediaId),

  setResult: (
    tx: Queryable,
    itemId: number,
    result: {
      status: ItemStatus;
      matches: readonly TriageMatch[];
      errorCode: string | null;
      error: string | null;
    },
  ): Promise<void> => ingestRepository.setItemResult(tx, itemId, result),
};
