import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { accessService, sharingScopeOf } from '#haven/access/access.service.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import { notificationService } from '#haven/leads/notification.service.js';
import { mediaService } from '#haven/media/media.service.js';
import type { MediaFacts } from '#haven/media/media.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { recordChange as record } from '#haven/series/series-history.js';
import { checkTransition, isBefore } from '#haven/series/series-status.js';
import { seriesRepository, type SeriesChanges, type SeriesFilter } from '#haven/series/series.repository.js';
import type {
  AuditContext,
  CountryConfidence,
  SeriesEvent,
  SeriesFact,
  SeriesOfMedia,
  SeriesRecord,
  SeriesStatus,
  Sharing,
} from '#haven/series/series.types.js';

const MAX_MEDIA_PER_CALL = 5000;

/** A medium of a series as its viewers see it: hashes and shape always, the medium itself within case sharing. */
export interface SeriesMedium extends MediaFacts {
  readonly addedAt: Date;
  readonly addedBy: string;
  /** Whether the viewer may open the medium (it occurs in a case visible to them). */
  readonly viewable: boolean;
}

function agencyOf(actor: Actor): string {
  if (actor.agencyId === null) {
    throw havenError('FORBIDDEN', { permission: 'series (no agency)' });
  }
  return actor.agencyId;
}

/** The media the actor may put in a series: each must exist and be visible to them. */
async function checkedMedia(db: Queryable, actor: Actor, mediaIds: readonly string[]): Promise<string[]> {
  const ids = [...new Set(mediaIds)];
  if (ids.length > MAX_MEDIA_PER_CALL) {
    throw havenError('VALIDATION_FAILED', { issues: `mediaIds: at most ${MAX_MEDIA_PER_CALL} per call` });
  }
  const visible = await accessService.visibleMedia(db, actor, ids);
  const missing = ids.filter((id) => !visible.has(id));
  if (missing.length > 0) {
    // The same words for a medium that does not exist and one the actor may not see.
    throw havenError('VALIDATION_FAILED', { issues: `mediaIds: no medium ${missing[0]}` });
  }
  return ids;
}

