import type { Actor } from '#haven/access/actor.js';
import { auditEntryJson } from '#haven/audit/audit-entry.js';
import { parseAnchor, verifyAuditChain } from '#haven/audit/audit-verify.js';
import {
  AuditListQuery,
  AuditPageBody,
  AuditVerifyBody,
  AuditVerifyQuery,
} from '#haven/audit/audit.schema.js';
import { auditService } from '#haven/audit/audit.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/**
 * The agency whose rows the actor may read, or null for every agency (central administration).
 * An agency-scoped actor without an agency is refused rather than given an unscoped view.
 */
function readableAgency(actor: Actor): string | null {
  if (actor.kind === 'system' || actor.allAgencies) {
    return null;
  }
  if (actor.agencyId === null) {
    throw havenError('FORBIDDEN', { permission: 'audit.read' });
  }
  return actor.agencyId;
}

export function auditRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/audit',
      operationId: 'listAudit',
      summary:
        "The audit log, newest first (central administrators: every agency; agency administrators: their agency's rows). Audited.",
      tag: 'audit',
      access: { permission: 'audit.read' },
      query: AuditListQuery,
      responses: {
        200: { description: 'One page of audit rows', schema: AuditPageBody },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, query, requestId, clientIp }) {
        const scope = readableAgency(actor);
        const filter = {
          agencyId: scope ?? query.agency,
          action: query.action,
          actor: query.actor,
          objectType: query.objectType,
          objectId: query.object,
          since: query.since,
          until: query.until,
          beforeSeq: query.before,
          limit: query.limit,
        };
        // The read and its audit row commit together: a read that cannot be recorded returns nothing.
        const records = await db.transaction(async (tx) => {
          const found = await auditService.search(tx, filter);
          await auditService.record(tx, {
            actor,
            action: 'audit.read',
            outcome: 'ok',
            objectType: 'audit_log',
            requestId,
            clientIp,
            details: {
              filter: {
                ...filter,
                since: filter.since?.toISOString(),
                until: filter.until?.toISOString(),
              },
              returned: found.length,
            },
          });
          return found;
        });
        const last = records.at(-1);
        return {
          body: {
            entries: records.map(auditEntryJson),
            nextBefore: records.length === query.limit && last ? last.seq : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/audit/verify',
      operationId: 'verifyAudit',
      summary:
        'Verify the whole hash chain and report its first edited, deleted, reordered or inserted row (central administrators). Audited.',
      tag: 'audit',
      access: { permission: 'audit.read' },
      query: AuditVerifyQuery,
      responses: {
        200: {
          description: 'The verification result (ok false names the first problem)',
          schema: AuditVerifyBody,
        },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, query, requestId, clientIp }) {
        if (readableAgency(actor) !== null) {
          // The chain spans every agency: only those who may read all of it may vouch for it.
          throw havenError('FORBIDDEN', { permission: 'audit.read (all agencies)' });
        }
        const result = await verifyAuditChain(db, {
          expectHead: query.expectHead === undefined ? undefined : parseAnchor(query.expectHead),
        });
        // Recorded after the walk (not in one transaction with it: on the embedded database that
        // would hold the only connection for the whole walk), and before the answer goes out.
        await db.transaction((tx) =>
          auditService.record(tx, {
            actor,
            action: 'audit.verify',
            outcome: 'ok',
            objectType: 'audit_log',
            requestId,
            clientIp,
            details: {
              ok: result.ok,
              rowsChecked: result.rowsChecked,
              headSeq: result.headSeq,
              ...(result.firstProblem
                ? { problemSeq: result.firstProblem.seq, problemKind: result.firstProblem.kind }
                : {}),
            },
          }),
        );
        return { body: result };
      },
    }),
  ];
}
