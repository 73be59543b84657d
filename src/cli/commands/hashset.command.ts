import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { systemActor } from '#haven/access/actor.js';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { printJson, printLine } from '#haven/cli/output/stdout.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { ListHashType } from '#haven/sharing/hash-list/hash-list-reader.js';
import { EXPORT_FORMATS, exportHashSet, type ExportFormat } from '#haven/sharing/hash-set-export.service.js';
import { hashSetImportService } from '#haven/sharing/hash-set-import.service.js';
import { hashSetService } from '#haven/sharing/hash-set.service.js';
import {
  heldVicsExportService,
  type HeldVicsExport,
} from '#haven/sharing/held-export/held-vics-export.service.js';
import {
  SET_SCHEMES,
  TRUST_LEVELS,
  type ImportReport,
  type SetScheme,
  type TrustLevel,
} from '#haven/sharing/hash-set.types.js';
import { VICS_VARIANTS, type VicsVariant } from '#haven/sharing/vics/vics-context.js';

interface ImportOptions extends DataOptions {
  readonly name: string;
  readonly source?: string;
  readonly licence?: string;
  readonly trust: string;
  readonly scheme?: string;
  readonly knownGood?: boolean;
  readonly add?: boolean;
  readonly dryRun?: boolean;
  readonly bestEffort?: boolean;
  readonly baseline?: boolean;
  readonly providerShared?: boolean;
  readonly hashType?: string;
  readonly json?: boolean;
}

interface ExportOptions extends DataOptions {
  readonly format: string;
  readonly variant?: string;
  readonly out?: string;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `${flag} must be one of ${allowed.join(', ')}, not ${value}`,
    });
  }
  return value as T;
}

const dataOptions = (command: Command): Command =>
  command
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)');

