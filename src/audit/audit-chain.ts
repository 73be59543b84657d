import { createHash } from 'node:crypto';
import type { AuditRecord } from '#haven/audit/audit.types.js';

/** The previous hash of the first row: the chain starts from 32 zero bytes. */
export const GENESIS_HASH = Buffer.alloc(32);

/**
 * The hash of a row: SHA-256 over the previous row's hash and a canonical serialisation of every
 * field (its seq too), so that editing, deleting, inserting or reordering rows breaks the chain.
 * It hashes the values as stored: `storableText`/`storableJson` must have been applied before.
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

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as PostgreSQL will store it. NUL is refused by text and jsonb (the audited action would then
 * fail, e.g. a failed login with a NUL in the name would go unrecorded), and lone UTF-16 surrogates
 * are refused by jsonb and silently turned into U+FFFD in text columns, so the row would no longer
 * match its hash. Both become U+FFFD before hashing.
 */
export function storableText(value: string): string {
  return value.replaceAll('\0', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

/** A JSON value (already through JSON.stringify/parse) with every key and string made storable. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') {
    return storableText(value);
  }
  if (Array.isArray(value)) {
    return value.map(storableJson);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        storableText(key),
        storableJson(inner),
      ]),
    );
  }
  return value;
}
