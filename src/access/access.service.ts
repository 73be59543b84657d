import type { Actor } from '#haven/access/actor.js';
import { can } from '#haven/access/actor.js';
import type { Permission } from '#haven/access/permissions.js';
import { visibilityRepository } from '#haven/access/visibility.repository.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/**
 * The agency whose people and audit rows an actor administers, or null for every agency (the
 * system, central administration).
 */
export function scopeOf(actor: Actor): string | null {
  return actor.kind === 'system' || actor.allAgencies ? null : actor.agencyId;
}

/**
 * The agency whose sharing decides which cases and material an actor sees, or null for all of them
 * (only the system: the command line, background jobs). Central administration manages every
 * agency's people (scopeOf) but sees cases within sharing like everyone else: a case shared with
 * nobody is its owning agency's only.
 */
export function sharingScopeOf(actor: Actor): string | null {
  if (actor.kind === 'system') {
    return null;
  }
  if (actor.agencyId === null) {
    throw havenError('FORBIDDEN', { permission: 'cases and material (no agency)' });
  }
  return actor.agencyId;
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
    if (!(await visibilityRepository.caseVisible(db, caseId, sharingScopeOf(actor)))) {
      throw notFound();
    }
  },

  visibleMedia: (db: Queryable, actor: Actor, ids: readonly string[]): Promise<Set<string>> =>
    visibilityRepository.visibleMedia(db, ids, sharingScopeOf(actor)),

  holders: (db: Queryable, ids: readonly string[]) => visibilityRepository.holders(db, ids),

  visibleCaseReferences: (
    db: Queryable,
    actor: Actor,
    ids: readonly string[],
  ): Promise<Map<string, string[]>> =>
    visibilityRepository.visibleCaseReferences(db, ids, sharingScopeOf(actor)),

  /** SQL condition that case alias `c` is visible to the agency in the given parameter (e.g. '$1'). */
  caseVisibleSql: visibilityRepository.caseVisibleSql,

  /** SQL condition that series alias is visible to the agency in the given parameter. */
  seriesVisibleSql: visibilityRepository.seriesVisibleSql,
};
