import { randomUUID } from 'node:crypto';
import type { Queryable } from '#haven/platform/db/database.js';
import { mediaRepository } from '#haven/media/media.repository.js';
import type {
  DeferredOutcome,
  MediaDetail,
  MediaDraft,
  MediaFacts,
  MediaFileDraft,
  MediaRef,
  MediaSummary,
  Occurrence,
} from '#haven/media/media.types.js';
import type { Actor } from '#haven/access/actor.js';
import { accessService, sharingScopeOf } from '#haven/access/access.service.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

export const mediaService = {
  /** The medium if the actor may see it (it occurs in a case visible to them); NOT_FOUND otherwise. */
  async visibleDetail(db: Queryable, actor: Actor, id: string): Promise<MediaDetail> {
    const detail = await mediaRepository.detail(db, id);
    if (!detail || !(await accessService.visibleMedia(db, actor, [id])).has(id)) {
      throw havenError('NOT_FOUND');
    }
    return detail;
  },

  visibleOccurrences: (db: Queryable, actor: Actor, id: string): Promise<Occurrence[]> =>
    mediaRepository.occurrences(db, id, accessService.caseVisibleSql('c', '$2'), [sharingScopeOf(actor)]),

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

  facts: (db: Queryable, ids: readonly string[]): Promise<MediaFacts[]> => mediaRepository.facts(db, ids),
  completeDeferred: (tx: Queryable, id: string, outcome: DeferredOutcome): Promise<void> =>
    mediaRepository.completeDeferred(tx, id, outcome),

  /** Stored facts about a medium, whoever asks (jobs); routes use visibleDetail. */
  detail: (db: Queryable, id: string): Promise<MediaDetail | undefined> => mediaRepository.detail(db, id),

  summaries: (db: Queryable, ids: readonly string[], exceptIngestId?: string): Promise<MediaSummary[]> =>
    mediaRepository.summaries(db, ids, exceptIngestId),
};
