import type { Command } from 'commander';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { printJson, printLine } from '#haven/cli/output/stdout.js';
import { caseService } from '#haven/cases/case.service.js';

export function registerCases(program: Command): void {
  program
    .command('cases')
    .description('List the cases held')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--json', 'one JSON object per case')
    .action(async (options: DataOptions & { json?: boolean }) => {
      await withHaven(options, async (haven) => {
        for (const record of await caseService.list(haven.db)) {
          if (options.json) {
            printJson({
              reference: record.reference,
              createdAt: record.createdAt,
              createdBy: record.createdBy,
            });
          } else {
            printLine(`${record.reference}\t${record.createdAt.toISOString()}\t${record.createdBy}`);
          }
        }
      });
    });
}