export function registerHashSet(program: Command): void {
  const hashset = program
    .command('hashset')
    .description('Hash sets (banks): import, export, list, false positives');

  dataOptions(
    hashset
      .command('import')
      .description(
        'Import a VICS file (1.x or 2.0) or a hash list (plain, NSRL, CSV) into a hash set, all or nothing',
      )
      .argument('<file>', 'VICS JSON, or a text list of hashes')
      .requiredOption('--name <name>', 'hash set name (created if new)')
      .option('--source <text>', 'where the hashes come from (default: the file name)')
      .option('--licence <text>', 'licence or terms of use of the hashes')
      .option('--trust <level>', `trust level: ${TRUST_LEVELS.join(', ')}`, 'unverified')
      .option(
        '--scheme <scheme>',
        `category scheme: ${SET_SCHEMES.join(', ')} (default: from the VICS variant)`,
      )
      .option('--known-good', 'a known-good set: matching files are marked ignorable in triage')
      .option(
        '--add',
        'merge into the set (default: the file replaces the set; entries it lacks are removed)',
      )
      .option('--dry-run', 'check everything and report, store nothing')
      .option('--best-effort', 'skip invalid records (listed) instead of refusing the file')
      .option('--baseline', 'every entry is INTERPOL Baseline material')
      .option('--provider-shared', 'offer the set to provider organisations (by their entitlement)')
      .option(
        '--hash-type <type>',
        'type of bare hashes in a plain list: md5, sha1, sha256, pdq (default: by length)',
      )
      .option('--json', 'the report as one JSON object'),
  ).action(async (file: string, options: ImportOptions) => {
    await withHaven(options, async (haven) => {
      const report = await hashSetImportService.importFile(haven.db, file, {
        name: options.name,
        purpose: options.knownGood ? 'known_good' : 'known',
        source: options.source ?? file.split(/[\\/]/).pop() ?? file,
        licence: options.licence ?? null,
        trust: oneOf<TrustLevel>(options.trust, TRUST_LEVELS, '--trust'),
        scheme:
          options.scheme === undefined
            ? undefined
            : oneOf<SetScheme>(options.scheme, SET_SCHEMES, '--scheme'),
        providerShared: options.providerShared === true,
        mode: options.add ? 'add' : 'replace',
        dryRun: options.dryRun === true,
        bestEffort: options.bestEffort === true,
        baseline: options.baseline === true,
        hashType:
          options.hashType === undefined
            ? null
            : oneOf<ListHashType>(options.hashType, ['md5', 'sha1', 'sha256', 'pdq'], '--hash-type'),
        actor: systemActor(`cli:${haven.config.operator}`),
      });
      if (options.json) {
        printJson(report);
      } else {
        printLine(reportText(report));
      }
    });
  });

  dataOptions(
    hashset
      .command('export')
      .description('Export a hash set as VICS 2.0, CSV or a PDQ hex list')
      .argument('<name>', 'hash set name')
      .option('--format <format>', EXPORT_FORMATS.join(', '), 'vics')
      .option('--variant <variant>', `VICS 2.0 variant: ${VICS_VARIANTS.join(', ')} (default: as imported)`)
      .option('--out <file>', 'write to this file (default: standard output)'),
  ).action(async (name: string, options: ExportOptions) => {
    const format = oneOf<ExportFormat>(options.format, EXPORT_FORMATS, '--format');
    const variant =
      options.variant === undefined
        ? undefined
        : oneOf<VicsVariant>(options.variant, VICS_VARIANTS, '--variant');
    await withHaven(options, async (haven) => {
      const pieces = await exportHashSet(haven.db, name, format, variant);
      await pipeline(Readable.from(pieces), options.out ? createWriteStream(options.out) : process.stdout, {
        end: options.out !== undefined,
      });
    });
  });

  const heldExport = (what: string, argument: string): Command =>
    dataOptions(
      hashset
        .command(`export-${what}`)
        .description(
          `Export a ${what} held in Haven as a VICS 2.0 #Cases file (hashes, categories, file paths, EXIF)`,
        )
        .argument(argument, what === 'case' ? 'case reference' : 'series number')
        .option('--variant <variant>', `VICS 2.0 variant: ${VICS_VARIANTS.join(', ')}`, 'US')
        .option('--out <file>', 'write to this file (default: standard output)'),
    );
  const writeHeld = async (made: HeldVicsExport, out: string | undefined): Promise<void> => {
    await pipeline(Readable.from(made.pieces), out ? createWriteStream(out) : process.stdout, {
      end: out !== undefined,
    });
    if (out) {
      printLine(`Exported ${made.media} media to ${out}`);
    }
  };
  heldExport('case', '<reference>').action(async (reference: string, options: ExportOptions) => {
    const variant = oneOf<VicsVariant>(options.variant ?? 'US', VICS_VARIANTS, '--variant');
    await withHaven(options, async (haven) => {
      const actor = systemActor(`cli:${haven.config.operator}`);
      const caseId = await heldVicsExportService.caseIdOf(haven.db, reference);
      await writeHeld(await heldVicsExportService.exportCase(haven.db, actor, caseId, variant), options.out);
    });
  });
  heldExport('series', '<number>').action(async (number: string, options: ExportOptions) => {
    const variant = oneOf<VicsVariant>(options.variant ?? 'US', VICS_VARIANTS, '--variant');
    await withHaven(options, async (haven) => {
      const actor = systemActor(`cli:${haven.config.operator}`);
      const seriesId = await heldVicsExportService.seriesIdOf(haven.db, actor, number);
      await writeHeld(
        await heldVicsExportService.exportSeries(haven.db, actor, seriesId, variant),
        options.out,
      );
    });
  });

  dataOptions(
    hashset.command('list').description('List hash sets').option('--json', 'one JSON object per set'),
  ).action(async (options: DataOptions & { json?: boolean }) => {
    await withHaven(options, async (haven) => {
      for (const set of await hashSetService.list(haven.db)) {
        if (options.json) {
          printJson(set);
        } else {
          printLine(
            `${set.name}  ${set.purpose}  ${set.entries} entries  scheme ${set.scheme}  trust ${set.trust}  source ${set.source}` +
              (set.licence ? `  licence ${set.licence}` : ''),
          );
        }
      }
    });
  });

  dataOptions(
    hashset
      .command('false-positive')
      .description(
        "Record a confirmed false positive: probes near this PDQ no longer near-match the set's entries",
      )
      .argument('<name>', 'hash set name')
      .requiredOption('--pdq <hex>', 'PDQ of the wrongly matched medium')
      .requiredOption('--reason <text>', 'why it is a false positive'),
  ).action(async (name: string, options: DataOptions & { pdq: string; reason: string }) => {
    await withHaven(options, async (haven) => {
      const { added } = await hashSetService.addFalsePositive(haven.db, {
        name,
        pdq: options.pdq,
        reason: options.reason,
        actor: systemActor(`cli:${haven.config.operator}`),
      });
      printLine(
        added ? `Recorded in the negative bank of ${name}.` : `Already in the negative bank of ${name}.`,
      );
    });
  });
}

function reportText(report: ImportReport): string {
  const lines = [
    `${report.dryRun ? 'Dry run (nothing stored)' : 'Imported'} ${report.format === 'vics' ? `VICS ${report.version ?? ''}${report.variant ? ` ${report.variant}` : ''}` : 'hash list'} into ${report.hashSet}`,
    `  records: ${report.records}   added: ${report.added}   changed: ${report.changed}   unchanged: ${report.unchanged}   removed: ${report.removed}   skipped: ${report.skipped}`,
  ];
  if (report.miniaturesDropped > 0) {
    lines.push(`  embedded thumbnails (Miniature) not kept: ${report.miniaturesDropped}`);
  }
  for (const problem of report.problems) {
    lines.push(`  skipped: ${problem}`);
  }
  lines.push(`  ${report.seconds.toFixed(1)} s`);
  return lines.join('\n');
}
