import type { Command } from 'commander';
import { cliConfig, withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { outputFormat, type OutputFormat } from '#haven/cli/output/output-format.js';
import { printTriage } from '#haven/cli/output/print-triage.js';
import { Progress } from '#haven/cli/output/progress.js';
import { stdoutIsTty } from '#haven/cli/output/stdout.js';
import { countResults } from '#haven/cli/output/triage-text.js';
import { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import { LookupService } from '#haven/ingest/lookup.service.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { loadHeldSets } from '#haven/sharing/hash-list/load-held-sets.js';
import { matchHeld } from '#haven/sharing/hash-set-matcher.js';

interface TriageOptions extends DataOptions {
  readonly case?: string;
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly format?: string;
  readonly hashset?: string[];
  readonly knownGood?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerTriage(program: Command): void {
  program
    .command('triage')
    .description(
      "Print an ingest's triage again (default: the latest ingest); with --hashset, triage files offline against exported hash lists",
    )
    .argument('[args...]', 'ingest id; with --hashset: files, folders and zip archives to triage')
    .option('--case <ref>', 'the latest ingest of this case')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option(
      '--hashset <file>',
      'offline: an exported hash list (VICS, CSV, PDQ list, plain); repeatable',
      collect,
    )
    .option(
      '--known-good <file>',
      'offline: a known-good list (NSRL-style): matches are ignorable; repeatable',
      collect,
    )
    .option('--json', 'one JSON object per file, then a summary line')
    .option('--csv', 'CSV, one row per file in review order')
    .option('--format <format>', 'text, json or csv')
    .action(async (args: string[], options: TriageOptions) => {
      const format = outputFormat(options);
      if (options.hashset || options.knownGood) {
        await offlineTriage(args, options, format);
        return;
      }
      if (args.length > 1) {
        throw havenError('INVALID_ARGUMENT', { reason: 'triage takes one ingest id (paths need --hashset)' });
      }
      const ingestId = args[0];
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

/**
 * Field triage of a seized device on a laptop: no server, no database, no data directory. The
 * lists are loaded into memory; files are read, hashed and matched, nothing is written.
 */
async function offlineTriage(paths: string[], options: TriageOptions, format: OutputFormat): Promise<void> {
  if (paths.length === 0) {
    throw havenError('INVALID_ARGUMENT', { reason: 'give the files or folders to triage' });
  }
  if (options.data || options.databaseUrl || options.case) {
    throw havenError('INVALID_ARGUMENT', {
      reason: '--hashset triage is offline: no --data, --database-url or --case',
    });
  }
  const config = cliConfig({});
  const sets = await loadHeldSets([
    ...(options.hashset ?? []).map((path) => ({ path, purpose: 'known' as const })),
    ...(options.knownGood ?? []).map((path) => ({ path, purpose: 'known_good' as const })),
  ]);
  const settings = { maxDistance: config.matching.pdqMaxDistance, minQuality: config.matching.pdqMinQuality };
  const analyser = new ImageAnalyser(config.workers.imageThreads);
  const progress = new Progress(stdoutIsTty());
  try {
    const lookups = new LookupService({
      config,
      analyser,
      match: (probe) => {
        const lists = matchHeld(sets, config.matching.dihedral ? probe : firstVariants(probe), settings);
        const known = lists.filter((list) => list.purpose === 'known');
        const status = known.some((l) => l.match === 'exact') ? 'exact' : known.length > 0 ? 'near' : 'new';
        return Promise.resolve({ status, matches: [], lists });
      },
    });
    let handled = 0;
    const items = await lookups.lookup(paths, () => {
      handled += 1;
      progress.update(`Triage… ${handled} files`);
    });
    progress.done();
    printTriage(
      format,
      `Offline triage of ${paths.join(', ')} against ${sets.entries} listed hashes (nothing stored)`,
      countResults(items),
      items,
    );
  } finally {
    progress.done();
    await analyser.close();
  }
}

function firstVariants<P extends { perceptual: readonly { variants: readonly unknown[] }[] }>(probe: P): P {
  return { ...probe, perceptual: probe.perceptual.map((p) => ({ ...p, variants: p.variants.slice(0, 1) })) };
}
