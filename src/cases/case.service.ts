import { randomUUID } from 'node:crypto';
import { agencyService } from '#haven/accounts/agency.service.js';
import type { Actor } from '#haven/access/actor.js';
import { accessService, sharingScopeOf } from '#haven/access/access.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { caseRepository, type CaseRecord } from '#haven/cases/case.repository.js';
import type { Sharing } from '#haven/cases/case.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

const REFERENCE = /^[\p{L}\p{N}][\p{L}\p{N} ._/:#-]{0,127}$/u;

export const caseService = {
  /** The case with this reference, created on first use (ingests always belong to a case). */
  async ensure(db: Queryable, reference: string, operator: string, agencyId: string): Promise<CaseRecord> {
    const trimmed = checkedReference(reference);
    return caseRepository.insertIfAbsent(db, {
      id: randomUUID(),
      reference: trimmed,
      createdBy: operator,
      agencyId,
    });
  },

  async get(db: Queryable, reference: string): Promise<CaseRecord> {
    const found = await caseRepository.findByReference(db, reference.trim());
    if (!found) {
      throw havenError('CASE_NOT_FOUND', { caseRef: reference });
    }
    return found;
  },

  list: (db: Queryable): Promise<CaseRecord[]> => caseRepository.list(db),

  /** A new case owned by the actor's agency. */
  async create(
    tx: Queryable,
    actor: Actor,
    request: { reference: string; title?: string | undefined },
    audit: { requestId: string; clientIp: string },
  ): Promise<CaseRecord> {
    const reference = checkedReference(request.reference);
    if (!actor.agencyId) {
      throw havenError('FORBIDDEN', { permission: 'case.create (no agency)' });
    }
    if (await caseRepository.findByReference(tx, reference)) {
      throw havenError('CONFLICT', {
        reason: `The case reference ${JSON.stringify(reference)} is already in use`,
      });
    }
    const created = await caseRepository.insertIfAbsent(tx, {
      id: randomUUID(),
      reference,
      createdBy: actor.name,
      agencyId: actor.agencyId,
      title: request.title ?? null,
    });
    await auditService.record(tx, {
      actor,
      action: 'case.create',
      outcome: 'ok',
      objectType: 'case',
      objectId: created.id,
      details: { reference },
      ...audit,
    });
    return created;
  },

  /** The case if the actor may see it; NOT_FOUND otherwise, exactly as for a case that does not exist. */
  async getVisible(db: Queryable, actor: Actor, id: string): Promise<CaseRecord> {
    const found = await caseRepository.get(db, id);
    if (!found) {
      throw havenError('NOT_FOUND');
    }
    await accessService.requireCase(db, actor, id, () => havenError('NOT_FOUND'));
    return found;
  },

  /** Cases the actor may see, optionally one reference. */
  listVisible(db: Queryable, actor: Actor, reference?: string): Promise<CaseRecord[]> {
    const visible = accessService.caseVisibleSql('c', '$1');
    return reference === undefined
      ? caseRepository.listWhere(db, visible, [sharingScopeOf(actor)])
      : caseRepository.listWhere(db, `${visible} AND c.reference = $2`, [
          sharingScopeOf(actor),
          reference.trim(),
        ]);
  },

  sharedWith: (db: Queryable, id: string): Promise<string[]> => caseRepository.sharedWith(db, id),

  /** Changes who may see a case: only its owning agency may (audited with the old and new level). */
  async setSharing(
    tx: Queryable,
    actor: Actor,
    id: string,
    request: { sharing: Sharing; agencies: readonly string[] },
    audit: { requestId: string; clientIp: string },
  ): Promise<CaseRecord> {
    const current = await caseService.getVisible(tx, actor, id);
    if (actor.kind !== 'system' && current.agencyId !== actor.agencyId) {
      throw havenError('FORBIDDEN', { permission: 'case.share (only the owning agency shares a case)' });
    }
    if (request.sharing !== 'selected' && request.agencies.length > 0) {
      throw havenError('VALIDATION_FAILED', { issues: 'agencies: only allowed with sharing "selected"' });
    }
    const agencies = [...new Set(request.agencies)].filter((agency) => agency !== current.agencyId);
    for (const agency of agencies) {
      if (!(await agencyService.get(tx, agency))) {
        throw havenError('VALIDATION_FAILED', { issues: `agencies: no agency ${agency}` });
      }
    }
    const before = await caseRepository.sharedWith(tx, id);
    await caseRepository.setSharing(tx, id, request.sharing, agencies);
    await auditService.record(tx, {
      actor,
      action: 'case.sharing.change',
      outcome: 'ok',
      objectType: 'case',
      objectId: id,
      details: {
        from: { sharing: current.sharing, agencies: before },
        to: { sharing: request.sharing, agencies },
      },
      ...audit,
    });
    return (await caseRepository.get(tx, id))!;
  },
};

function checkedReference(reference: string): string {
  const trimmed = reference.trim();
  if (!REFERENCE.test(trimmed)) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `Case reference ${JSON.stringify(reference)} must be 1-128 letters, digits, spaces or . _ / : # -, starting with a letter or digit`,
    });
  }
  return trimmed;
}
