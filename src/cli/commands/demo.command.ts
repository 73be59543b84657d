import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { openHaven } from '#haven/app/haven.js';
import { cliConfig, cliLogger, type DataOptions } from '#haven/cli/cli-context.js';
import { serveUntilSignal } from '#haven/cli/serve-until-signal.js';
import { ensureDemoAgency, resetDemoInvestigator } from '#haven/demo/demo-accounts.js';
import { outputFormat } from '#haven/cli/output/output-format.js';
import { printTriage } from '#haven/cli/output/print-triage.js';
import { printLine } from '#haven/cli/output/stdout.js';
import { runIngest } from '#haven/cli/run-ingest.js';
import { caseService } from '#haven/cases/case.service.js';
import { writeDemoFiles } from '#haven/demo/demo-files.js';

export const DEMO_REFERENCE_CASE = 'DEMO-REFERENCE';
export const DEMO_SEIZED_CASE = 'DEMO-SEIZED-PHONE';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Load benign demo data (generated pictures) and show a triage')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option('--json', 'print the triage as JSON lines')
    .option('--serve', 'then serve the API with a demo investigator account (a new password is printed)')
    .action(async (options: DataOptions & { json?: boolean; serve?: boolean }) => {
      const format = outputFormat(options);
      const config = cliConfig(options);
      const haven = await openHaven(config, cliLogger(config));
      try {
        const loaded = (await caseService.list(haven.db)).some((c) => c.reference === DEMO_SEIZED_CASE);
        if (!loaded) {
          const workDir = await mkdtemp(path.join(os.tmpdir(), 'haven-demo-'));
          try {
            const files = await writeDemoFiles(workDir);
            const agencyId = (await ensureDemoAgency(haven.db)).id;
            await runIngest(haven, {
              caseReference: DEMO_REFERENCE_CASE,
              sources: [files.reference],
              agencyId,
            });
            await runIngest(haven, { caseReference: DEMO_SEIZED_CASE, sources: [files.seized], agencyId });
          } finally {
            await rm(workDir, { recursive: true, force: true });
          }
        } else if (format === 'text') {
          printLine('Demo data is already loaded; its triage:');
        }
        const ingest = await haven.ingests.latest(DEMO_SEIZED_CASE);
        const summary = await haven.ingests.summary(ingest.id);
        printTriage(
          format,
          `Demo: a seized phone compared with a reference collection (data in ${haven.config.dataDir})`,
          summary,
          await haven.ingests.results(ingest.id),
        );
        if (format === 'text' && !options.serve) {
          printLine(
            `\nTry: haven ingest <folder> --case <ref> --data ${haven.config.dataDir}   ` +
              `or   haven match <files> --data ${haven.config.dataDir}`,
          );
        }
      } catch (error) {
        await haven.close();
        throw error;
      }
      if (!options.serve) {
        await haven.close();
        return;
      }
      const account = await resetDemoInvestigator(haven, await ensureDemoAgency(haven.db));
      await serveUntilSignal(haven, (server) => {
        printLine(
          [
            '',
            `Haven is serving the investigators' app at ${server.url}/ and the API at ${server.url}/api/v1`,
            `(OpenAPI: ${server.url}/api/v1/openapi.json). Ctrl-C stops it.`,
            `Demo account: ${account.username} / ${account.password}  (new password each start; at the first`,
            'sign-in you enrol an authenticator app: TOTP is mandatory for everyone who can see material)',
          ].join('\n'),
        );
      });
    });
}
