import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { clueRepository } from '#haven/clues/clue.repository.js';
import type { ClueKind, ClueRecord, Rect } from '#haven/clues/clue.types.js';
import { mediaService } from '#haven/media/media.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext } from '#haven/series/series.types.js';

/**
 * Visual clues are drawn by anyone working on a series they may see (the owner, agencies it is
 * shared with, taskforce participants): finding the place is collaborative work.
 */
export const clueService = {
  async list(db: Queryable, actor: Actor, seriesId: string): Promise<ClueRecord[]> {
    await seriesService.requireVisible(db, actor, seriesId);
    return clueRepository.ofSeries(db, [seriesId]);
  },

  /** One clue, if the caller may see its series; NOT_FOUND otherwise (place and object search). */
  async visible(db: Queryable, actor: Actor, clueId: string): Promise<ClueRecord> {
    const clue = await clueRepository.get(db, clueId);
    if (!clue) {
      throw havenError('NOT_FOUND');
    }
    await seriesService.requireVisible(db, actor, clue.seriesId);
    return clue;
  },

  /** Clues of series the caller already checked (dissemination packages). */
  ofSeries: (db: Queryable, seriesIds: readonly string[]): Promise<ClueRecord[]> =>
    clueRepository.ofSeries(db, seriesIds),

  async create(
    tx: Queryable,
    actor: Actor,
    seriesId: string,
    request: { mediaId: string; kind: ClueKind; rect: Rect; note: string },
    audit: AuditContext,
  ): Promise<ClueRecord> {
    const series = await seriesService.requireVisible(tx, actor, seriesId);
    if (series.mergedInto !== null) {
      throw havenError('CONFLICT', { reason: 'This series was merged into another one; add clues there' });
    }
    if (actor.agencyId === null) {
      throw havenError('FORBIDDEN', { permission: 'series.contribute (no agency)' });
    }
    if (!(await seriesService.mediaIds(tx, seriesId)).includes(request.mediaId)) {
      throw havenError('VALIDATION_FAILED', { issues: `mediaId: ${request.mediaId} is not in this series` });
    }
    const [facts] = await mediaService.facts(tx, [request.mediaId]);
    if (!facts || facts.kind !== 'image' || facts.width === null || facts.height === null) {
      throw havenError('VALIDATION_FAILED', { issues: 'mediaId: clues are drawn on decoded images only' });
    }
    const { rect } = request;
    if (rect.x + rect.width > facts.width || rect.y + rect.height > facts.height) {
      throw havenError('VALIDATION_FAILED', {
        issues: `rect: ${rect.width}x${rect.height} at (${rect.x}, ${rect.y}) leaves the ${facts.width}x${facts.height} image`,
      });
    }
    const id = randomUUID();
    await clueRepository.insert(tx, {
      id,
      seriesId,
      mediaId: request.mediaId,
      agencyId: actor.agencyId,
      kind: request.kind,
      rect,
      note: request.note,
      createdBy: actor.name,
    });
    await auditService.record(tx, {
      actor,
      action: 'clue.create',
      outcome: 'ok',
      objectType: 'series',
      objectId: seriesId,
      details: { clue: id, media: request.mediaId, kind: request.kind },
      ...audit,
    });
    return (await clueRepository.get(tx, id))!;
  },

  /** The clue's own agency or the series owner removes it; anyone else who sees it is FORBIDDEN. */
  async remove(
    tx: Queryable,
    actor: Actor,
    seriesId: string,
    clueId: string,
    audit: AuditContext,
  ): Promise<void> {
    const series = await seriesService.requireVisible(tx, actor, seriesId);
    const clue = await clueRepository.get(tx, clueId);
    if (!clue || clue.seriesId !== seriesId) {
      throw havenError('NOT_FOUND');
    }
    if (actor.kind !== 'system' && clue.agencyId !== actor.agencyId && series.agencyId !== actor.agencyId) {
      throw havenError('FORBIDDEN', { permission: 'series.contribute (another agency drew this clue)' });
    }
    await clueRepository.delete(tx, clueId);
    await auditService.record(tx, {
      actor,
      action: 'clue.delete',
      outcome: 'ok',
      objectType: 'series',
      objectId: seriesId,
      details: { clue: clueId, media: clue.mediaId, kind: clue.kind },
      ...audit,
    });
  },
};
