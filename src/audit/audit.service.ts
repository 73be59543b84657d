import { GENESIS_HASH, chainHash } from '#haven/audit/audit-chain.js';
import { auditRepository } from '#haven/audit/audit.repository.js';
import type { AuditEvent, AuditRecord } from '#haven/audit/audit.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

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
      actorId: actor?.userId ?? (actor?.kind === 'system' ? actor.name : null),
      actorName: actor?.name ?? event.attemptedName ?? null,
      agencyId: actor?.agencyId ?? null,
      action: event.action,
      outcome: event.outcome,
      objectType: event.objectType ?? null,
      objectId: event.objectId ?? null,
      requestId: event.requestId ?? null,
      clientIp: event.clientIp ?? null,
      details: JSON.parse(JSON.stringify(event.details ?? {})) as Record<string, unknown>,
      prevHash: tail?.hash ?? GENESIS_HASH,
    };
    const record = { ...withoutHash, hash: chainHash(withoutHash) };
    await auditRepository.insert(tx, record);
    return record;
  },
};
