import type { Command } from 'commander';
import { openHaven } from '#haven/app/haven.js';
import { cliConfig, cliLogger, type DataOptions } from '#haven/cli/cli-context.js';
import { serveUntilSignal } from '#haven/cli/serve-until-signal.js';

interface ServeOptions extends Omit<DataOptions, 'port'> {
  readonly port?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API and run background jobs (embedded database unless DATABASE_URL is set)')
    .option('--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)')
    .option('--port <n>', 'port to listen on (default 8080, $HAVEN_PORT)')
    .option('--listen <address>', 'address to listen on (default 127.0.0.1, $HAVEN_LISTEN)')
    .option('--database-url <url>', 'postgres://... to use a PostgreSQL server ($DATABASE_URL)')
    .action(async (options: ServeOptions) => {
      const config = cliConfig({
        ...options,
        port: options.port === undefined ? undefined : Number(options.port),
      });
      await serveUntilSignal(await openHaven(config, cliLogger(config)));
    });
}
