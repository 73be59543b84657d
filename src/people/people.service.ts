import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { accessService, sharingScopeOf } from '#haven/access/access.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { peopleRepository } from '#haven/people/people.repository.js';
import type { PersonFields, PersonKind, PersonRecord } from '#haven/people/people.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext } from '#haven/series/series.types.js';

const VICTIM_FIELDS: readonly (keyof PersonFields)[] = [
  'notes',
  'sex',
  'ageMin',
  'ageMax',
  'identified',
  'identifiedAt',
  'safeguardedAt',
];
const OFFENDER_FIELDS: readonly (keyof PersonFields)[] = ['notes', 'identified', 'arrestedAt'];

function fieldsFor(kind: PersonKind, fields: PersonFields): PersonFields {
  const allowed = kind === 'victim' ? VICTIM_FIELDS : OFFENDER_FIELDS;
  const extra = Object.entries(fields).find(
    ([name, value]) => value !== undefined && !allowed.includes(name as keyof PersonFields),
  );
  if (extra) {
    throw havenError('VALIDATION_FAILED', { issues: `${extra[0]}: not a field of ${kind}s` });
  }
  return fields;
}

function checkAges(min: number | null, max: number | null): void {
  if (min !== null && max !== null && min > max) {
    throw havenError('VALIDATION_FAILED', { issues: 'ageMin: must not be above ageMax' });
  }
}

function checkDate(name: string, value: string | null | undefined): void {
  if (value && value > new Date().toISOString().slice(0, 10)) {
    throw havenError('VALIDATION_FAILED', { issues: `${name}: must not be in the future` });
  }
}

async function audited(
  tx: Queryable,
  actor: Actor,
  audit: AuditContext,
  action: string,
  person: { kind: PersonKind; id: string },
  details: Record<string, unknown>,
): Promise<void> {
  await auditService.record(tx, {
    actor,
    action: `${person.kind}.${action}`,
    outcome: 'ok',
    objectType: person.kind,
    objectId: person.id,
    details,
    ...audit,
  });
}

