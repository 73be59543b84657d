import { can, type Actor } from '#haven/access/actor.js';
import type { AppealService } from '#haven/appeals/appeal.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { commentService } from '#haven/leads/comment.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { Logger } from '#haven/platform/log/logger.js';
import type { PortalFolder } from '#haven/portal/exchange/portal-folder.js';
import type { AuditContext } from '#haven/series/series.types.js';
import { tipRepository } from '#haven/tips/tip.repository.js';
import type { TipOutcome, TipRecord, TipStatus } from '#haven/tips/tip.types.js';

export interface TipServiceDeps {
  readonly db: Database;
  readonly portal: PortalFolder;
  readonly appeals: AppealService;
  readonly log: Logger;
}

/**
 * The tip inbox of each agency: tips the portal dropped are taken in (stored, then removed from
 * the folder), and tip moderators of the owning agency triage them.
 */
export class TipService {
  constructor(private readonly deps: TipServiceDeps) {}

  /** Takes in every waiting tip; returns how many were new. Unreadable drops are discarded. */
  async takeIn(): Promise<number> {
    const { db, portal, appeals, log } = this.deps;
    let added = 0;
    for (const waiting of await portal.waitingTips()) {
      const tip = waiting.tip;
      const appeal = tip && (await appeals.byPublicId(db, tip.appealPublicId));
      if (!tip || !appeal) {
        log.warn('discarded an unusable tip drop', {
          file: waiting.file,
          reason: tip ? 'unknown appeal' : 'invalid',
        });
      } else if (await db.transaction((tx) => tipRepository.insertIfAbsent(tx, tip, appeal))) {
        added += 1;
      }
      await waiting.remove();
    }
    if (added > 0) {
      await this.refreshFigures();
    }
    return added;
  }

  async inbox(
    actor: Actor,
    filter: { status?: TipStatus | undefined; appealId?: string | undefined; limit: number },
  ): Promise<TipRecord[]> {
    await this.takeIn();
    if (actor.agencyId === null) {
      return [];
    }
    return tipRepository.ofAgency(this.deps.db, actor.agencyId, filter);
  }

  async get(db: Queryable, actor: Actor, id: string, forUpdate = false): Promise<TipRecord> {
    const tip = await tipRepository.get(db, id, forUpdate);
    if (!tip || (actor.kind !== 'system' && tip.agencyId !== actor.agencyId)) {
      throw havenError('NOT_FOUND');
    }
    return tip;
  }

  async mark(
    actor: Actor,
    id: string,
    status: 'useful' | 'not_useful' | 'spam' | 'new',
    audit: AuditContext,
  ): Promise<TipRecord> {
    return this.change(actor, id, audit, 'tip.mark', { status }, (tx) =>
      tipRepository.setStatus(tx, id, { status, duplicateOf: null, byName: actor.name }),
    );
  }

  /** A duplicate points at the tip it repeats, which must be another tip about the same appeal. */
  async merge(actor: Actor, id: string, into: string, audit: AuditContext): Promise<TipRecord> {
    return this.change(actor, id, audit, 'tip.merge', { into }, async (tx, tip) => {
      const target = await this.get(tx, actor, into);
      if (target.id === tip.id || target.appealId !== tip.appealId) {
        throw havenError('VALIDATION_FAILED', { issues: 'into: another tip about the same appeal' });
      }
      if (target.status === 'duplicate') {
        throw havenError('VALIDATION_FAILED', {
          issues: 'into: that tip is itself a duplicate; merge into its original',
        });
      }
      await tipRepository.setStatus(tx, id, { status: 'duplicate', duplicateOf: into, byName: actor.name });
    });
  }

  /** Attaches the tip to the appeal's series as a lead (without the tipster's contact details). */
  async toLead(actor: Actor, id: string, note: string, audit: AuditContext): Promise<TipRecord> {
    return this.change(actor, id, audit, 'tip.lead', {}, async (tx, tip) => {
      if (tip.leadCommentId !== null) {
        throw havenError('CONFLICT', { reason: 'This tip is already a lead' });
      }
      const appeal = await this.deps.appeals.get(tx, actor, tip.appealId);
      if (appeal.seriesId === null) {
        throw havenError('CONFLICT', {
          reason: 'This appeal serves no series: there is nowhere to put the lead',
        });
      }
      const title = Object.values(appeal.texts)[0]?.title ?? appeal.type;
      const lines = [
        `Public tip on appeal "${title}" (${tip.language}, received ${tip.receivedAt.toISOString()}):`,
        tip.body,
        tip.country || tip.city ? `Place: ${[tip.city, tip.country].filter(Boolean).join(', ')}` : '',
        tip.seenWhere ? `Seen where: ${tip.seenWhere}` : '',
        tip.seenWhen ? `Seen when: ${tip.seenWhen}` : '',
        note ? `Moderator: ${note}` : '',
      ].filter(Boolean);
      const comment = await commentService.create(
        tx,
        actor,
        appeal.seriesId,
        { body: lines.join('\n').slice(0, 10_000), kind: 'lead', mentions: [] },
        audit,
      );
      await tipRepository.setLead(tx, id, comment.id, actor.name);
    });
  }

  async setOutcome(
    actor: Actor,
    id: string,
    outcome: { outcome: TipOutcome | null; country: string | null },
    audit: AuditContext,
  ): Promise<TipRecord> {
    if (outcome.outcome === 'country_narrowed' && outcome.country === null) {
      throw havenError('VALIDATION_FAILED', { issues: 'country: which country the tip narrowed it to' });
    }
    const updated = await this.change(actor, id, audit, 'tip.outcome', { ...outcome }, (tx) =>
      tipRepository.setOutcome(tx, id, { ...outcome, byName: actor.name }),
    );
    await this.refreshFigures();
    return updated;
  }

  /** Rewrites the figures the public statistics page shows. */
  async refreshFigures(): Promise<void> {
    const { db, portal, appeals } = this.deps;
    const [figures, tips] = await Promise.all([appeals.figures(db), tipRepository.count(db)]);
    await portal.writeFigures({
      appealsPublished: figures.published,
      tipsReceived: tips,
      countriesFound: figures.countriesFound,
      childrenIdentified: figures.childrenIdentified,
      updatedAt: new Date().toISOString(),
    });
  }

  private async change(
    actor: Actor,
    id: string,
    audit: AuditContext,
    action: string,
    details: Record<string, unknown>,
    apply: (tx: Queryable, tip: TipRecord) => Promise<void>,
  ): Promise<TipRecord> {
    if (!can(actor, 'tip.moderate')) {
      throw havenError('FORBIDDEN', { permission: 'tip.moderate' });
    }
    return this.deps.db.transaction(async (tx) => {
      const tip = await this.get(tx, actor, id, true);
      await apply(tx, tip);
      await auditService.record(tx, {
        actor,
        action,
        outcome: 'ok',
        objectType: 'tip',
        objectId: id,
        details,
        ...audit,
      });
      return (await tipRepository.get(tx, id))!;
    });
  }
}
