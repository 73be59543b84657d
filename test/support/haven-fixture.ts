import { openHaven, type Haven } from '#haven/app/haven.js';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { silentLogger } from '#haven/platform/log/logger.js';
import { databaseEnv, provideDatabase } from './test-database.js';
import { tempDir } from './temp-dir.js';

/**
 * A fresh data directory with a fresh copy of the migrated template database: in DIR/db on the
 * embedded database, on the test server in the postgres project (runCli and openTestHaven pass its
 * DATABASE_URL; see test-database.ts). Both go after the current test.
 */
export function freshDataDir(): string {
  const dir = tempDir('haven-data-');
  provideDatabase(dir);
  return dir;
}

/** Environment for child `haven` processes: quiet, JSON logs, a fixed key, no host config. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    HAVEN_LOG_FORMAT: 'json',
    HAVEN_LOG_LEVEL: 'warn',
    HAVEN_EVIDENCE_KEY: TEST_KEY,
    HAVEN_OPERATOR: 'test-operator',
    ...extra,
  };
}

export const TEST_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/** Opens Haven in-process on `dataDir` (and its database) with test settings. */
export async function openTestHaven(dataDir: string, env: Record<string, string> = {}): Promise<Haven> {
  const config = loadConfig({ dataDir }, testEnv({ ...(await databaseEnv(dataDir)), ...env }));
  return openHaven(config, silentLogger);
}
