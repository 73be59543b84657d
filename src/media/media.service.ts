import { randomUUID } from 'node:crypto';
import type { Queryable } from '#haven/platform/db/database.js';
import { mediaRepository } from '#haven/media/media.repository.js';
import type { MediaDraft, MediaFileDraft, MediaRef, MediaSummary } from '#haven/media/media.types.js';

export const mediaService = {
  /**
   * Records a content (once per SHA-256, however often it is seen) and returns it; `created` says
   * whether this call added it.
   */
  async record(
    tx: Queryable,
    draft: MediaDraft,
    ingestId: string,
  ): Promise<{ readonly media: MediaRef; readonly created: boolean }> {
    const created = await mediaRepository.insertIfAbsent(tx, randomUUID(), draft, ingestId);
    const media = (await mediaRepository.findBySha256(tx, draft.sha256))!;
    if (!created && draft.analysisState === 'done') {
      await mediaRepository.upgradeAnalysis(tx, media.id, draft);
    }
    return { media, created };
  },

  recordFile: (tx: Queryable, file: MediaFileDraft): Promise<void> =>
    mediaRepository.insertFileIfAbsent(tx, file),

  findBySha256: (db: Queryable, sha256: Uint8Array): Promise<MediaRef | undefined> =>
    mediaRepository.findBySha256(db, sha256),

  summaries: (db: Queryable, ids: readonly string[], exceptIngestId?: string): Promise<MediaSummary[]> =>
    mediaRepository.summaries(db, ids, exceptIngestId),
};
