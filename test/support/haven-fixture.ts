import { cpSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { openHaven, type Haven } from '#haven/app/haven.js';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { silentLogger } from '#haven/platform/log/logger.js';
import { tempDir } from './temp-dir.js';

/** A fresh data directory whose embedded database is a copy of the migrated template. */
export function freshDataDir(): string {
  const dir = tempDir('haven-data-');
  cpSync(inject('pgliteTemplate'), path.join(dir, 'db'), { recursive: true });
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

/** Opens Haven in-process on `dataDir` with test settings. */
export async function openTestHaven(dataDir: string, env: Record<string, string> = {}): Promise<Haven> {
  const config = loadConfig({ dataDir }, testEnv(env));
  return openHaven(config, silentLogger);
}
