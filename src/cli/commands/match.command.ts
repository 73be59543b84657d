import type { Command } from 'commander';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { outputFormat } from '#haven/cli/output/output-format.js';
import { printTriage } from '#haven/cli/output/print-triage.js';
import { Progress } from '#haven/cli/output/progress.js';
import { stdoutIsTty } from '#haven/cli/output/stdout.js';
import { countResults } from '#haven/cli/output/triage-text.js';

interface MatchOptions extends DataOptions {
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly format?: string;
}

export function registerMatch(program: Command): void {
  program
    .command('match')
    .description('Triage files against everything held, storing nothing')
    .argument('<paths...>', 'files, folders (recursive) and zip archives')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--json', 'one JSON object per file, then a summary line')
    .option('--csv', 'CSV, one row per file in review order')
    .option('--format <format>', 'text, json or csv')
    .action(async (paths: string[], options: MatchOptions) => {
      const format = outputFormat(options);
      await withHaven(options, async (haven) => {
        const progress = new Progress(stdoutIsTty());
        let handled = 0;
        const items = await haven.lookups.lookup(paths, () => {
          handled += 1;
          progress.update(`Matching… ${handled} files`);
        });
        progress.done();
        printTriage(format, `Match of ${paths.join(', ')} (nothing stored)`, countResults(items), items);
      });
    });
}
