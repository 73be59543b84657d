import { accessService } from '#haven/access/access.service.js';
import { can, type Actor } from '#haven/access/actor.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { clueService } from '#haven/clues/clue.service.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import { mediaService } from '#haven/media/media.service.js';
import { peopleService } from '#haven/people/people.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext, SeriesRecord } from '#haven/series/series.types.js';
import { signalNamed } from '#haven/signals/registry.js';
import { sprintService } from '#haven/taskforce/sprint.service.js';
import type { AssignmentRecord, SprintRecord } from '#haven/taskforce/sprint.types.js';

export const PACKAGE_FORMAT = 'haven-dissemination/1';

export interface DisseminationPackage {
  readonly format: typeof PACKAGE_FORMAT;
  readonly country: string;
  readonly generatedAt: string;
  readonly sprint: {
    readonly name: string;
    readonly startsOn: string;
    readonly endsOn: string;
    readonly coordinator: string;
  };
  readonly series: readonly PackagedSeries[];
  /** Series found for the country that the coordinator may no longer see (sharing changed). */
  readonly withheld: number;
}

export interface PackagedSeries {
  readonly number: string;
  readonly title: string;
  readonly status: string;
  readonly owner: { readonly agency: string; readonly country: string; readonly contact: string | null };
  readonly finding: { readonly country: string; readonly note: string; readonly evaluatedAt: string | null };
  readonly victims: readonly {
    readonly code: string;
    readonly sex: string;
    readonly ageMin: number | null;
    readonly ageMax: number | null;
  }[];
  readonly clues: readonly {
    readonly kind: string;
    readonly note: string;
    readonly mediaSha256: string;
    readonly rect: object;
  }[];
  readonly hashes: readonly {
    readonly kind: string;
    readonly width: number | null;
    readonly height: number | null;
    readonly values: Record<string, string>;
  }[];
  /** Media themselves never travel in the JSON package; the hash list lets the country match its own holdings. */
  readonly mediaIncluded: false;
}

async function packaged(
  db: Queryable,
  actor: Actor,
  series: SeriesRecord,
  assignment: AssignmentRecord,
): Promise<PackagedSeries> {
  const mediaIds = await seriesService.mediaIds(db, series.id);
  const [owner, facts, clues, victims] = await Promise.all([
    agencyService.get(db, series.agencyId),
    mediaService.facts(db, mediaIds),
    clueService.ofSeries(db, [series.id]),
    peopleService.list(db, actor, 'victim', series.id),
  ]);
  const sha256Of = new Map(facts.map((fact) => [fact.id, hex(fact.sha256)]));
  const hashes = await Promise.all(
    facts.map(async (fact) => {
      const values: Record<string, string> = {};
      for (const value of await signalValuesService.valuesOf(db, fact.id)) {
        // One value per signal: the medium's own (PDQ variants of transforms are not listed).
        values[value.signal] ??= signalNamed(value.signal).toText(value.value);
      }
      return {
        kind: fact.kind,
        width: fact.width,
        height: fact.height,
        values: { ...values, sha256: hex(fact.sha256) },
      };
    }),
  );
  return {
    number: series.number,
    title: series.title,
    status: series.status,
    owner: { agency: owner?.name ?? '', country: owner?.country ?? '', contact: owner?.contact ?? null },
    finding: {
      country: assignment.probableCountry ?? '',
      note: assignment.note,
      evaluatedAt: assignment.evaluatedAt?.toISOString() ?? null,
    },
    victims: victims.map((victim) => ({
      code: victim.code,
      sex: victim.sex ?? 'unknown',
      ageMin: victim.ageMin,
      ageMax: victim.ageMax,
    })),
    clues: clues.map((clue) => ({
      kind: clue.kind,
      note: clue.note,
      mediaSha256: sha256Of.get(clue.mediaId) ?? '',
      rect: clue.rect,
    })),
    hashes: hashes.sort((a, b) => a.values.sha256.localeCompare(b.values.sha256)),
    mediaIncluded: false,
  };
}

/** The series of a sprint found to be produced in one country, as the coordinator may see them. */
async function seriesFor(
  db: Queryable,
  actor: Actor,
  sprint: SprintRecord,
  country: string,
): Promise<{ found: { series: SeriesRecord; assignment: AssignmentRecord }[]; withheld: number }> {
  const assignments = (await sprintService.assignments(db, sprint.id)).filter(
    (assignment) => assignment.outcome === 'country_found' && assignment.probableCountry === country,
  );
  const visible = await seriesService.visibleIds(
    db,
    actor,
    assignments.map((assignment) => assignment.seriesId),
  );
  const found = [];
  for (const assignment of assignments.filter((a) => visible.has(a.seriesId))) {
    found.push({ series: await seriesService.getVisible(db, actor, assignment.seriesId), assignment });
  }
  return { found, withheld: assignments.length - found.length };
}

