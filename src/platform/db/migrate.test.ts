import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '#haven/platform/db/database.js';
import { migrate } from '#haven/platform/db/migrate.js';
import { MIGRATIONS } from '#haven/platform/db/migrations/index.js';
import type { Migration } from '#haven/platform/db/migrations/migration.js';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';
import { HavenError } from '#haven/platform/errors/haven-error.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { emptyDatabase, type TestDatabase } from '../../../test/support/test-database.js';

// One brand-new database for the whole file (a new PGlite's initdb is the slow part), embedded or on
// the test server. The first test sees it empty; the later ones undo what they add, so each starts
// from "all known migrations applied".
let handle: TestDatabase;
let db: Database;

beforeAll(async () => {
  handle = await emptyDatabase('haven-migrate-');
  db = handle.db;
});

afterAll(async () => {
  await handle.dispose();
});

const KNOWN = Math.max(...MIGRATIONS.map((m) => m.version));

afterEach(async () => {
  await db.query('DELETE FROM schema_migrations WHERE version > $1', [KNOWN]);
  await db.exec(
    'DROP TABLE IF EXISTS test_partial; DROP TABLE IF EXISTS test_later; DROP TABLE IF EXISTS test_good',
  );
});

async function tableExists(name: string): Promise<boolean> {
  const rows = await db.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [name]);
  return rows[0]?.found !== null && rows[0]?.found !== undefined;
}

async function recorded(): Promise<{ version: number; name: string }[]> {
  return db.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations ORDER BY version',
  );
}

async function expectCode(work: () => Promise<unknown>, code: ErrorCode): Promise<HavenError> {
  let caught: unknown;
  try {
    await work();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(HavenError);
  expect((caught as HavenError).code).toBe(code);
  return caught as HavenError;
}

const next = (offset: number, name: string, sql: string): Migration => ({
  version: KNOWN + offset,
  name,
  sql,
});

describe('migrate', () => {
  it('applies every migration to a brand-new database once and records it', async () => {
    expect(await tableExists('jobs')).toBe(false);
    expect(await migrate(db, MIGRATIONS)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await recorded()).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(await tableExists('jobs')).toBe(true);
    expect(await tableExists('haven_meta')).toBe(true);
  });

  it('applies nothing the second time', async () => {
    await migrate(db, MIGRATIONS);
    expect(await migrate(db, MIGRATIONS)).toEqual([]);
    expect(await recorded()).toHaveLength(MIGRATIONS.length);
  });

  it('applies only the new migrations when the list grows', async () => {
    await migrate(db, MIGRATIONS);
    const grown = [...MIGRATIONS, next(1, 'good', 'CREATE TABLE test_good (id int)')];
    expect(await migrate(db, grown)).toEqual([KNOWN + 1]);
    expect(await tableExists('test_good')).toBe(true);
    expect((await recorded()).at(-1)).toEqual({ version: KNOWN + 1, name: 'good' });
  });

  it('reports MIGRATION_FAILED for broken SQL and rolls the whole migration back', async () => {
    await migrate(db, MIGRATIONS);
    const broken = next(1, 'broken', 'CREATE TABLE test_partial (id int); SELECT * FROM no_such_table;');
    const later = next(2, 'later', 'CREATE TABLE test_later (id int)');
    const error = await expectCode(() => migrate(db, [...MIGRATIONS, broken, later]), 'MIGRATION_FAILED');
    expect(error.message).toContain(`${KNOWN + 1} (broken)`);
    expect(error.message).toContain('no_such_table');
    // The statement that did succeed inside the failed migration must not survive it.
    expect(await tableExists('test_partial')).toBe(false);
    expect((await recorded()).map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    // Later migrations are not attempted past a failure.
    expect(await tableExists('test_later')).toBe(false);
  });

  it('applies a repaired migration after a failed attempt', async () => {
    await migrate(db, MIGRATIONS);
    await expectCode(
      () => migrate(db, [...MIGRATIONS, next(1, 'fixed', 'CREATE TABLE test_partial (id int); SELEC 1;')]),
      'MIGRATION_FAILED',
    );
    expect(
      await migrate(db, [...MIGRATIONS, next(1, 'fixed', 'CREATE TABLE test_partial (id int);')]),
    ).toEqual([KNOWN + 1]);
    expect(await tableExists('test_partial')).toBe(true);
  });

  it('refuses a database migrated by a newer build with SCHEMA_TOO_NEW', async () => {
    await migrate(db, MIGRATIONS);
    await db.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", [
      KNOWN + 7,
    ]);
    const error = await expectCode(() => migrate(db, MIGRATIONS), 'SCHEMA_TOO_NEW');
    expect(error.details).toMatchObject({ found: KNOWN + 7, known: KNOWN });
  });
});
