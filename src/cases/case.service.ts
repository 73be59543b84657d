import { randomUUID } from 'node:crypto';
import { caseRepository, type CaseRecord } from '#haven/cases/case.repository.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

const REFERENCE = /^[\p{L}\p{N}][\p{L}\p{N} ._/:#-]{0,127}$/u;

export const caseService = {
  /** The case with this reference, created on first use (ingests always belong to a case). */
  async ensure(db: Queryable, reference: string, operator: string, agencyId: string): Promise<CaseRecord> {
    const trimmed = reference.trim();
    if (!REFERENCE.test(trimmed)) {
      throw havenError('INVALID_ARGUMENT', {
        reason: `Case reference ${JSON.stringify(reference)} must be 1-128 letters, digits, spaces or . _ / : # -, starting with a letter or digit`,
      });
    }
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
};
