import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigFlags } from '#haven/platform/config/load-config.js';
import { HavenError } from '#haven/platform/errors/haven-error.js';

type Env = Record<string, string>;

/** The CONFIG_INVALID error that loading with these inputs must raise. */
function configError(env: Env, flags: ConfigFlags = {}): HavenError {
  let caught: unknown;
  try {
    loadConfig(flags, env);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected CONFIG_INVALID').toBeInstanceOf(HavenError);
  expect((caught as HavenError).code).toBe('CONFIG_INVALID');
  return caught as HavenError;
}

describe('loadConfig defaults', () => {
  // An empty environment, so that the host's HAVEN_* variables cannot leak into the result.
  const config = loadConfig({}, {});

  it('puts the data dir at ./haven-data, as an absolute path', () => {
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir).toBe(path.join(process.cwd(), 'haven-data'));
  });

  it('uses the embedded database and a generated key unless told otherwise', () => {
    expect(config.databaseUrl).toBeUndefined();
    expect(config.evidenceKey).toBeUndefined();
    expect(config.evidenceKeyFile).toBeUndefined();
  });

  it('names the operator and host from the system', () => {
    expect(config.operator).toBe(os.userInfo().username);
    expect(config.host).toBe(os.hostname());
  });

  it('logs at info, as JSON unless stderr is a terminal', () => {
    expect(config.log).toEqual({ level: 'info', format: process.stderr.isTTY ? 'pretty' : 'json' });
  });

  it('has the documented matching and limit defaults', () => {
    expect(config.matching).toEqual({ pdqMaxDistance: 31, pdqMinQuality: 50, dihedral: true });
    expect(config.limits).toEqual({
      maxImagePixels: 178_956_970,
      archiveMaxEntries: 200_000,
      archiveMaxDepth: 8,
      archiveMaxTotalBytes: 256 * 1024 ** 3,
      archiveMaxRatio: 1_000,
      nestedArchiveMaxBytes: 2 * 1024 ** 3,
      maxImageBytes: 512 * 1024 ** 2,
    });
  });

  it('sizes the image thread pool from the CPUs, between 1 and 8', () => {
    expect(config.workers.imageThreads).toBe(Math.max(1, Math.min(os.availableParallelism(), 8)));
    expect(config.workers.ingestConcurrency).toBe(6);
  });
});

describe('loadConfig from the environment', () => {
  it('resolves a relative HAVEN_DATA_DIR against the working directory and keeps an absolute one', () => {
    expect(loadConfig({}, { HAVEN_DATA_DIR: 'some/where' }).dataDir).toBe(path.resolve('some/where'));
    expect(loadConfig({}, { HAVEN_DATA_DIR: '/srv/haven' }).dataDir).toBe('/srv/haven');
  });

  it('reads strings as given', () => {
    const config = loadConfig(
      {},
      {
        DATABASE_URL: 'postgresql://haven@db/haven',
        HAVEN_EVIDENCE_KEY: 'k',
        HAVEN_EVIDENCE_KEY_FILE: '/keys/evidence.key',
        HAVEN_OPERATOR: 'analyst-7',
        HAVEN_HOST: 'station-3',
        HAVEN_LOG_LEVEL: 'debug',
        HAVEN_LOG_FORMAT: 'pretty',
      },
    );
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://haven@db/haven',
      evidenceKey: 'k',
      evidenceKeyFile: '/keys/evidence.key',
      operator: 'analyst-7',
      host: 'station-3',
      log: { level: 'debug', format: 'pretty' },
    });
  });

  it('parses numbers into numbers', () => {
    const config = loadConfig(
      {},
      {
        HAVEN_PDQ_MAX_DISTANCE: '12',
        HAVEN_PDQ_MIN_QUALITY: '0',
        HAVEN_MAX_IMAGE_PIXELS: '1000000',
        HAVEN_ARCHIVE_MAX_ENTRIES: '10',
        HAVEN_ARCHIVE_MAX_DEPTH: '2',
        HAVEN_ARCHIVE_MAX_TOTAL_BYTES: '2048',
        HAVEN_ARCHIVE_MAX_RATIO: '50',
        HAVEN_NESTED_ARCHIVE_MAX_BYTES: '4096',
        HAVEN_MAX_IMAGE_BYTES: '8192',
        HAVEN_IMAGE_THREADS: '3',
        HAVEN_INGEST_CONCURRENCY: '2',
      },
    );
    expect(config.matching).toEqual({ pdqMaxDistance: 12, pdqMinQuality: 0, dihedral: true });
    expect(config.limits).toEqual({
      maxImagePixels: 1_000_000,
      archiveMaxEntries: 10,
      archiveMaxDepth: 2,
      archiveMaxTotalBytes: 2048,
      archiveMaxRatio: 50,
      nestedArchiveMaxBytes: 4096,
      maxImageBytes: 8192,
    });
    expect(config.workers).toEqual({ imageThreads: 3, ingestConcurrency: 2 });
  });

  it.each(['false', 'FALSE', '0', 'no', 'off'])('reads HAVEN_PDQ_DIHEDRAL=%s as false', (value) => {
    expect(loadConfig({}, { HAVEN_PDQ_DIHEDRAL: value }).matching.dihedral).toBe(false);
  });

  it.each(['true', '1', 'yes', 'on'])('reads HAVEN_PDQ_DIHEDRAL=%s as true', (value) => {
    expect(loadConfig({}, { HAVEN_PDQ_DIHEDRAL: value }).matching.dihedral).toBe(true);
  });

  it('rejects a HAVEN_PDQ_DIHEDRAL value it does not understand instead of guessing', () => {
    expect(() => loadConfig({}, { HAVEN_PDQ_DIHEDRAL: 'flase' })).toThrow(/matching\.dihedral/);
  });

  it.each([
    'DATABASE_URL',
    'HAVEN_EVIDENCE_KEY',
    'HAVEN_EVIDENCE_KEY_FILE',
    'HAVEN_PDQ_DIHEDRAL',
    'HAVEN_PDQ_MAX_DISTANCE',
    'HAVEN_PDQ_MIN_QUALITY',
    'HAVEN_IMAGE_THREADS',
    'HAVEN_MAX_IMAGE_BYTES',
    'HAVEN_DATA_DIR',
  ])('treats an empty %s as unset (the default applies)', (name) => {
    expect(loadConfig({}, { [name]: '' })).toEqual(loadConfig({}, {}));
  });
});

