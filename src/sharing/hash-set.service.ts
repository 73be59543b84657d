import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { hashSetRepository } from '#haven/sharing/hash-set.repository.js';
import type { HashSet } from '#haven/sharing/hash-set.types.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';

/** Hash sets: listing, and the negative bank (confirmed false positives), audited. */
export const hashSetService = {
  list: (db: Queryable): Promise<HashSet[]> => hashSetRepository.list(db),

  async get(db: Queryable, name: string): Promise<HashSet> {
    const set = await hashSetRepository.byName(db, name);
    if (!set) {
      throw havenError('HASH_SET_NOT_FOUND', { name });
    }
    return set;
  },

  /**
   * Records a medium (by its PDQ) as a confirmed false positive of a set: from now on a probe within
   * the match distance of it does not near-match that set's entries. Exact matches are unaffected.
   */
  async addFalsePositive(
    db: Database,
    input: { name: string; pdq: string; reason: string; actor: Actor; requestId?: string | undefined },
  ): Promise<{ added: boolean }> {
    const pdq = Buffer.from(pdqSignal.fromText(input.pdq));
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > 1000) {
      throw havenError('INVALID_ARGUMENT', { reason: 'a reason (1-1000 characters) is required' });
    }
    return db.transaction(async (tx) => {
      const set = await hashSetService.get(tx, input.name);
      const added = await hashSetRepository.addNegative(tx, set.id, pdq, reason, input.actor.name);
      if (added) {
        await hashSetRepository.bumpRevision(tx, set.id, null);
      }
      await auditService.record(tx, {
        actor: input.actor,
        action: 'hashset.false_positive',
        outcome: 'ok',
        objectType: 'hash_set',
        objectId: set.id,
        requestId: input.requestId,
        details: { name: set.name, pdq: input.pdq.toLowerCase(), reason, added },
      });
      return { added };
    });
  },
};
