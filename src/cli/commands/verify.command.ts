import type { Command } from 'commander';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { printJson, printLine, stdoutIsTty } from '#haven/cli/output/stdout.js';
import { Progress } from '#haven/cli/output/progress.js';
import { hex } from '#haven/platform/db/bytes.js';
import { describeError } from '#haven/platform/errors/haven-error.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('Check every stored original and preview against its SHA-256 (integrity check)')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--json', 'one JSON object per damaged blob, then a summary line')
    .action(async (options: DataOptions & { json?: boolean }) => {
      const damaged = await withHaven(options, async (haven) => {
        const progress = new Progress(stdoutIsTty());
        let checked = 0;
        let bad = 0;
        for (const [name, store] of [
          ['originals', haven.originals],
          ['previews', haven.previews],
        ] as const) {
          for await (const sha256 of store.list()) {
            checked += 1;
            progress.update(`Verifying ${name}… ${checked}`);
            try {
              await store.verify(sha256);
            } catch (error) {
              bad += 1;
              progress.done();
              const report = { store: name, sha256: hex(sha256), error: describeError(error) };
              if (options.json) {
                printJson(report);
              } else {
                printLine(`DAMAGED ${name} ${report.sha256}: ${report.error}`);
              }
            }
          }
        }
        progress.done();
        if (options.json) {
          printJson({ summary: { checked, damaged: bad } });
        } else {
          printLine(`${checked} blobs checked, ${bad} damaged`);
        }
        return bad;
      });
      if (damaged > 0) {
        process.exitCode = 1;
      }
    });
}