export const seriesService = {
  /** A new number of the given kind: <prefix><country>-<year>-<sequence>, unique across the system. */
  async nextNumber(tx: Queryable, kind: 'series' | 'victim' | 'offender', agencyId: string): Promise<string> {
    const agency = await agencyService.get(tx, agencyId);
    if (!agency) {
      throw havenError('FORBIDDEN', { permission: 'series (unknown agency)' });
    }
    const year = new Date().getUTCFullYear();
    const sequence = await seriesRepository.nextNumber(tx, kind, agency.country, year);
    const prefix = kind === 'series' ? '' : kind === 'victim' ? 'V-' : 'O-';
    return `${prefix}${agency.country}-${year}-${String(sequence).padStart(5, '0')}`;
  },

  async create(
    tx: Queryable,
    actor: Actor,
    request: {
      title: string;
      notes?: string | undefined;
      mediaIds: readonly string[];
      sharing?: Sharing | undefined;
    },
    audit: AuditContext,
    origin: Record<string, unknown> = {},
  ): Promise<SeriesRecord> {
    const agencyId = agencyOf(actor);
    const mediaIds = await checkedMedia(tx, actor, request.mediaIds);
    const id = randomUUID();
    const number = await seriesService.nextNumber(tx, 'series', agencyId);
    await seriesRepository.insert(tx, {
      id,
      number,
      title: request.title.trim(),
      agencyId,
      sharing: request.sharing === 'network' ? 'network' : 'agency',
      notes: request.notes ?? '',
      createdBy: actor.name,
    });
    await seriesRepository.addMedia(tx, id, mediaIds, actor.name);
    await record(tx, actor, audit, id, 'create', { number, media: mediaIds.length, ...origin });
    return (await seriesRepository.get(tx, id))!;
  },

  /** The series if the actor may see it; NOT_FOUND otherwise, exactly as for one that does not exist. */
  async getVisible(db: Queryable, actor: Actor, id: string): Promise<SeriesRecord> {
    const scope = sharingScopeOf(actor);
    if (!(await seriesRepository.isVisible(db, id, accessService.seriesVisibleSql('s', '$2'), scope))) {
      throw havenError('NOT_FOUND');
    }
    return (await seriesRepository.get(db, id))!;
  },

  /** For other capabilities (clues, places, comments, people, sprints): visible or NOT_FOUND. */
  requireVisible: async (db: Queryable, actor: Actor, id: string): Promise<SeriesRecord> =>
    seriesService.getVisible(db, actor, id),

  /**
   * A series the actor's agency owns, locked for the change: NOT_FOUND if invisible, FORBIDDEN if
   * visible but owned elsewhere, CONFLICT if merged away.
   */
  async getOwned(tx: Queryable, actor: Actor, id: string): Promise<SeriesRecord> {
    await seriesService.getVisible(tx, actor, id);
    const found = (await seriesRepository.getForUpdate(tx, id))!;
    if (actor.kind !== 'system' && found.agencyId !== actor.agencyId) {
      throw havenError('FORBIDDEN', {
        permission: 'series.manage (only the owning agency changes a series)',
      });
    }
    if (found.mergedInto !== null) {
      throw havenError('CONFLICT', {
        reason: 'This series was merged into another one; change that one instead',
      });
    }
    return found;
  },

  listVisible(db: Queryable, actor: Actor, filter: SeriesFilter): Promise<SeriesRecord[]> {
    return seriesRepository.listWhere(
      db,
      accessService.seriesVisibleSql('s', '$1'),
      sharingScopeOf(actor),
      filter,
    );
  },

  mediaCounts: (db: Queryable, ids: readonly string[]): Promise<Map<string, number>> =>
    seriesRepository.mediaCounts(db, ids),

  sharedWith: (db: Queryable, id: string): Promise<string[]> => seriesRepository.sharedWith(db, id),

  events: (db: Queryable, id: string): Promise<SeriesEvent[]> => seriesRepository.events(db, id),

  /** The series' media (call after getVisible). */
  async media(db: Queryable, actor: Actor, id: string): Promise<SeriesMedium[]> {
    const links = await seriesRepository.media(db, id);
    const ids = links.map((link) => link.mediaId);
    const [facts, viewable] = await Promise.all([
      mediaService.facts(db, ids),
      accessService.visibleMedia(db, actor, ids),
    ]);
    const byId = new Map(facts.map((fact) => [fact.id, fact]));
    return links.map((link) => ({
      ...byId.get(link.mediaId)!,
      addedAt: link.addedAt,
      addedBy: link.addedBy,
      viewable: viewable.has(link.mediaId),
    }));
  },

  async mediaIds(db: Queryable, id: string): Promise<string[]> {
    return (await seriesRepository.media(db, id)).map((link) => link.mediaId);
  },

  async update(
    tx: Queryable,
    actor: Actor,
    id: string,
    request: {
      title?: string | undefined;
      notes?: string | undefined;
      offenderIdentified?: boolean | undefined;
    },
    audit: AuditContext,
  ): Promise<SeriesRecord> {
    const current = await seriesService.getOwned(tx, actor, id);
    const changes: SeriesChanges = {
      ...(request.title === undefined ? {} : { title: request.title.trim() }),
      ...(request.notes === undefined ? {} : { notes: request.notes }),
      ...(request.offenderIdentified === undefined ? {} : { offenderIdentified: request.offenderIdentified }),
    };
    await seriesRepository.update(tx, id, changes);
    await record(tx, actor, audit, id, 'update', {
      fields: Object.keys(changes),
      ...(request.offenderIdentified !== undefined &&
      request.offenderIdentified !== current.offenderIdentified
        ? { offenderIdentified: request.offenderIdentified }
        : {}),
    });
    return (await seriesRepository.get(tx, id))!;
  },

  async setStatus(
    tx: Queryable,
    actor: Actor,
    id: string,
    request: { status: SeriesStatus; note?: string | undefined },
    audit: AuditContext,
  ): Promise<SeriesRecord> {
    const current = await seriesService.getOwned(tx, actor, id);
    checkTransition(current.status, request.status, request.note);
    await seriesService.applyStatus(tx, actor, current, request.status, request.note ?? '', audit);
    return (await seriesRepository.get(tx, id))!;
  },

  /**
   * Moves a series to a status (rights checked by the caller) and tells the agencies concerned:
   * the owner and those it is shared with, except the one acting.
   */
  async applyStatus(
    tx: Queryable,
    actor: Actor,
    current: SeriesRecord,
    status: SeriesStatus,
    note: string,
    audit: AuditContext,
  ): Promise<void> {
    const identified =
      status === 'victim_identified'
        ? current.victimIdentifiedAt === null
          ? { victimIdentifiedAt: new Date(), victimIdentifiedBy: actor.agencyId ?? current.agencyId }
          : {}
        : current.status === 'victim_identified'
          ? { victimIdentifiedAt: null, victimIdentifiedBy: null }
          : {};
    await seriesRepository.update(tx, current.id, { status, ...identified });
    await record(tx, actor, audit, current.id, 'status', { from: current.status, to: status, note });
    const agencies = await seriesRepository.interestedAgencies(tx, current.id);
    await notificationService.notify(tx, {
      agencyIds: agencies.filter((agency) => agency !== actor.agencyId),
      kind: 'series_status',
      seriesId: current.id,
      message: `Series ${current.number} moved from ${current.status} to ${status}`,
      details: { from: current.status, to: status, by: actor.name },
    });
  },

  /** A taskforce disseminated the series: its status moves on unless it is further along already. */
  async recordDissemination(
    tx: Queryable,
    actor: Actor,
    id: string,
    details: { sprintName: string; country: string },
    audit: AuditContext,
  ): Promise<void> {
    const current = (await seriesRepository.getForUpdate(tx, id))!;
    if (isBefore(current.status, 'disseminated')) {
      await seriesService.applyStatus(
        tx,
        actor,
        current,
        'disseminated',
        `Disseminated to ${details.country} by the taskforce sprint "${details.sprintName}"`,
        audit,
      );
    }
  },

  async addMedia(
    tx: Queryable,
    actor: Actor,
    id: string,
    mediaIds: readonly string[],
    audit: AuditContext,
  ): Promise<string[]> {
    await seriesService.getOwned(tx, actor, id);
    const added = await seriesRepository.addMedia(
      tx,
      id,
      await checkedMedia(tx, actor, mediaIds),
      actor.name,
    );
    await record(tx, actor, audit, id, 'media.add', { media: added });
    return added;
  },

  async removeMedia(
    tx: Queryable,
    actor: Actor,
    id: string,
    mediaIds: readonly string[],
    audit: AuditContext,
  ): Promise<string[]> {
    await seriesService.getOwned(tx, actor, id);
    const removed = await seriesRepository.removeMedia(tx, id, [...new Set(mediaIds)]);
    await record(tx, actor, audit, id, 'media.remove', { media: removed });
    return removed;
  },

  async setSharing(
    tx: Queryable,
    actor: Actor,
    id: string,
    request: { sharing: Sharing; agencies: readonly string[] },
    audit: AuditContext,
  ): Promise<SeriesRecord> {
    const current = await seriesService.getOwned(tx, actor, id);
    if (request.sharing !== 'selected' && request.agencies.length > 0) {
      throw havenError('VALIDATION_FAILED', { issues: 'agencies: only allowed with sharing "selected"' });
    }
    const agencies = [...new Set(request.agencies)].filter((agency) => agency !== current.agencyId);
    for (const agency of agencies) {
      if (!(await agencyService.get(tx, agency))) {
        throw havenError('VALIDATION_FAILED', { issues: `agencies: no agency ${agency}` });
      }
    }
    const before = await seriesRepository.sharedWith(tx, id);
    await seriesRepository.setSharing(tx, id, request.sharing, agencies);
    await record(tx, actor, audit, id, 'sharing.change', {
      from: { sharing: current.sharing, agencies: before },
      to: { sharing: request.sharing, agencies },
    });
    return (await seriesRepository.get(tx, id))!;
  },

  async setCountry(
    tx: Queryable,
    actor: Actor,
    id: string,
    request: { country: string | null; confidence: CountryConfidence | null; evidence: string | null },
    audit: AuditContext,
  ): Promise<SeriesRecord> {
    await seriesService.getOwned(tx, actor, id);
    await seriesRepository.update(tx, id, {
      probableCountry: request.country,
      countryConfidence: request.confidence,
      countryEvidence: request.evidence,
    });
    await record(tx, actor, audit, id, 'country', { ...request });
    return (await seriesRepository.get(tx, id))!;
  },

  /** A linked victim was identified: the series records it unless it knew already. */
  async noteVictimIdentified(
    tx: Queryable,
    seriesIds: readonly string[],
    agencyId: string,
    at: Date,
  ): Promise<void> {
    for (const seriesId of seriesIds) {
      const current = await seriesRepository.getForUpdate(tx, seriesId);
      if (current && current.victimIdentifiedAt === null) {
        await seriesRepository.update(tx, seriesId, { victimIdentifiedAt: at, victimIdentifiedBy: agencyId });
      }
    }
  },

  interestedAgencies: (db: Queryable, id: string): Promise<string[]> =>
    seriesRepository.interestedAgencies(db, id),

  /** Every live series holding the media, whoever owns it (callers apply sharing before showing). */
  ofMedia: (db: Queryable, mediaIds: readonly string[]): Promise<SeriesOfMedia[]> =>
    seriesRepository.ofMedia(db, mediaIds),

  /** For each medium, the series holding it as the actor may learn of them (see SeriesFact). */
  async factsForMedia(
    db: Queryable,
    actor: Actor,
    mediaIds: readonly string[],
  ): Promise<Map<string, SeriesFact[]>> {
    const rows = await seriesRepository.ofMedia(db, [...new Set(mediaIds)]);
    const visible = await seriesService.visibleIds(
      db,
      actor,
      rows.map((row) => row.series.id),
    );
    const facts = new Map<string, SeriesFact[]>();
    for (const row of rows) {
      const { series } = row;
      const at = series.victimIdentifiedAt?.toISOString().slice(0, 10);
      const identified =
        row.identifiedBy && at
          ? {
              agency: row.identifiedBy.name,
              country: row.identifiedBy.country,
              at,
              note: `Already identified by ${row.identifiedBy.name} on ${at}`,
            }
          : null;
      const fact: SeriesFact = visible.has(series.id)
        ? {
            restricted: false,
            id: series.id,
            number: series.number,
            title: series.title,
            status: series.status,
            identified,
          }
        : {
            restricted: true,
            status: series.status,
            identified,
            ask: { agency: row.owner.name, country: row.owner.country, contact: row.owner.contact },
          };
      facts.set(row.mediaId, [...(facts.get(row.mediaId) ?? []), fact]);
    }
    return facts;
  },

  /** Whether an agency may see the series (mentions and sprint assignments name only those). */
  agencyCanSee: (db: Queryable, id: string, agencyId: string): Promise<boolean> =>
    seriesRepository.isVisible(db, id, accessService.seriesVisibleSql('s', '$2'), agencyId),

  identifiedCount: (db: Queryable, ids: readonly string[]): Promise<number> =>
    ids.length === 0 ? Promise.resolve(0) : seriesRepository.identifiedCount(db, ids),

  /** Which of the media the actor may see (to offer them for a series). */
  visibleMediaOf: (db: Queryable, actor: Actor, mediaIds: readonly string[]): Promise<Set<string>> =>
    accessService.visibleMedia(db, actor, [...new Set(mediaIds)]),

  /** Which of the series the actor may see. */
  async visibleIds(db: Queryable, actor: Actor, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    return new Set(
      await seriesRepository.visibleAmong(
        db,
        [...new Set(ids)],
        accessService.seriesVisibleSql('s', '$2'),
        sharingScopeOf(actor),
      ),
    );
  },
};
