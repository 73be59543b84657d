import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { Progress } from '#haven/cli/output/progress.js';
import { stdoutIsTty } from '#haven/cli/output/stdout.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { Region } from '#haven/similarity/similarity.types.js';

interface SimilarOptions extends DataOptions {
  readonly region?: string;
  readonly limit?: string;
  readonly json?: boolean;
  readonly faces?: boolean;
  readonly unconfirmed?: boolean;
}

interface SimilarLine {
  readonly sha256: string;
  readonly score: number;
  readonly inliers: number;
  readonly kind: string;
  readonly accepted: boolean;
}

function parseRegion(text: string): Region {
  const parts = text.split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 4 || parts.some((part) => part === '') || !numbers.every(Number.isFinite)) {
    throw havenError('INVALID_ARGUMENT', { reason: `--region must be X,Y,W,H in pixels, got "${text}"` });
  }
  const [x, y, width, height] = numbers as [number, number, number, number];
  return { x, y, width, height };
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) {
    return 10;
  }
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `--limit must be a whole number from 1 to 1000, got "${text}"`,
    });
  }
  return limit;
}

async function readProbe(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw havenError('INVALID_ARGUMENT', { reason: `cannot read ${file}: ${(error as Error).message}` });
  }
}

export function registerSimilar(program: Command): void {
  program
    .command('similar')
    .description('Find held images of the same place, or of the same object (--region), as FILE')
    .argument('<file>', 'an image file')
    .option('--region <x,y,w,h>', 'search only this rectangle of FILE (original pixels): an object')
    .option('--limit <k>', 'at most this many results (default 10)')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--json', 'one JSON object per result: {"sha256","score","inliers","kind"}')
    .option('--no-faces', 'do not look for the same person (faces of agencies that opted in)')
    .option(
      '--unconfirmed',
      'also list the best candidates below the acceptance threshold, after the matches (JSON adds "accepted")',
    )
    .action(async (file: string, options: SimilarOptions) => {
      const region = options.region === undefined ? null : parseRegion(options.region);
      const limit = parseLimit(options.limit);
      const bytes = await readProbe(file);
      await withHaven(options, async (haven) => {
        const progress = new Progress(stdoutIsTty());
        // Features of images held but not yet analysed are extracted first, through their jobs.
        const keys = await haven.similarity.enqueueMissing();
        let done = 0;
        for (const key of keys) {
          await haven.jobs.runOne(key);
          done += 1;
          progress.bar('Extracting local features', done, keys.length);
        }
        progress.done();
        const outcome = await haven.similarity.searchBytes(bytes, {
          region,
          limit,
          unconfirmed: options.unconfirmed === true,
        });
        const found: SimilarLine[] = outcome.hits.map((hit) => ({
          sha256: Buffer.from(hit.sha256).toString('hex'),
          score: hit.score,
          inliers: hit.inliers,
          kind: hit.kind,
          accepted: hit.accepted,
        }));
        // The same person is a whole-picture question; a region asks for an object.
        if (region === null && options.faces !== false) {
          await haven.faces.scan();
          if (await haven.faces.holdsFaces()) {
            const faces = await haven.faces.searchFacesByImage(
              bytes,
              limit,
              haven.config.faces.matchThreshold,
            );
            found.push(
              ...faces.map((face) => ({
                sha256: face.sha256,
                score: face.score,
                inliers: 0,
                kind: 'face',
                accepted: true,
              })),
            );
          }
        }
        const ranked = found
          .sort((a, b) => Number(b.accepted) - Number(a.accepted) || b.score - a.score)
          .slice(0, limit);
        const lines = ranked.map((hit) =>
          options.json
            ? JSON.stringify({
                sha256: hit.sha256,
                score: hit.score,
                inliers: hit.inliers,
                kind: hit.kind,
                ...(options.unconfirmed ? { accepted: hit.accepted } : {}),
              })
            : `${hit.score.toFixed(3)}  ${String(hit.inliers).padStart(4)} inliers  ${hit.kind.padEnd(6)}  ${hit.sha256}${hit.accepted ? '' : '  (not confirmed)'}`,
        );
        if (!options.json) {
          const matches = ranked.filter((hit) => hit.accepted).length;
          const unconfirmed = ranked.length - matches;
          process.stdout.write(
            `${matches === 0 ? 'No' : matches} similar ${region ? 'object' : 'place or person'} match(es)${unconfirmed > 0 ? ` and ${unconfirmed} unconfirmed candidate(s)` : ''} for ${file} (${outcome.probe.keypoints} keypoints)\n`,
          );
        }
        for (const line of lines) {
          process.stdout.write(`${line}\n`);
        }
      });
    });
}
