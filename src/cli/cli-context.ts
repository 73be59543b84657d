import { openHaven, type Haven } from '#haven/app/haven.js';
import type { Config } from '#haven/platform/config/config.schema.js';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { createLogger, type Logger } from '#haven/platform/log/logger.js';

/** Options every command that touches a data directory accepts. */
export interface DataOptions {
  readonly data?: string;
  readonly databaseUrl?: string;
  readonly logLevel?: string;
  readonly operator?: string;
  readonly port?: number | undefined;
  readonly listen?: string | undefined;
}

export function cliConfig(options: DataOptions): Config {
  return loadConfig({
    dataDir: options.data,
    databaseUrl: options.databaseUrl,
    logLevel: options.logLevel,
    operator: options.operator,
    port: options.port,
    listen: options.listen,
  });
}

export function cliLogger(config: Config): Logger {
  return createLogger({ level: config.log.level, format: config.log.format });
}

/** Opens Haven for one command and always closes it (saving indexes, releasing the lock). */
export async function withHaven<T>(options: DataOptions, work: (haven: Haven) => Promise<T>): Promise<T> {
  const config = cliConfig(options);
  const haven = await openHaven(config, cliLogger(config));
  try {
    return await work(haven);
  } finally {
    await haven.close();
  }
}
