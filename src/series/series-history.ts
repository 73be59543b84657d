import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { seriesRepository } from '#haven/series/series.repository.js';
import type { AuditContext } from '#haven/series/series.types.js';

/** Every change to a series goes into its own history and the audit log, in the same transaction. */
export async function recordChange(
  tx: Queryable,
  actor: Actor,
  audit: AuditContext,
  seriesId: string,
  kind: string,
  details: Record<string, unknown>,
): Promise<void> {
  await seriesRepository.addEvent(tx, {
    seriesId,
    kind,
    agencyId: actor.agencyId,
    actorName: actor.name,
    details,
  });
  await auditService.record(tx, {
    actor,
    action: `series.${kind}`,
    outcome: 'ok',
    objectType: 'series',
    objectId: seriesId,
    details,
    ...audit,
  });
}
