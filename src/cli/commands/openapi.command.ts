import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { openHaven } from '#haven/app/haven.js';
import { HAVEN_VERSION } from '#haven/app/version.js';
import { printLine } from '#haven/cli/output/stdout.js';
import { openApiDocument } from '#haven/http/openapi.js';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { silentLogger } from '#haven/platform/log/logger.js';
import { apiParts } from '#haven/server/api-parts.js';

export function registerOpenApi(program: Command): void {
  program
    .command('openapi')
    .description('Print (or write) the OpenAPI document of the HTTP API')
    .option('--out <file>', 'write it to this file instead of stdout')
    .action(async (options: { out?: string }) => {
      // The routes are built against a throwaway data directory: nothing of the user's is opened.
      const scratch = await mkdtemp(path.join(os.tmpdir(), 'haven-openapi-'));
      try {
        const config = loadConfig(
          { dataDir: scratch },
          { HAVEN_EVIDENCE_KEY: '00'.repeat(32), HAVEN_LOG_LEVEL: 'silent' },
        );
        const haven = await openHaven(config, silentLogger);
        try {
          const text = `${JSON.stringify(openApiDocument(apiParts(haven).routes, HAVEN_VERSION), null, 2)}\n`;
          if (options.out) {
            await writeFile(options.out, text);
          } else {
            printLine(text.trimEnd());
          }
        } finally {
          await haven.close();
        }
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    });
}