describe('loadConfig flags', () => {
  it('win over the environment', () => {
    const config = loadConfig(
      {
        dataDir: '/from/flag',
        databaseUrl: 'postgres://flag/db',
        logLevel: 'error',
        logFormat: 'json',
        operator: 'flag-operator',
        pdqMaxDistance: 5,
      },
      {
        HAVEN_DATA_DIR: '/from/env',
        DATABASE_URL: 'postgres://env/db',
        HAVEN_LOG_LEVEL: 'debug',
        HAVEN_LOG_FORMAT: 'pretty',
        HAVEN_OPERATOR: 'env-operator',
        HAVEN_PDQ_MAX_DISTANCE: '40',
      },
    );
    expect(config).toMatchObject({
      dataDir: '/from/flag',
      databaseUrl: 'postgres://flag/db',
      log: { level: 'error', format: 'json' },
      operator: 'flag-operator',
      matching: { pdqMaxDistance: 5 },
    });
  });

  it('leave the environment in charge of what they do not set', () => {
    const config = loadConfig({ operator: 'flag-operator' }, { HAVEN_DATA_DIR: '/from/env' });
    expect(config.dataDir).toBe('/from/env');
    expect(config.operator).toBe('flag-operator');
  });

  it('are validated like the environment', () => {
    expect(configError({}, { pdqMaxDistance: 500 }).message).toContain('matching.pdqMaxDistance');
    expect(configError({}, { logLevel: 'loud' }).message).toContain('log.level');
  });
});

describe('loadConfig validation', () => {
  it.each([
    ['HAVEN_PDQ_MAX_DISTANCE', 'abc', 'matching.pdqMaxDistance'],
    ['HAVEN_PDQ_MAX_DISTANCE', '129', 'matching.pdqMaxDistance'],
    ['HAVEN_PDQ_MAX_DISTANCE', '-1', 'matching.pdqMaxDistance'],
    ['HAVEN_PDQ_MIN_QUALITY', '1.5', 'matching.pdqMinQuality'],
    ['HAVEN_PDQ_MIN_QUALITY', '101', 'matching.pdqMinQuality'],
    ['DATABASE_URL', 'http://x', 'databaseUrl'],
    ['DATABASE_URL', 'mysql://db/haven', 'databaseUrl'],
    ['HAVEN_LOG_LEVEL', 'verbose', 'log.level'],
    ['HAVEN_LOG_FORMAT', 'xml', 'log.format'],
    ['HAVEN_OPERATOR', '', 'operator'],
    ['HAVEN_IMAGE_THREADS', '0', 'workers.imageThreads'],
    ['HAVEN_IMAGE_THREADS', '65', 'workers.imageThreads'],
    ['HAVEN_INGEST_CONCURRENCY', '257', 'workers.ingestConcurrency'],
    ['HAVEN_MAX_IMAGE_PIXELS', '-5', 'limits.maxImagePixels'],
    ['HAVEN_ARCHIVE_MAX_DEPTH', 'deep', 'limits.archiveMaxDepth'],
  ])('rejects %s=%j with CONFIG_INVALID naming %s', (name, value, field) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(`${field}:`);
  });

  it('explains what a database URL must look like', () => {
    expect(configError({ DATABASE_URL: 'http://x' }).message).toContain('must be a postgres:// URL');
  });

  it('reports every invalid field at once', () => {
    const error = configError({
      HAVEN_PDQ_MAX_DISTANCE: 'abc',
      DATABASE_URL: 'http://x',
      HAVEN_LOG_LEVEL: 'x',
    });
    expect(error.message).toContain('matching.pdqMaxDistance');
    expect(error.message).toContain('databaseUrl');
    expect(error.message).toContain('log.level');
  });
});
