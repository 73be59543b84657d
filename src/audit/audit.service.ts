import { GENESIS_HASH, chainHash, storableJson, storableText } from '#haven/audit/audit-chain.js';
import { auditRepository, type AuditFilter } from '#haven/audit/audit.repository.js';
import type { AuditEvent, AuditRecord } from '#haven/audit/audit.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

export type { AuditFilter } from '#haven/audit/audit.repository.js';

// A failed login's name is whatever the client sent: kept, but not at any length.
const MAX_ATTEMPTED_NAME = 200;

const text = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : storableText(value);

export const auditService = {
  /**
   * Appends one event to the chain inside the caller's transaction: the event and the change it
   * records commit together or not at all.
   */
  async record(tx: Queryable, event: AuditEvent): Promise<AuditRecord> {
    const tail = await auditRepository.lockTail(tx);
    const actor = event.actor;
    const withoutHash: Omit<AuditRecord, 'hash'> = {
      seq: (tail?.seq ?? 0) + 1,
      at: new Date(),
      actorKind: actor?.kind ?? 'anonymous',
      actorId: text(actor?.userId ?? (actor?.kind === 'system' ? actor.name : null)),
      actorName: text(actor?.name ?? event.attemptedName?.slice(0, MAX_ATTEMPTED_NAME)),
      agencyId: actor ? actor.agencyId : (event.agencyId ?? null),
      action: storableText(event.action),
      outcome: event.outcome,
      objectType: text(event.objectType),
      objectId: text(event.objectId),
      requestId: text(event.requestId),
      clientIp: text(event.clientIp),
      // Through JSON first: what is hashed is exactly what jsonb will give back (no undefined,
      // Dates as strings, no NaN), then made storable.
      details: storableJson(JSON.parse(JSON.stringify(event.details ?? {}))) as Record<string, unknown>,
      prevHash: tail?.hash ?? GENESIS_HASH,
    };
    const record = { ...withoutHash, hash: chainHash(withoutHash) };
    await auditRepository.insert(tx, record);
    return record;
  },

  /** Rows newest first, filtered (`agencyId` scopes them; callers decide what an actor may see). */
  search: (db: Queryable, filter: AuditFilter): Promise<AuditRecord[]> => auditRepository.search(db, filter),
};
