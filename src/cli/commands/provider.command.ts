import type { Command } from 'commander';
import { systemActor } from '#haven/access/actor.js';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { printLine } from '#haven/cli/output/stdout.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

const dataOptions = (command: Command): Command =>
  command
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)');

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) {
    throw havenError('INVALID_ARGUMENT', { reason: `${flag} must be a whole number, not ${text}` });
  }
  return Number(text);
}

export function registerProvider(program: Command): void {
  const provider = program
    .command('provider')
    .description('Provider organisations (online services) and their hash-matching API keys');

  dataOptions(
    provider
      .command('create')
      .description('Register a provider organisation and what it may receive')
      .argument('<name>', 'organisation name')
      .option(
        '--classifications <list>',
        'comma-separated classes it may receive (see docs/CATEGORIES.md)',
        'csam',
      )
      .option('--baseline-only', 'only INTERPOL Baseline material'),
  ).action(
    async (name: string, options: DataOptions & { classifications: string; baselineOnly?: boolean }) => {
      await withHaven(options, async (haven) => {
        const classifications = options.classifications
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean);
        await haven.providers.createOrg(
          { name, classifications, baselineOnly: options.baselineOnly === true },
          systemActor(`cli:${haven.config.operator}`),
        );
        printLine(
          `Provider ${name} registered (receives: ${classifications.join(', ')}${options.baselineOnly ? ', Baseline only' : ''}).`,
        );
      });
    },
  );

  dataOptions(
    provider
      .command('key')
      .description('Issue an API key (scope: provider matching only); it is shown once')
      .argument('<provider>', 'organisation name')
      .requiredOption('--name <name>', 'key name (e.g. the system using it)')
      .option('--rate <n>', 'requests per minute', '60')
      .option('--days <n>', 'days until it expires', '365'),
  ).action(async (name: string, options: DataOptions & { name: string; rate: string; days: string }) => {
    await withHaven(options, async (haven) => {
      const { key, expiresAt } = await haven.providers.issueKey(
        {
          provider: name,
          name: options.name,
          requestsPerMinute: wholeNumber(options.rate, '--rate'),
          days: wholeNumber(options.days, '--days'),
        },
        systemActor(`cli:${haven.config.operator}`),
      );
      printLine(key);
      process.stderr.write(
        `Key for ${name} (expires ${expiresAt.toISOString()}): store it now, it is not shown again.\n`,
      );
    });
  });

  dataOptions(
    provider
      .command('revoke')
      .description('Revoke a provider key')
      .argument('<provider>', 'organisation name')
      .requiredOption('--name <name>', 'key name'),
  ).action(async (name: string, options: DataOptions & { name: string }) => {
    await withHaven(options, async (haven) => {
      const revoked = await haven.providers.revokeKey(
        { provider: name, name: options.name },
        systemActor(`cli:${haven.config.operator}`),
      );
      printLine(revoked > 0 ? `Revoked ${revoked} key(s).` : 'No such active key.');
    });
  });
}
