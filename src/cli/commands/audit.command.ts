import type { Command } from 'commander';
import { systemActor } from '#haven/access/actor.js';
import { auditEntryJson } from '#haven/audit/audit-entry.js';
import { formatAnchor, parseAnchor, verifyAuditChain } from '#haven/audit/audit-verify.js';
import { auditService } from '#haven/audit/audit.service.js';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { printJson, printLine } from '#haven/cli/output/stdout.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

interface VerifyOptions extends DataOptions {
  readonly json?: boolean;
  readonly expectHead?: string;
}

interface ListOptions extends DataOptions {
  readonly json?: boolean;
  readonly action?: string;
  readonly since?: string;
  readonly limit?: string;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The hash-chained audit log');

  audit
    .command('verify')
    .description(
      'Prove the audit chain: recompute every hash and report the first edited, deleted, reordered or inserted row',
    )
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--json', 'the result as one JSON object')
    .option(
      '--expect-head <SEQ:HASH>',
      'a head printed by an earlier verify: reports "truncated" if the chain no longer reaches it',
    )
    .action(async (options: VerifyOptions) => {
      // Parsed before opening anything: a mistyped anchor is a usage error, not a verdict.
      const expectHead = options.expectHead === undefined ? undefined : parseAnchor(options.expectHead);
      // Not recorded in the log: this is a read-only check of the evidence by someone holding the
      // database itself, and appending to a damaged chain would change what it examines.
      const result = await withHaven(options, (haven) => verifyAuditChain(haven.db, { expectHead }));
      if (options.json) {
        printJson(result);
      } else if (result.firstProblem) {
        const problem = result.firstProblem;
        printLine(`Audit chain BROKEN at row ${problem.seq}: ${problem.kind}`);
        printLine(`  ${problem.detail}`);
        printLine(`  ${result.rowsChecked} rows intact before it`);
      } else if (result.headHash === null) {
        printLine('Audit chain intact: empty (no rows yet)');
      } else {
        printLine(`Audit chain intact: ${result.rowsChecked} rows, head ${result.headSeq}`);
        // The chain cannot show rows cut off its end; keeping this line elsewhere makes that visible.
        printLine(
          `Keep this head to detect later truncation: haven audit verify --expect-head ${formatAnchor(result.headSeq, result.headHash)}`,
        );
      }
      if (!result.ok) {
        process.exitCode = 1;
      }
    });

  audit
    .command('list')
    .description('Audit rows, newest first (reading them is recorded in the log too)')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--action <action>', "an action or a dotted prefix of one ('auth' matches 'auth.login')")
    .option('--since <iso>', 'rows at or after this time (ISO 8601)')
    .option('--limit <n>', 'at most this many rows (default 100)')
    .option('--json', 'one JSON object per row')
    .action(async (options: ListOptions) => {
      const since = options.since === undefined ? undefined : parseSince(options.since);
      const limit = options.limit === undefined ? 100 : parseLimit(options.limit);
      await withHaven(options, async (haven) => {
        const records = await haven.db.transaction(async (tx) => {
          const found = await auditService.search(tx, { action: options.action, since, limit });
          await auditService.record(tx, {
            actor: systemActor(haven.config.operator),
            action: 'audit.read',
            outcome: 'ok',
            objectType: 'audit_log',
            details: {
              via: 'cli',
              filter: { action: options.action, since: since?.toISOString(), limit },
              returned: found.length,
            },
          });
          return found;
        });
        for (const record of records) {
          if (options.json) {
            printJson(auditEntryJson(record));
          } else {
            const object =
              [record.objectType, record.objectId].filter((part) => part !== null).join(':') || '-';
            printLine(
              [
                record.seq,
                record.at.toISOString(),
                record.actorName ?? record.actorKind,
                record.agencyId ?? '-',
                record.action,
                record.outcome,
                object,
                record.clientIp ?? '-',
              ].join('\t'),
            );
          }
        }
      });
    });
}

function parseSince(text: string): Date {
  const at = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
    ? new Date(text)
    : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `--since expects an ISO 8601 time, got ${JSON.stringify(text)}`,
    });
  }
  return at;
}

function parseLimit(text: string): number {
  const limit = /^\d{1,9}$/.test(text) ? Number(text) : 0;
  if (limit < 1) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `--limit expects a positive whole number, got ${JSON.stringify(text)}`,
    });
  }
  return limit;
}
