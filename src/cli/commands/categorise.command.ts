import type { Command } from 'commander';
import { systemActor } from '#haven/access/actor.js';
import type { Haven } from '#haven/app/haven.js';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { printJson, printLine } from '#haven/cli/output/stdout.js';
import { mediaService } from '#haven/media/media.service.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { CATEGORY_SCHEMES, type CategoryScheme } from '#haven/sharing/categories/crosswalk.js';
import type { CategoryView } from '#haven/sharing/categories/categorisation.service.js';

interface CategoriseOptions extends DataOptions {
  readonly scheme?: string;
  readonly code?: string;
  readonly baseline?: boolean;
  readonly note?: string;
  readonly show?: boolean;
  readonly json?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/i;

/** A medium named by its id or its SHA-256 (what `haven ingest` and `haven match` print). */
async function mediaIdOf(haven: Haven, reference: string): Promise<string> {
  const text = reference.trim();
  if (UUID.test(text)) {
    return text.toLowerCase();
  }
  if (SHA256.test(text)) {
    const found = await mediaService.findBySha256(haven.db, Buffer.from(text, 'hex'));
    if (found) {
      return found.id;
    }
    throw havenError('INVALID_ARGUMENT', { reason: `no medium with SHA-256 ${text.toLowerCase()}` });
  }
  throw havenError('INVALID_ARGUMENT', {
    reason: `a medium is named by its id (UUID) or its SHA-256 (64 hex digits), not ${JSON.stringify(text.slice(0, 80))}`,
  });
}

export function registerCategorise(program: Command): void {
  program
    .command('categorise')
    .description(
      'Categorise a held medium (kept in its history, audited) or show its history and every source’s category',
    )
    .argument('<media>', 'media id or SHA-256')
    .option('--scheme <scheme>', `category scheme: ${CATEGORY_SCHEMES.join(', ')}`)
    .option('--code <code>', 'vics_us: 0-5; uk: A, B, C, NP; industry: A1, A2, B1, B2')
    .option('--baseline', 'INTERPOL Baseline (only with child sexual abuse material)')
    .option('--note <text>', 'why (kept with the decision)')
    .option('--show', 'only show the history and the sources’ categories (conflicts included)')
    .option('--json', 'the view as one JSON object')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .action(async (media: string, options: CategoriseOptions) => {
      if (!options.show && (options.scheme === undefined || options.code === undefined)) {
        throw havenError('INVALID_ARGUMENT', { reason: '--scheme and --code are required (or --show)' });
      }
      if (options.scheme !== undefined && !(CATEGORY_SCHEMES as readonly string[]).includes(options.scheme)) {
        throw havenError('INVALID_ARGUMENT', {
          reason: `--scheme must be one of ${CATEGORY_SCHEMES.join(', ')}, not ${options.scheme}`,
        });
      }
      if (options.note !== undefined && options.note.length > 2000) {
        throw havenError('INVALID_ARGUMENT', { reason: '--note is longer than 2000 characters' });
      }
      await withHaven(options, async (haven) => {
        const actor = systemActor(`cli:${haven.config.operator}`);
        const id = await mediaIdOf(haven, media);
        const view = options.show
          ? await haven.categories.view(haven.db, actor, id)
          : await haven.categories.categorise(actor, id, {
              scheme: options.scheme as CategoryScheme,
              code: options.code!,
              baseline: options.baseline === true,
              note: options.note,
            });
        if (options.json) {
          printJson({ mediaId: id, ...view });
        } else {
          printLine(viewText(id, view));
        }
      });
    });
}

function viewText(mediaId: string, view: CategoryView): string {
  const lines = [`Medium ${mediaId}`];
  for (const d of view.history) {
    lines.push(
      `  ${d.decidedAt.toISOString()}  ${d.decidedBy}  ${d.scheme} ${d.code}${d.baseline ? ' Baseline' : ''}${d.note ? `  (${d.note})` : ''}`,
    );
  }
  lines.push(
    `  classes: ${view.verdict.classes.join(', ') || 'none'}${view.verdict.baseline ? '  Baseline' : ''}`,
  );
  if (view.verdict.conflict) {
    lines.push('  CONFLICT: the sources disagree (not resolved):');
  }
  for (const claim of view.verdict.claims) {
    lines.push(`    ${claim.source}: ${claim.scheme} ${claim.code ?? '-'} (${claim.class})`);
  }
  return lines.join('\n');
}
