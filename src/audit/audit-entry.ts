import type { AuditRecord } from '#haven/audit/audit.types.js';

/** An audit row as the API and `haven audit list --json` show it: hashes in hex, time in ISO. */
export interface AuditEntryJson {
  readonly seq: number;
  readonly at: string;
  readonly actorKind: AuditRecord['actorKind'];
  readonly actorId: string | null;
  readonly actorName: string | null;
  readonly agencyId: string | null;
  readonly action: string;
  readonly outcome: AuditRecord['outcome'];
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly requestId: string | null;
  readonly clientIp: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
  readonly hash: string;
}

export function auditEntryJson(record: AuditRecord): AuditEntryJson {
  return {
    seq: record.seq,
    at: record.at.toISOString(),
    actorKind: record.actorKind,
    actorId: record.actorId,
    actorName: record.actorName,
    agencyId: record.agencyId,
    action: record.action,
    outcome: record.outcome,
    objectType: record.objectType,
    objectId: record.objectId,
    requestId: record.requestId,
    clientIp: record.clientIp,
    details: record.details,
    prevHash: record.prevHash.toString('hex'),
    hash: record.hash.toString('hex'),
  };
}
