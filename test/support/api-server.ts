import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { openHaven, type Haven } from '#haven/app/haven.js';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { createLogger, silentLogger } from '#haven/platform/log/logger.js';
import { startServer } from '#haven/server/start-server.js';
import { freshDataDir, testEnv } from './haven-fixture.js';
import { databaseEnv, onPostgres, templateDatabase, type TestDatabase } from './test-database.js';

/** A Haven API served in-process on a loopback port, on a fresh data directory and database. */
export interface ApiServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (the API is under /api/v1). */
  readonly url: string;
  readonly haven: Haven;
  /** Stops the server, then closes Haven. */
  close(): Promise<void>;
}

/**
 * Settings that keep API tests fast and independent: cheap password hashes (HAVEN_PASSWORD_COST
 * 10 instead of 15) and Secure cookies as in production. `env` overrides them (and sets any other
 * HAVEN_* variable, e.g. HAVEN_LOCKOUT_THRESHOLD).
 */
export function apiTestEnv(env: Record<string, string> = {}): Record<string, string> {
  return { HAVEN_SECURE_COOKIES: 'true', HAVEN_PASSWORD_COST: '10', ...env };
}

/**
 * Starts a server for the current test: its data directory and database go after the test (close
 * it before then, e.g. in a `finally` or with `onTestFinished(server.close)`).
 */
export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const dataDir = freshDataDir();
  return serve(dataDir, apiTestEnv({ ...(await databaseEnv(dataDir)), ...env }));
}

/**
 * One server for a whole test file (opening a database costs about a second): started before the
 * file's first test, closed after its last; returns an accessor valid inside tests. Tests sharing
 * it must not depend on each other's state: seed their own agencies and users with unique names.
 */
export function apiServerForFile(env: Record<string, string> = {}): () => ApiServer {
  let server: ApiServer | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    // Not freshDataDir(): its directory and database are removed after the first test.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-api-'));
    let database: TestDatabase | undefined;
    const extra: Record<string, string> = {};
    if (onPostgres()) {
      database = await templateDatabase('haven-api-');
      extra.DATABASE_URL = database.url!;
    } else {
      cpSync(inject('pgliteTemplate'), path.join(dir, 'db'), { recursive: true });
    }
    cleanup = async () => {
      await database?.dispose();
      rmSync(dir, { recursive: true, force: true });
    };
    server = await serve(dir, apiTestEnv({ ...extra, ...env }));
  });
  afterAll(async () => {
    await server?.close();
    await cleanup?.();
  });
  return () => {
    if (!server) {
      throw new Error('apiServerForFile() is only usable inside tests');
    }
    return server;
  };
}

async function serve(dataDir: string, env: Record<string, string>): Promise<ApiServer> {
  // Not openTestHaven(): the file-wide server brings its own database (DATABASE_URL in `env`).
  // HAVEN_TEST_LOG=1 shows the server's log (errors included) while debugging a test.
  const logger = process.env.HAVEN_TEST_LOG ? createLogger({ level: 'warn', format: 'json' }) : silentLogger;
  const haven = await openHaven(loadConfig({ dataDir }, testEnv(env)), logger);
  let running;
  try {
    running = await startServer(haven, { port: 0, listen: '127.0.0.1' });
  } catch (error) {
    await haven.close();
    throw error;
  }
  const server = running;
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    haven,
    close() {
      closing ??= server.close().then(() => haven.close());
      return closing;
    },
  };
}
