import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { commentRepository, type CommentKind, type CommentRecord } from '#haven/leads/comment.repository.js';
import { notificationService } from '#haven/leads/notification.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext } from '#haven/series/series.types.js';

export type { CommentRecord };

/**
 * Comments and leads on a series: visible to every agency that sees the series, written by any of
 * them. Mentions name agencies that can see the series (a mention never reveals a series to an
 * agency outside its sharing).
 */
export const commentService = {
  async list(db: Queryable, actor: Actor, seriesId: string): Promise<CommentRecord[]> {
    await seriesService.requireVisible(db, actor, seriesId);
    return commentRepository.ofSeries(db, seriesId);
  },

  async create(
    tx: Queryable,
    actor: Actor,
    seriesId: string,
    request: { body: string; kind: CommentKind; parentId?: string | undefined; mentions: readonly string[] },
    audit: AuditContext,
  ): Promise<CommentRecord> {
    const series = await seriesService.requireVisible(tx, actor, seriesId);
    if (actor.agencyId === null) {
      throw havenError('FORBIDDEN', { permission: 'series.contribute (no agency)' });
    }
    if (request.parentId !== undefined) {
      const parent = await commentRepository.get(tx, request.parentId);
      if (!parent || parent.seriesId !== seriesId) {
        throw havenError('VALIDATION_FAILED', {
          issues: `parentId: no comment ${request.parentId} on this series`,
        });
      }
    }
    const mentions = [...new Set(request.mentions)];
    for (const agencyId of mentions) {
      // The same words for an agency that does not exist and one outside the series' sharing.
      if (
        !(await agencyService.get(tx, agencyId)) ||
        !(await seriesService.agencyCanSee(tx, seriesId, agencyId))
      ) {
        throw havenError('VALIDATION_FAILED', {
          issues: `mentions: agency ${agencyId} cannot see this series (share it first)`,
        });
      }
    }
    const id = randomUUID();
    await commentRepository.insert(tx, {
      id,
      seriesId,
      parentId: request.parentId ?? null,
      kind: request.kind,
      agencyId: actor.agencyId,
      authorName: actor.name,
      body: request.body,
      mentions,
    });
    await auditService.record(tx, {
      actor,
      action: `series.${request.kind}`,
      outcome: 'ok',
      objectType: 'series',
      objectId: seriesId,
      details: { comment: id, mentions },
      ...audit,
    });
    const agency = await agencyService.get(tx, actor.agencyId);
    const by = agency?.name ?? actor.name;
    if (series.agencyId !== actor.agencyId) {
      await notificationService.notify(tx, {
        agencyIds: [series.agencyId],
        kind: 'series_commented',
        seriesId,
        message: `${by} added a ${request.kind} on series ${series.number}`,
        details: { comment: id, agency: by },
      });
    }
    await notificationService.notify(tx, {
      agencyIds: mentions.filter((agencyId) => agencyId !== actor.agencyId),
      kind: 'agency_mentioned',
      seriesId,
      message: `${by} mentioned your agency on series ${series.number}`,
      details: { comment: id, agency: by },
    });
    return (await commentRepository.get(tx, id))!;
  },
};
