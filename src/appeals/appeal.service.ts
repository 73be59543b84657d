import { randomInt, randomUUID } from 'node:crypto';
import { can, type Actor } from '#haven/access/actor.js';
import { censoredPicture, type AppealPicture } from '#haven/appeals/appeal-image.js';
import { appealRepository } from '#haven/appeals/appeal.repository.js';
import type {
  AppealOutcome,
  AppealProposal,
  AppealRecord,
  AppealState,
} from '#haven/appeals/appeal.types.js';
import { auditService } from '#haven/audit/audit.service.js';
import { clueService } from '#haven/clues/clue.service.js';
import { mediaService } from '#haven/media/media.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';
import type { PortalFolder } from '#haven/portal/exchange/portal-folder.js';
import type { PublishedAppeal } from '#haven/portal/exchange/portal-exchange.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext } from '#haven/series/series.types.js';

const PUBLIC_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 16 random characters (about 82 bits): says nothing about the row, the series or the image. */
export function newPublicId(): string {
  return Array.from({ length: 16 }, () => PUBLIC_ALPHABET[randomInt(PUBLIC_ALPHABET.length)]).join('');
}

/** The public copy: only what the public needs, no internal identifier of any kind. */
export function publishedCopy(appeal: AppealRecord): PublishedAppeal {
  return {
    publicId: appeal.publicId,
    type: appeal.type,
    texts: appeal.texts,
    person: appeal.person,
    country: appeal.country,
    region: appeal.region,
    publishedAt: (appeal.publishedAt ?? new Date()).toISOString(),
    image: { width: appeal.imageWidth, height: appeal.imageHeight },
  };
}

export interface AppealServiceDeps {
  readonly db: Database;
  readonly originals: BlobStore;
  readonly portal: PortalFolder;
  readonly maxImagePixels: number;
}

/**
 * Public appeals under the two-person rule: one member of an agency proposes (the picture is
 * censored and re-encoded at once), another member of the same agency holding the reviewer
 * permission approves or rejects; approval writes the public copy to the portal folder, and
 * unpublishing removes it before anything else happens.
 */
export class AppealService {
  constructor(private readonly deps: AppealServiceDeps) {}

  get db(): Database {
    return this.deps.db;
  }

  async propose(actor: Actor, proposal: AppealProposal, audit: AuditContext): Promise<AppealRecord> {
    const { db } = this.deps;
    const agencyId = actor.agencyId;
    if (agencyId === null || actor.userId === null) {
      throw havenError('FORBIDDEN', { permission: 'appeal.propose (a member of an agency)' });
    }
    if (Object.keys(proposal.texts).length === 0) {
      throw havenError('VALIDATION_FAILED', { issues: 'texts: at least one language' });
    }
    if (proposal.type !== 'object' && proposal.person === null) {
      throw havenError('VALIDATION_FAILED', { issues: `person: required for a ${proposal.type} appeal` });
    }
    if (proposal.type === 'object' && proposal.image.kind === 'upload') {
      throw havenError('VALIDATION_FAILED', {
        issues: 'image: an object appeal shows a clue or a new crop of a held image',
      });
    }
    const { picture, seriesId, clueId } = await this.picture(db, actor, proposal);
    const id = randomUUID();
    return db.transaction(async (tx) => {
      await appealRepository.insert(tx, {
        id,
        publicId: newPublicId(),
        agencyId,
        type: proposal.type,
        texts: proposal.texts,
        person: proposal.type === 'object' ? null : proposal.person,
        country: proposal.country,
        region: proposal.region,
        seriesId,
        clueId,
        image: picture.jpeg,
        imageWidth: picture.width,
        imageHeight: picture.height,
        proposedBy: actor.userId!,
        proposedByName: actor.name,
      });
      await this.audit(tx, actor, id, 'appeal.propose', audit, {
        type: proposal.type,
        series: seriesId,
        clue: clueId,
      });
      return (await appealRepository.get(tx, id))!;
    });
  }

