import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { agencyService } from '#haven/accounts/agency.service.js';
import { systemActor } from '#haven/access/actor.js';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { printJson, printLine } from '#haven/cli/output/stdout.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

interface FacesOptions extends DataOptions {
  readonly limit?: string;
  readonly minScore?: string;
  readonly json?: boolean;
}

const MAX_LIMIT = 1000;

function parseLimit(text: string | undefined): number {
  if (text === undefined) {
    return 10;
  }
  const limit = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw havenError('INVALID_ARGUMENT', { reason: `--limit must be a whole number from 1 to ${MAX_LIMIT}` });
  }
  return limit;
}

function parseMinScore(text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw havenError('INVALID_ARGUMENT', { reason: '--min-score must be a number from 0 to 1' });
  }
  return value;
}

async function readInput(file: string): Promise<Buffer> {
  try {
    const bytes = await readFile(file);
    if (bytes.length === 0) {
      throw havenError('INPUT_EMPTY');
    }
    return bytes;
  } catch (error) {
    if (
      error instanceof Error &&
      'code' in error &&
      typeof error.code === 'string' &&
      error.code.startsWith('E')
    ) {
      throw havenError('INPUT_UNREADABLE', { path: file, reason: error.message });
    }
    throw error;
  }
}

export function registerFaces(program: Command): void {
  program
    .command('faces')
    .description('Held images showing the same person as a photo (faces of opted-in agencies)')
    .argument('<file>', 'a photo (e.g. of a missing child)')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--limit <k>', 'at most this many results (default 10)')
    .option('--min-score <s>', 'only faces at least this similar, 0-1 (default: the match threshold)')
    .option('--json', 'one JSON object per result: {"sha256","score","inliers","kind"}')
    .action(async (file: string, options: FacesOptions) => {
      const limit = parseLimit(options.limit);
      const minScore = parseMinScore(options.minScore);
      const bytes = await readInput(file);
      await withHaven(options, async (haven) => {
        // Faces still owed to opted-in agencies are computed first, as ingest finishes videos.
        const scanned = await haven.faces.scan();
        if (scanned > 0) {
          haven.log.info('faces computed before the search', { media: scanned });
        }
        const results = await haven.faces.searchFacesByImage(
          bytes,
          limit,
          minScore ?? haven.config.faces.matchThreshold,
        );
        for (const result of results) {
          const score = Math.round(result.score * 10_000) / 10_000;
          if (options.json) {
            printJson({ sha256: result.sha256, score, inliers: 0, kind: result.kind });
          } else {
            printLine(
              `${score.toFixed(4)}  ${result.sha256}  face at ${result.box.x},${result.box.y} ${result.box.width}x${result.box.height}`,
            );
          }
        }
      });
    });

  program
    .command('faces-opt-in')
    .description("Turn face processing on (or off) for an agency's material (audited)")
    .requiredOption('--agency <name>', 'agency name')
    .option('--off', 'turn it off instead')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--operator <name>', 'who does this (recorded in the audit log)')
    .action(async (options: DataOptions & { agency: string; off?: boolean }) => {
      await withHaven(options, async (haven) => {
        const agency = await agencyService.findByName(haven.db, options.agency);
        if (!agency) {
          throw havenError('INVALID_ARGUMENT', {
            reason: `No agency named ${JSON.stringify(options.agency)}`,
          });
        }
        const actor = systemActor(haven.config.operator);
        const settings = await haven.db.transaction((tx) =>
          haven.faces.setEnabled(tx, actor, agency.id, options.off !== true, {}),
        );
        printLine(`Face processing for ${agency.name}: ${settings.enabled ? 'on' : 'off'}`);
      });
    });
}
