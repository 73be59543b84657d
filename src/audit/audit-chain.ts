import { createHash } from 'node:crypto';
import type { AuditRecord } from '#haven/audit/audit.types.js';

export const GENESIS_HASH = Buffer.alloc(32);

/**
 * The hash of a row: SHA-256 over the previous row's hash and a canonical serialisation of every
 * field, so that editing, deleting, inserting or reordering rows breaks the chain.
 */
export function chainHash(row: Omit<AuditRecord, 'hash'>): Buffer {
  const fields = [
    row.seq,
    row.at.toISOString(),
    row.actorKind,
    row.actorId,
    row.actorName,
    row.agencyId,
    row.action,
    row.outcome,
    row.objectType,
    row.objectId,
    row.requestId,
    row.clientIp,
    canonical(row.details),
  ];
  return createHash('sha256').update(row.prevHash).update(JSON.stringify(fields)).digest();
}

/** JSON with object keys sorted at every level, so a value hashes the same after a jsonb round trip. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
