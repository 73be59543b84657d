import type { Actor } from '#haven/access/actor.js';
import { can } from '#haven/access/actor.js';
import type { Permission } from '#haven/access/permissions.js';
import { visibilityRepository } from '#haven/access/visibility.repository.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** The agency an actor is scoped to, or null when it may see every agency's objects. */
export function scopeOf(actor: Actor): string | null {
  return actor.kind === 'system' || actor.allAgencies ? null : actor.agencyId;
}

export const accessService = {
  /** Throws FORBIDDEN unless the actor holds the permission. */
  require(actor: Actor, permission: Permission): void {
    if (!can(actor, permission)) {
      throw havenError('FORBIDDEN', { permission });
    }
  },

  /**
   * Throws NOT_FOUND (never FORBIDDEN) when the case is not visible: a foreign id must look exactly
   * like one that does not exist.
   */
  async requireCase(db: Queryable, actor: Actor, caseId: string, notFound: () => Error): Promise<void> {
    if (!(await visibilityRepository.caseVisible(db, caseId, scopeOf(actor)))) {
      throw notFound();
    }
  },

  visibleMedia: (db: Queryable, actor: Actor, ids: readonly string[]): Promise<Set<string>> =>
    visibilityRepository.visibleMedia(db, ids, scopeOf(actor)),

  holders: visibilityRepository.holders,

  visibleCaseReferences: (
    db: Queryable,
    actor: Actor,
    ids: readonly string[],
  ): Promise<Map<string, string[]>> => visibilityRepository.visibleCaseReferences(db, ids, scopeOf(actor)),

  /** SQL condition that case alias `c` is visible to the agency in the given parameter (e.g. '$1'). */
  caseVisibleSql: visibilityRepository.caseVisibleSql,
};
