import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { notificationService } from '#haven/leads/notification.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext } from '#haven/series/series.types.js';
import { sprintRepository } from '#haven/taskforce/sprint.repository.js';
import type { AssignmentRecord, SprintOutcome, SprintRecord } from '#haven/taskforce/sprint.types.js';

function agencyOf(actor: Actor): string | null {
  if (actor.kind === 'system') {
    return null;
  }
  if (actor.agencyId === null) {
    throw havenError('FORBIDDEN', { permission: 'taskforce (no agency)' });
  }
  return actor.agencyId;
}

async function audited(
  tx: Queryable,
  actor: Actor,
  audit: AuditContext,
  action: string,
  sprintId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await auditService.record(tx, {
    actor,
    action: `sprint.${action}`,
    outcome: 'ok',
    objectType: 'sprint',
    objectId: sprintId,
    details,
    ...audit,
  });
}

/**
 * Taskforce sprints: a coordinator's agency runs the sprint; participating agencies evaluate the
 * series assigned to them. Series never leave their sharing: only series the assigned agency can
 * already see are assigned to it.
 */
export const sprintService = {
  async create(
    tx: Queryable,
    actor: Actor,
    request: { name: string; startsOn: string; endsOn: string; agencies: readonly string[] },
    audit: AuditContext,
  ): Promise<SprintRecord> {
    const agencyId = agencyOf(actor);
    if (agencyId === null) {
      throw havenError('FORBIDDEN', { permission: 'taskforce.manage (the system coordinates no sprint)' });
    }
    if (request.startsOn > request.endsOn) {
      throw havenError('VALIDATION_FAILED', { issues: 'endsOn: must not be before startsOn' });
    }
    const agencies = [...new Set([agencyId, ...request.agencies])];
    for (const agency of agencies) {
      if (!(await agencyService.get(tx, agency))) {
        throw havenError('VALIDATION_FAILED', { issues: `agencies: no agency ${agency}` });
      }
    }
    const id = randomUUID();
    await sprintRepository.insert(
      tx,
      {
        id,
        name: request.name.trim(),
        startsOn: request.startsOn,
        endsOn: request.endsOn,
        agencyId,
        createdBy: actor.name,
      },
      agencies,
    );
    await audited(tx, actor, audit, 'create', id, { name: request.name, agencies });
    return (await sprintRepository.get(tx, id))!;
  },

  list: (db: Queryable, actor: Actor): Promise<SprintRecord[]> =>
    sprintRepository.listFor(db, agencyOf(actor)),

  /** The sprint if the actor's agency coordinates or takes part in it; NOT_FOUND otherwise. */
  async getVisible(db: Queryable, actor: Actor, id: string): Promise<SprintRecord> {
    const sprint = await sprintRepository.get(db, id);
    const agency = agencyOf(actor);
    if (!sprint || (agency !== null && !sprint.agencies.includes(agency))) {
      throw havenError('NOT_FOUND');
    }
    return sprint;
  },

  /** The sprint if the actor's agency coordinates it (participants: FORBIDDEN; others: NOT_FOUND). */
  async getCoordinated(db: Queryable, actor: Actor, id: string): Promise<SprintRecord> {
    const sprint = await sprintService.getVisible(db, actor, id);
    if (actor.kind !== 'system' && sprint.agencyId !== actor.agencyId) {
      throw havenError('FORBIDDEN', { permission: 'taskforce.manage (only the coordinating agency)' });
    }
    return sprint;
  },

  assignments: (db: Queryable, sprintId: string): Promise<AssignmentRecord[]> =>
    sprintRepository.assignments(db, sprintId),

  /** Assigns an unidentified series the coordinator sees to a participating agency that sees it too. */
  async assign(
    tx: Queryable,
    actor: Actor,
    sprintId: string,
    request: { seriesId: string; agencyId: string },
    audit: AuditContext,
  ): Promise<AssignmentRecord> {
    const sprint = await sprintService.getCoordinated(tx, actor, sprintId);
    let series;
    try {
      series = await seriesService.requireVisible(tx, actor, request.seriesId);
    } catch {
      throw havenError('VALIDATION_FAILED', { issues: `seriesId: no series ${request.seriesId}` });
    }
    if (series.mergedInto !== null) {
      throw havenError('CONFLICT', { reason: `Series ${series.number} was merged into another one` });
    }
    if (series.victimIdentifiedAt !== null) {
      throw havenError('CONFLICT', { reason: `The victim of series ${series.number} is already identified` });
    }
    if (!sprint.agencies.includes(request.agencyId)) {
      throw havenError('VALIDATION_FAILED', {
        issues: `agencyId: ${request.agencyId} does not take part in this sprint`,
      });
    }
    if (!(await seriesService.agencyCanSee(tx, series.id, request.agencyId))) {
      throw havenError('VALIDATION_FAILED', {
        issues: `agencyId: series ${series.number} is not shared with that agency (its owner shares it first)`,
      });
    }
    await sprintRepository.assign(tx, sprintId, series.id, request.agencyId);
    await audited(tx, actor, audit, 'assign', sprintId, { series: series.id, agency: request.agencyId });
    if (request.agencyId !== actor.agencyId) {
      await notificationService.notify(tx, {
        agencyIds: [request.agencyId],
        kind: 'sprint_assigned',
        seriesId: series.id,
        message: `Series ${series.number} was assigned to your agency in sprint ${sprint.name}`,
        details: { sprint: sprintId },
      });
    }
    return (await sprintRepository.assignment(tx, sprintId, series.id))!;
  },

  /** The assigned agency (or the coordinator) records what the evaluation found. */
  async recordOutcome(
    tx: Queryable,
    actor: Actor,
    sprintId: string,
    seriesId: string,
    request: { outcome: SprintOutcome; probableCountry: string | null; note: string },
    audit: AuditContext,
  ): Promise<AssignmentRecord> {
    const sprint = await sprintService.getVisible(tx, actor, sprintId);
    const assignment = await sprintRepository.assignment(tx, sprintId, seriesId);
    if (!assignment || !(await seriesService.visibleIds(tx, actor, [seriesId])).has(seriesId)) {
      throw havenError('NOT_FOUND');
    }
    if (
      actor.kind !== 'system' &&
      actor.agencyId !== assignment.assignedAgencyId &&
      actor.agencyId !== sprint.agencyId
    ) {
      throw havenError('FORBIDDEN', { permission: 'taskforce.participate (assigned to another agency)' });
    }
    if (request.outcome === 'country_found' && request.probableCountry === null) {
      throw havenError('VALIDATION_FAILED', {
        issues: 'probableCountry: needed when the outcome is country_found',
      });
    }
    if (request.outcome !== 'country_found' && request.probableCountry !== null) {
      throw havenError('VALIDATION_FAILED', {
        issues: 'probableCountry: only with the outcome country_found',
      });
    }
    await sprintRepository.recordOutcome(tx, sprintId, seriesId, { ...request, by: actor.name });
    await audited(tx, actor, audit, 'outcome', sprintId, { series: seriesId, ...request });
    return (await sprintRepository.assignment(tx, sprintId, seriesId))!;
  },

  markDisseminated: (tx: Queryable, sprintId: string, seriesIds: readonly string[]): Promise<void> =>
    sprintRepository.markDisseminated(tx, sprintId, seriesIds),
};
