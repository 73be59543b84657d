import { z } from 'zod';

// A full timestamp with its offset, or a day (midnight UTC); anything looser is refused rather
// than guessed at.
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .pipe(z.coerce.date())
  .meta({ description: 'ISO 8601 timestamp with offset (2025-01-31T12:00:00Z) or a day (2025-01-31)' });

export const AUDIT_PAGE_MAX = 500;

export const AuditListQuery = z
  .object({
    agency: z.uuid().optional().meta({
      description:
        "One agency's rows (central administrators; agency administrators always get their own agency's)",
    }),
    action: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: "An action or a dotted prefix of one: 'auth' matches 'auth.login'" }),
    actor: z.string().min(1).max(200).optional().meta({ description: "The actor's id or name" }),
    objectType: z.string().min(1).max(100).optional(),
    object: z.string().min(1).max(200).optional().meta({ description: "The object's id" }),
    since: Instant.optional().meta({ description: 'Rows at or after this time' }),
    until: Instant.optional().meta({ description: 'Rows before this time' }),
    before: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'Rows with a seq below this one: the nextBefore of the previous page' }),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
  })
  .strict();

export const AuditEntryBody = z
  .object({
    seq: z.number().int(),
    at: z.iso.datetime(),
    actorKind: z.enum(['user', 'token', 'system', 'anonymous']),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    agencyId: z.string().nullable(),
    action: z.string(),
    outcome: z.enum(['ok', 'denied', 'failed']),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    requestId: z.string().nullable(),
    clientIp: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const AuditPageBody = z
  .object({
    entries: z.array(AuditEntryBody),
    /** Pass as `before` for the next (older) page; null when this page is the last. */
    nextBefore: z.number().int().nullable(),
  })
  .meta({ id: 'AuditPage' });

export const AuditVerifyQuery = z
  .object({
    expectHead: z
      .string()
      .regex(/^\d{1,15}:[0-9a-fA-F]{64}$/)
      .optional()
      .meta({
        description:
          'SEQ:HASH of a head printed by an earlier verify: reports truncated if the chain no longer reaches it',
      }),
  })
  .strict();

export const AuditVerifyBody = z
  .object({
    ok: z.boolean(),
    rowsChecked: z.number().int(),
    headSeq: z.number().int(),
    headHash: z.string().nullable(),
    firstProblem: z
      .object({
        seq: z.number().int(),
        kind: z.enum(['edited', 'deleted', 'reordered', 'inserted', 'truncated']),
        detail: z.string(),
      })
      .optional(),
  })
  .meta({ id: 'AuditVerify' });
