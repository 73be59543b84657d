import type { Command } from 'commander';
import { cliConfig } from '#haven/cli/cli-context.js';
import { printJson, printLine, stdoutIsTty } from '#haven/cli/output/stdout.js';
import { Progress } from '#haven/cli/output/progress.js';
import { hashFile, type FileHashes } from '#haven/ingest/hash-files.js';
import { mapOrdered } from '#haven/platform/concurrency/map-ordered.js';
import { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import { walkSources } from '#haven/ingest/walk/walk-sources.js';

interface HashOptions {
  readonly json?: boolean;
}

export function registerHash(program: Command): void {
  program
    .command('hash')
    .description('Print MD5, SHA-1, SHA-256 and PDQ of files (no database)')
    .argument('<paths...>', 'files or folders (recursive)')
    .option('--json', 'one JSON object per file')
    .action(async (paths: string[], options: HashOptions) => {
      const config = cliConfig({});
      const analyser = new ImageAnalyser(config.workers.imageThreads);
      const progress = new Progress(stdoutIsTty() && !options.json);
      try {
        let done = 0;
        const results = mapOrdered(walkSources(paths), config.workers.ingestConcurrency, (entry) =>
          hashFile(entry, analyser, config.limits),
        );
        for await (const result of results) {
          done += 1;
          progress.update(`Hashing… ${done} files`);
          if (options.json) {
            printJson(result);
          } else {
            progress.done();
            printLine(hashText(result));
          }
        }
      } finally {
        progress.done();
        await analyser.close();
      }
    });
}

function hashText(result: FileHashes): string {
  if (result.error && result.sha256 === null) {
    return `${result.path}: ${result.error}`;
  }
  const pdq = result.pdq ? `pdq ${result.pdq} q${result.pdqQuality}` : 'pdq -';
  const size = result.width ? `${result.width}x${result.height}` : '';
  return [
    result.path,
    `  ${result.mime} ${result.size} bytes ${size}`.trimEnd(),
    `  md5 ${result.md5}  sha1 ${result.sha1}`,
    `  sha256 ${result.sha256}`,
    `  ${pdq}`,
    ...(result.error ? [`  error: ${result.error}`] : []),
  ].join('\n');
}