  async list(actor: Actor, state: AppealState | undefined): Promise<AppealRecord[]> {
    if (actor.agencyId === null) {
      return [];
    }
    return appealRepository.ofAgency(this.deps.db, actor.agencyId, state);
  }

  /** An appeal of the caller's agency; another agency's appeal does not exist for them. */
  async get(db: Queryable, actor: Actor, id: string, forUpdate = false): Promise<AppealRecord> {
    const appeal = await appealRepository.get(db, id, forUpdate);
    if (!appeal || (actor.kind !== 'system' && appeal.agencyId !== actor.agencyId)) {
      throw havenError('NOT_FOUND');
    }
    return appeal;
  }

  async image(actor: Actor, id: string): Promise<Buffer> {
    await this.get(this.deps.db, actor, id);
    return (await appealRepository.image(this.deps.db, id))!;
  }

  async review(
    actor: Actor,
    id: string,
    decision: { approve: boolean; note: string },
    audit: AuditContext,
  ): Promise<AppealRecord> {
    return this.deps.db.transaction(async (tx) => {
      const appeal = await this.get(tx, actor, id, true);
      if (appeal.state !== 'proposed') {
        throw havenError('CONFLICT', { reason: `This appeal is ${appeal.state}, not waiting for review` });
      }
      if (actor.userId === null || actor.userId === appeal.proposedBy) {
        throw havenError('FORBIDDEN', { permission: 'appeal.review (a second person: not the proposer)' });
      }
      await appealRepository.review(tx, id, {
        state: decision.approve ? 'live' : 'rejected',
        reviewerId: actor.userId,
        reviewerName: actor.name,
        note: decision.note,
      });
      await this.audit(tx, actor, id, decision.approve ? 'appeal.approve' : 'appeal.reject', audit, {
        proposedBy: appeal.proposedByName,
      });
      const reviewed = (await appealRepository.get(tx, id))!;
      if (decision.approve) {
        // Inside the transaction: a copy that cannot be written leaves the appeal proposed.
        await this.deps.portal.publish(publishedCopy(reviewed), (await appealRepository.image(tx, id))!);
      }
      return reviewed;
    });
  }

  async unpublish(actor: Actor, id: string, audit: AuditContext): Promise<AppealRecord> {
    if (!can(actor, 'appeal.propose') && !can(actor, 'appeal.review')) {
      throw havenError('FORBIDDEN', { permission: 'appeal.propose or appeal.review' });
    }
    const appeal = await this.get(this.deps.db, actor, id);
    if (appeal.state !== 'live') {
      throw havenError('CONFLICT', { reason: `This appeal is ${appeal.state}, not live` });
    }
    // Off the public site first: if recording fails, the appeal is hidden, never left showing.
    await this.deps.portal.unpublish(appeal.publicId);
    return this.deps.db.transaction(async (tx) => {
      await appealRepository.unpublish(tx, id, actor.name);
      await this.audit(tx, actor, id, 'appeal.unpublish', audit, {});
      return (await appealRepository.get(tx, id))!;
    });
  }

  async setOutcome(
    actor: Actor,
    id: string,
    outcome: AppealOutcome,
    audit: AuditContext,
  ): Promise<AppealRecord> {
    if (!can(actor, 'appeal.propose') && !can(actor, 'tip.moderate')) {
      throw havenError('FORBIDDEN', { permission: 'appeal.propose or tip.moderate' });
    }
    return this.deps.db.transaction(async (tx) => {
      await this.get(tx, actor, id, true);
      await appealRepository.setOutcome(tx, id, outcome);
      await this.audit(tx, actor, id, 'appeal.outcome', audit, { ...outcome });
      return (await appealRepository.get(tx, id))!;
    });
  }