export const peopleService = {
  list(db: Queryable, actor: Actor, kind: PersonKind, seriesId?: string): Promise<PersonRecord[]> {
    return peopleRepository.listVisible(
      db,
      kind,
      accessService.seriesVisibleSql('s', '$1'),
      sharingScopeOf(actor),
      {
        seriesId,
      },
    );
  },

  /** The person if the actor's agency recorded it or sees a series it is linked to; NOT_FOUND otherwise. */
  async getVisible(db: Queryable, actor: Actor, kind: PersonKind, id: string): Promise<PersonRecord> {
    const [found] = await peopleRepository.listVisible(
      db,
      kind,
      accessService.seriesVisibleSql('s', '$1'),
      sharingScopeOf(actor),
      { id },
    );
    if (!found) {
      throw havenError('NOT_FOUND');
    }
    return found;
  },

  async create(
    tx: Queryable,
    actor: Actor,
    kind: PersonKind,
    request: PersonFields & { code?: string | undefined; seriesIds?: readonly string[] | undefined },
    audit: AuditContext,
  ): Promise<PersonRecord> {
    const { code: wanted, seriesIds = [], ...rest } = request;
    const fields = fieldsFor(kind, rest);
    checkAges(fields.ageMin ?? null, fields.ageMax ?? null);
    checkDate('identifiedAt', fields.identifiedAt);
    checkDate('safeguardedAt', fields.safeguardedAt);
    checkDate('arrestedAt', fields.arrestedAt);
    if (actor.agencyId === null) {
      throw havenError('FORBIDDEN', { permission: `${kind} (no agency)` });
    }
    for (const seriesId of seriesIds) {
      await seriesService.getOwned(tx, actor, seriesId);
    }
    const code = wanted?.trim() || (await seriesService.nextNumber(tx, kind, actor.agencyId));
    if (await peopleRepository.codeInUse(tx, kind, code)) {
      throw havenError('CONFLICT', { reason: `The ${kind} code ${JSON.stringify(code)} is already in use` });
    }
    const id = randomUUID();
    const identification =
      kind === 'victim' && fields.identified === true
        ? { identifiedBy: actor.agencyId, identifiedAt: fields.identifiedAt ?? today() }
        : {};
    await peopleRepository.insert(tx, kind, {
      id,
      code,
      agencyId: actor.agencyId,
      fields: { ...fields, ...identification },
    });
    for (const seriesId of new Set(seriesIds)) {
      await peopleRepository.link(tx, kind, seriesId, id);
    }
    await audited(tx, actor, audit, 'create', { kind, id }, { code, series: seriesIds });
    await peopleService.propagateIdentification(tx, kind, id);
    return (await peopleRepository.get(tx, kind, id))!;
  },

  /** Changes a person the actor's agency recorded (others: FORBIDDEN if visible, NOT_FOUND if not). */
  async update(
    tx: Queryable,
    actor: Actor,
    kind: PersonKind,
    id: string,
    request: PersonFields,
    audit: AuditContext,
  ): Promise<PersonRecord> {
    const current = await peopleService.getVisible(tx, actor, kind, id);
    if (actor.kind !== 'system' && current.agencyId !== actor.agencyId) {
      throw havenError('FORBIDDEN', {
        permission: `series.manage (only the recording agency changes a ${kind})`,
      });
    }
    const fields = fieldsFor(kind, request);
    checkAges(
      fields.ageMin === undefined ? current.ageMin : fields.ageMin,
      fields.ageMax === undefined ? current.ageMax : fields.ageMax,
    );
    checkDate('identifiedAt', fields.identifiedAt);
    checkDate('safeguardedAt', fields.safeguardedAt);
    checkDate('arrestedAt', fields.arrestedAt);
    const identification =
      kind !== 'victim'
        ? {}
        : fields.identified === true && !current.identified
          ? { identifiedBy: actor.agencyId, identifiedAt: fields.identifiedAt ?? today() }
          : fields.identified === false
            ? { identifiedBy: null, identifiedAt: null }
            : {};
    await peopleRepository.update(tx, kind, id, { ...fields, ...identification });
    await audited(tx, actor, audit, 'update', { kind, id }, { fields: Object.keys(fields) });
    await peopleService.propagateIdentification(tx, kind, id);
    return (await peopleRepository.get(tx, kind, id))!;
  },

  /**
   * A victim identified by an agency that sees one of their series (typically the country a series
   * was disseminated to): recorded under that agency, whoever recorded the victim.
   */
  async identify(
    tx: Queryable,
    actor: Actor,
    id: string,
    request: { identifiedAt?: string | undefined; safeguardedAt?: string | null | undefined },
    audit: AuditContext,
  ): Promise<PersonRecord> {
    const current = await peopleService.getVisible(tx, actor, 'victim', id);
    if (current.identified) {
      throw havenError('CONFLICT', {
        reason: `Victim ${current.code} is already identified (${current.identifiedAt})`,
      });
    }
    if (actor.agencyId === null) {
      throw havenError('FORBIDDEN', { permission: 'victim identification (no agency)' });
    }
    checkDate('identifiedAt', request.identifiedAt);
    checkDate('safeguardedAt', request.safeguardedAt);
    await peopleRepository.update(tx, 'victim', id, {
      identified: true,
      identifiedBy: actor.agencyId,
      identifiedAt: request.identifiedAt ?? today(),
      ...(request.safeguardedAt === undefined ? {} : { safeguardedAt: request.safeguardedAt }),
    });
    await audited(tx, actor, audit, 'identify', { kind: 'victim', id }, { code: current.code });
    await peopleService.propagateIdentification(tx, 'victim', id);
    return (await peopleRepository.get(tx, 'victim', id))!;
  },

  /** Links a person the actor may see to a series the actor's agency owns. */
  async link(
    tx: Queryable,
    actor: Actor,
    kind: PersonKind,
    seriesId: string,
    personId: string,
    audit: AuditContext,
  ): Promise<PersonRecord> {
    await seriesService.getOwned(tx, actor, seriesId);
    await peopleService.getVisible(tx, actor, kind, personId);
    if (await peopleRepository.link(tx, kind, seriesId, personId)) {
      await audited(tx, actor, audit, 'link', { kind, id: personId }, { series: seriesId });
    }
    await peopleService.propagateIdentification(tx, kind, personId);
    return (await peopleRepository.get(tx, kind, personId))!;
  },

  async unlink(
    tx: Queryable,
    actor: Actor,
    kind: PersonKind,
    seriesId: string,
    personId: string,
    audit: AuditContext,
  ): Promise<void> {
    await seriesService.getOwned(tx, actor, seriesId);
    if (!(await peopleRepository.unlink(tx, kind, seriesId, personId))) {
      throw havenError('NOT_FOUND');
    }
    await audited(tx, actor, audit, 'unlink', { kind, id: personId }, { series: seriesId });
  },

  /** An identified victim marks each of their series identified (by the identifying agency). */
  async propagateIdentification(tx: Queryable, kind: PersonKind, id: string): Promise<void> {
    const person = await peopleRepository.get(tx, kind, id);
    if (kind === 'victim' && person?.identified && person.identifiedBy !== null) {
      await seriesService.noteVictimIdentified(
        tx,
        person.seriesIds,
        person.identifiedBy,
        new Date(`${person.identifiedAt ?? today()}T00:00:00Z`),
      );
    }
  },
};

const today = (): string => new Date().toISOString().slice(0, 10);