/** One medium of a packaged series and whether its bytes go into the zip. */
export interface PackagedMediaDecision {
  readonly seriesNumber: string;
  readonly sha256: Uint8Array;
  readonly mime: string;
  /** null: included; otherwise why the bytes stay home (the hashes travel either way). */
  readonly withheldBecause: string | null;
}

/**
 * Media leave Haven only when every member agency may already see them: the series is shared
 * with the whole network, the medium occurs in a case the coordinator may see, and the
 * coordinator may take originals out. Anything less keeps the bytes home.
 */
async function mediaDecisions(
  db: Queryable,
  actor: Actor,
  series: SeriesRecord,
): Promise<PackagedMediaDecision[]> {
  const facts = await mediaService.facts(db, await seriesService.mediaIds(db, series.id));
  const visible = await accessService.visibleMedia(
    db,
    actor,
    facts.map((fact) => fact.id),
  );
  const decisions = facts.map((fact) => ({
    seriesNumber: series.number,
    sha256: fact.sha256,
    mime: fact.mime,
    withheldBecause:
      series.sharing !== 'network'
        ? `the series is shared at level "${series.sharing}", not with the whole network`
        : !can(actor, 'media.original')
          ? 'your role may not take originals out'
          : !visible.has(fact.id)
            ? 'the medium occurs in no case your agency may see'
            : null,
  }));
  return decisions.sort((a, b) => hex(a.sha256).localeCompare(hex(b.sha256)));
}

async function assemble(
  tx: Queryable,
  actor: Actor,
  sprintId: string,
  country: string,
  audit: AuditContext,
  withMedia: boolean,
): Promise<{ pkg: DisseminationPackage; media: PackagedMediaDecision[] }> {
  const sprint = await sprintService.getCoordinated(tx, actor, sprintId);
  const { found, withheld } = await seriesFor(tx, actor, sprint, country);
  const coordinator = await agencyService.get(tx, sprint.agencyId);
  const series = [];
  const media: PackagedMediaDecision[] = [];
  for (const { series: record, assignment } of found) {
    series.push(await packaged(tx, actor, record, assignment));
    if (withMedia) {
      media.push(...(await mediaDecisions(tx, actor, record)));
    }
  }
  await auditService.record(tx, {
    actor,
    action: 'sprint.package',
    outcome: 'ok',
    objectType: 'sprint',
    objectId: sprintId,
    details: {
      country,
      series: series.map((s) => s.number),
      format: withMedia ? 'zip' : 'json',
      mediaIncluded: media.filter((m) => m.withheldBecause === null).map((m) => hex(m.sha256)),
    },
    ...audit,
  });
  const pkg: DisseminationPackage = {
    format: PACKAGE_FORMAT,
    country,
    generatedAt: new Date().toISOString(),
    sprint: {
      name: sprint.name,
      startsOn: sprint.startsOn,
      endsOn: sprint.endsOn,
      coordinator: coordinator?.name ?? '',
    },
    series,
    withheld,
  };
  return { pkg, media };
}

export const disseminationService = {
  /** Builds the package for one country (coordinating agency only; audited). */
  async build(
    tx: Queryable,
    actor: Actor,
    sprintId: string,
    country: string,
    audit: AuditContext,
  ): Promise<DisseminationPackage> {
    return (await assemble(tx, actor, sprintId, country, audit, false)).pkg;
  },

  /**
   * The package and, per medium of its series, whether the bytes may travel with it (see
   * `mediaDecisions`), for the zip download; audited with the media included.
   */
  buildWithMedia(
    tx: Queryable,
    actor: Actor,
    sprintId: string,
    country: string,
    audit: AuditContext,
  ): Promise<{ pkg: DisseminationPackage; media: PackagedMediaDecision[] }> {
    return assemble(tx, actor, sprintId, country, audit, true);
  },

  /** Records that the package went to the country: each series moves on to disseminated and its owner hears of it. */
  async disseminate(
    tx: Queryable,
    actor: Actor,
    sprintId: string,
    country: string,
    audit: AuditContext,
  ): Promise<string[]> {
    const sprint = await sprintService.getCoordinated(tx, actor, sprintId);
    const { found } = await seriesFor(tx, actor, sprint, country);
    const ids = found.map(({ series }) => series.id);
    for (const id of ids) {
      await seriesService.recordDissemination(tx, actor, id, { sprintName: sprint.name, country }, audit);
    }
    await sprintService.markDisseminated(tx, sprintId, ids);
    await auditService.record(tx, {
      actor,
      action: 'sprint.disseminate',
      outcome: 'ok',
      objectType: 'sprint',
      objectId: sprintId,
      details: { country, series: found.map(({ series }) => series.number) },
      ...audit,
    });
    return found.map(({ series }) => series.number);
  },
};