  /** Makes the portal folder hold exactly the live appeals (after a crash between the two). */
  async syncPortal(): Promise<void> {
    const live = await appealRepository.live(this.deps.db);
    const liveIds = new Set(live.map((appeal) => appeal.publicId));
    for (const shown of await this.deps.portal.liveAppeals()) {
      if (!liveIds.has(shown.publicId)) {
        await this.deps.portal.unpublish(shown.publicId);
      }
    }
    for (const appeal of live) {
      await this.deps.portal.publish(publishedCopy(appeal), appeal.image);
    }
  }

  byPublicId = (db: Queryable, publicId: string): Promise<AppealRecord | undefined> =>
    appealRepository.byPublicId(db, publicId);

  figures = (db: Queryable): ReturnType<typeof appealRepository.figures> => appealRepository.figures(db);

  private async picture(
    db: Queryable,
    actor: Actor,
    proposal: AppealProposal,
  ): Promise<{ picture: AppealPicture; seriesId: string | null; clueId: string | null }> {
    const { image } = proposal;
    const maxPixels = this.deps.maxImagePixels;
    if (image.kind === 'upload') {
      if (proposal.seriesId !== null) {
        await this.ownedSeries(db, actor, proposal.seriesId);
      }
      const bytes = Buffer.from(image.base64, 'base64');
      if (bytes.length === 0) {
        throw havenError('VALIDATION_FAILED', { issues: 'image.base64: empty or not base64' });
      }
      return {
        picture: await censoredPicture(bytes, { masks: proposal.masks, maxPixels }),
        seriesId: proposal.seriesId,
        clueId: null,
      };
    }
    const seriesId = image.seriesId;
    await this.ownedSeries(db, actor, seriesId);
    let mediaId: string;
    let rect;
    let clueId: string | null = null;
    if (image.kind === 'clue') {
      const clue = (await clueService.list(db, actor, seriesId)).find((each) => each.id === image.clueId);
      if (!clue) {
        throw havenError('VALIDATION_FAILED', {
          issues: `image.clueId: no clue ${image.clueId} on this series`,
        });
      }
      mediaId = clue.mediaId;
      rect = clue.rect;
      clueId = clue.id;
    } else {
      if (!(await seriesService.mediaIds(db, seriesId)).includes(image.mediaId)) {
        throw havenError('VALIDATION_FAILED', {
          issues: `image.mediaId: ${image.mediaId} is not in this series`,
        });
      }
      mediaId = image.mediaId;
      rect = image.rect;
    }
    const detail = await mediaService.detail(db, mediaId);
    if (!detail || detail.kind !== 'image' || detail.width === null || detail.height === null) {
      throw havenError('VALIDATION_FAILED', { issues: 'image: appeals are cut from decoded images only' });
    }
    if (rect.x + rect.width > detail.width || rect.y + rect.height > detail.height) {
      throw havenError('VALIDATION_FAILED', {
        issues: `image.rect: leaves the ${detail.width}x${detail.height} image`,
      });
    }
    const original = await this.deps.originals.readAll(detail.sha256);
    return {
      picture: await censoredPicture(original, { crop: rect, masks: proposal.masks, maxPixels }),
      seriesId,
      clueId,
    };
  }

  /** Only the owning agency publishes anything cut from a series' material. */
  private async ownedSeries(db: Queryable, actor: Actor, seriesId: string): Promise<void> {
    const series = await seriesService.requireVisible(db, actor, seriesId);
    if (series.agencyId !== actor.agencyId) {
      throw havenError('FORBIDDEN', {
        permission: 'appeal.propose (only the series owner publishes from it)',
      });
    }
  }

  private async audit(
    tx: Queryable,
    actor: Actor,
    id: string,
    action: string,
    context: AuditContext,
    details: Record<string, unknown>,
  ): Promise<void> {
    await auditService.record(tx, {
      actor,
      action,
      outcome: 'ok',
      objectType: 'appeal',
      objectId: id,
      details,
      ...context,
    });
  }
}
