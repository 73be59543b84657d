import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, inject } from 'vitest';
import type { Database } from '#haven/platform/db/database.js';
import { openPgliteDatabase } from '#haven/platform/db/pglite-database.js';
import { openPostgresDatabase } from '#haven/platform/db/postgres-database.js';
import { withDatabaseName } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Which database the current test project runs on (vitest.config.ts). */
    databaseMode: 'pglite' | 'postgres';
    /**
     * The postgres project's server: Haven's role (url), a superuser that creates and drops the test
     * databases (adminUrl), the migrated template and the prefix of this run's database names.
     */
    postgres: { url: string; adminUrl: string; template: string; prefix: string };
  }
}

/**
 * Every test runs twice: in the `pglite` project on the embedded database, in the `postgres` project
 * on a PostgreSQL server (test/support/postgres-setup.ts). This module hides the difference: each
 * fresh data directory gets a fresh database of the current kind.
 */
export function databaseMode(): 'pglite' | 'postgres' {
  return inject('databaseMode');
}

export const onPostgres = (): boolean => databaseMode() === 'postgres';

/** A database that exists for one test file or one test, and how to get rid of it. */
export interface TestDatabase {
  readonly db: Database;
  /** The server database's URL (postgres project), to connect to it as another process would. */
  readonly url?: string;
  dispose(): Promise<void>;
}

let counter = 0;

/** Creates a database on the test server, owned by Haven's role: a copy of the migrated template, or empty. */
async function createServerDatabase(from: 'template' | 'empty'): Promise<string> {
  const { url, adminUrl, template, prefix } = inject('postgres');
  counter += 1;
  const name = `${prefix}_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
  const owner = decodeURIComponent(new URL(url).username);
  await withAdmin(adminUrl, (client) =>
    client.query(
      `CREATE DATABASE ${name} OWNER "${owner}" TEMPLATE ${from === 'template' ? template : 'template0'}`,
    ),
  );
  return withDatabaseName(url, name);
}

async function dropServerDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  // As the superuser, with FORCE: a failed test may have left a connection open, and autovacuum
  // may be working in the database (only a superuser may end that).
  await withAdmin(inject('postgres').adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A migrated database for one test file (see fileDatabase in factories.ts). */
export async function templateDatabase(prefix: string): Promise<TestDatabase> {
  if (onPostgres()) {
    const url = await createServerDatabase('template');
    const db = await openPostgresDatabase(url);
    return {
      db,
      url,
      async dispose() {
        await db.close();
        await dropServerDatabase(url);
      },
    };
  }
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(inject('pgliteTemplate'), path.join(root, 'db'), { recursive: true });
  const db = await openPgliteDatabase(path.join(root, 'db'));
  return {
    db,
    async dispose() {
      await db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A brand-new database with nothing in it, not even Haven's tables (migration tests). */
export async function emptyDatabase(prefix: string): Promise<TestDatabase> {
  if (onPostgres()) {
    const url = await createServerDatabase('empty');
    const db = await openPostgresDatabase(url);
    return {
      db,
      async dispose() {
        await db.close();
        await dropServerDatabase(url);
      },
    };
  }
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const db = await openPgliteDatabase(path.join(root, 'db'));
  return {
    db,
    async dispose() {
      await db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

// Data directory -> the URL of its own server database (postgres project only).
const serverDatabases = new Map<string, Promise<string>>();
const createdThisTest: Promise<string>[] = [];

afterEach(async () => {
  const created = createdThisTest.splice(0);
  serverDatabases.clear();
  for (const url of await Promise.allSettled(created)) {
    if (url.status === 'fulfilled') {
      await dropServerDatabase(url.value);
    }
  }
});

/**
 * Gives a data directory its database: on the embedded database a copy of the migrated template in
 * DIR/db; on PostgreSQL a fresh copy of the template database on the test server (created in the
 * background: databaseUrlFor() waits for it). Both are removed after the current test.
 */
export function provideDatabase(dataDir: string): void {
  if (!onPostgres()) {
    cpSync(inject('pgliteTemplate'), path.join(dataDir, 'db'), { recursive: true });
    return;
  }
  // Started now, awaited by whoever uses the directory (databaseUrlFor).
  void serverDatabaseOf(dataDir);
}

function serverDatabaseOf(dataDir: string): Promise<string> {
  const key = path.resolve(dataDir);
  let url = serverDatabases.get(key);
  if (!url) {
    url = createServerDatabase('template');
    // Awaited by whoever uses the directory; this only keeps an unused failure from going unhandled.
    url.catch(() => undefined);
    serverDatabases.set(key, url);
    createdThisTest.push(url);
  }
  return url;
}

/**
 * The DATABASE_URL a Haven on this data directory uses in the current project: none on the
 * embedded database; on PostgreSQL the directory's own database (created now if it has none).
 */
export async function databaseUrlFor(dataDir: string): Promise<string | undefined> {
  return onPostgres() ? serverDatabaseOf(dataDir) : undefined;
}

/** Environment that points a `haven` process on `dataDir` at its database. */
export async function databaseEnv(dataDir: string): Promise<Record<string, string>> {
  const url = await databaseUrlFor(dataDir);
  return url ? { DATABASE_URL: url } : {};
}

/** Opens the database of a data directory (no Haven process may hold it on the embedded one). */
export async function openDataDirDatabase(dataDir: string): Promise<Database> {
  const url = await databaseUrlFor(dataDir);
  return url ? openPostgresDatabase(url) : openPgliteDatabase(path.join(dataDir, 'db'));
}
