import type { Command } from 'commander';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { outputFormat } from '#haven/cli/output/output-format.js';
import { printTriage } from '#haven/cli/output/print-triage.js';
import { runIngest } from '#haven/cli/run-ingest.js';

interface IngestOptions extends DataOptions {
  readonly case: string;
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly format?: string;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Store, hash and triage files, folders and zip archives into a case (resumable)')
    .argument('<paths...>', 'files, folders (recursive) and zip archives')
    .requiredOption('--case <ref>', 'case reference the material belongs to (created if new)')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--operator <name>', 'who runs the ingest (default: the OS user)')
    .option('--json', 'one JSON object per file, then a summary line')
    .option('--csv', 'CSV, one row per file in review order')
    .option('--format <format>', 'text, json or csv')
    .action(async (paths: string[], options: IngestOptions) => {
      const format = outputFormat(options);
      await withHaven(options, async (haven) => {
        const ingest = await runIngest(haven, { caseReference: options.case, sources: paths });
        const summary = await haven.ingests.summary(ingest.id);
        const items = await haven.ingests.results(ingest.id);
        printTriage(format, `Ingest ${ingest.id} into case ${summary.case}`, summary, items);
      });
    });
}
