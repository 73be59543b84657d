import type { Command } from 'commander';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { outputFormat } from '#haven/cli/output/output-format.js';
import { printTriage } from '#haven/cli/output/print-triage.js';

interface TriageOptions extends DataOptions {
  readonly case?: string;
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly format?: string;
}

export function registerTriage(program: Command): void {
  program
    .command('triage')
    .description("Print an ingest's triage again (default: the latest ingest)")
    .argument('[ingest-id]', 'ingest to report')
    .option('--case <ref>', 'the latest ingest of this case')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--json', 'one JSON object per file, then a summary line')
    .option('--csv', 'CSV, one row per file in review order')
    .option('--format <format>', 'text, json or csv')
    .action(async (ingestId: string | undefined, options: TriageOptions) => {
      const format = outputFormat(options);
      await withHaven(options, async (haven) => {
        const ingest = ingestId
          ? await haven.ingests.get(ingestId)
          : await haven.ingests.latest(options.case);
        const summary = await haven.ingests.summary(ingest.id);
        const items = await haven.ingests.results(ingest.id);
        printTriage(format, `Ingest ${ingest.id} into case ${summary.case}`, summary, items);
      });
    });
}
