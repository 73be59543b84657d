import type { Command } from 'commander';
import { openHaven } from '#haven/app/haven.js';
import { cliConfig, cliLogger, type DataOptions } from '#haven/cli/cli-context.js';
import { serveUntilSignal } from '#haven/cli/serve-until-signal.js';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { startPortal } from '#haven/portal/portal-server.js';

interface ServeOptions extends Omit<DataOptions, 'port'> {
  readonly port?: string;
  readonly role?: string;
  readonly portalDir?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API and run background jobs (embedded database unless DATABASE_URL is set)')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--port <n>', 'port to listen on (default 8080, $HAVEN_PORT; portal: 8090, $HAVEN_PORTAL_PORT)')
    .option('--listen <address>', 'address to listen on (default 127.0.0.1, $HAVEN_LISTEN)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .option(
      '--role <role>',
      'workspace (the API and web app) or portal (the public appeals site: only the portal folder, no database)',
      'workspace',
    )
    .option(
      '--portal-dir <dir>',
      'folder shared with the public portal (default <data>/portal, $HAVEN_PORTAL_DIR)',
    )
    .action(async (options: ServeOptions) => {
      const port = options.port === undefined ? undefined : Number(options.port);
      if (options.role === 'portal') {
        await servePortal({ ...options, port });
        return;
      }
      if (options.role !== 'workspace') {
        throw havenError('INVALID_ARGUMENT', {
          reason: `--role must be workspace or portal, not ${options.role}`,
        });
      }
      const config = cliConfig({ ...options, port });
      await serveUntilSignal(await openHaven(config, cliLogger(config)));
    });
}

/** The portal opens no database and reads no evidence key: only its folder. */
async function servePortal(
  options: Omit<ServeOptions, 'port'> & { port: number | undefined },
): Promise<void> {
  const config = loadConfig({
    dataDir: options.data,
    portalDir: options.portalDir,
    logLevel: options.logLevel,
    listen: options.listen,
  });
  const log = cliLogger(config);
  const portal = await startPortal(config, log, options.port === undefined ? {} : { port: options.port });
  process.stdout.write(`${JSON.stringify({ portal: portal.url })}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void portal.close().finally(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
