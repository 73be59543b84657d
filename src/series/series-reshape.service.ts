import type { Actor } from '#haven/access/actor.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { recordChange as record } from '#haven/series/series-history.js';
import { seriesRepository } from '#haven/series/series.repository.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext, SeriesRecord } from '#haven/series/series.types.js';

/** Merging and splitting series: both sides keep the history of what moved where. */
export const seriesReshapeService = {
  /** Folds other series of the same agency into this one; they remain as history pointing here. */
  async merge(
    tx: Queryable,
    actor: Actor,
    id: string,
    sourceIds: readonly string[],
    audit: AuditContext,
  ): Promise<SeriesRecord> {
    const target = await seriesService.getOwned(tx, actor, id);
    const sources = [...new Set(sourceIds)];
    if (sources.includes(id)) {
      throw havenError('VALIDATION_FAILED', { issues: 'seriesIds: a series cannot be merged into itself' });
    }
    const merged: string[] = [];
    for (const sourceId of sources) {
      const source = await seriesService.getOwned(tx, actor, sourceId);
      await seriesRepository.moveAll(tx, source.id, target.id);
      await seriesRepository.update(tx, source.id, { mergedInto: target.id });
      await record(tx, actor, audit, source.id, 'merged_into', { into: target.id, number: target.number });
      merged.push(source.number);
      if (source.victimIdentifiedAt !== null && target.victimIdentifiedAt === null) {
        await seriesRepository.update(tx, target.id, {
          victimIdentifiedAt: source.victimIdentifiedAt,
          victimIdentifiedBy: source.victimIdentifiedBy,
        });
      }
    }
    await record(tx, actor, audit, target.id, 'merge', { from: sources, numbers: merged });
    return (await seriesRepository.get(tx, id))!;
  },

  /** Moves some media (and the clues and places on them) into a new series of the same agency. */
  async split(
    tx: Queryable,
    actor: Actor,
    id: string,
    request: { mediaIds: readonly string[]; title: string },
    audit: AuditContext,
  ): Promise<SeriesRecord> {
    const source = await seriesService.getOwned(tx, actor, id);
    const held = new Set(await seriesService.mediaIds(tx, id));
    const moving = [...new Set(request.mediaIds)];
    const outside = moving.find((mediaId) => !held.has(mediaId));
    if (outside !== undefined) {
      throw havenError('VALIDATION_FAILED', { issues: `mediaIds: ${outside} is not in this series` });
    }
    if (moving.length === held.size) {
      throw havenError('VALIDATION_FAILED', { issues: 'mediaIds: a split must leave media in the series' });
    }
    const created = await seriesService.create(tx, actor, { title: request.title, mediaIds: [] }, audit, {
      splitFrom: source.id,
    });
    const shares = await seriesRepository.sharedWith(tx, id);
    await seriesRepository.setSharing(tx, created.id, source.sharing, shares);
    await seriesRepository.moveMedia(tx, id, created.id, moving);
    await record(tx, actor, audit, id, 'split', { into: created.id, number: created.number, media: moving });
    await record(tx, actor, audit, created.id, 'split_from', {
      from: id,
      number: source.number,
      media: moving,
    });
    return (await seriesRepository.get(tx, created.id))!;
  },
};
