import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '#haven/platform/db/migrate.js';
import { MIGRATIONS } from '#haven/platform/db/migrations/index.js';
import { openPostgresDatabase } from '#haven/platform/db/postgres-database.js';
import { startPrivatePostgres, withDatabaseName, type PostgresServer } from './postgres-server.js';

/**
 * Global setup of the `postgres` test project: a PostgreSQL server for this run (a private throwaway
 * cluster, or the one HAVEN_TEST_POSTGRES_URL names), an unprivileged role for Haven, and a migrated
 * template database that every test copies (CREATE DATABASE ... TEMPLATE takes a fraction of a second).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.HAVEN_TEST_POSTGRES_URL;
  const server: PostgresServer = external
    ? { adminUrl: external, stop: () => undefined }
    : await startPrivatePostgres();
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = `haven_template_${suffix}`;
  let appUrl = server.adminUrl;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  try {
    await admin.connect();
    if (!external) {
      // Haven runs as an ordinary role (no superuser, no CREATEDB) owning its database, as a
      // deployment would; the superuser creates and drops the test databases.
      const password = randomBytes(18).toString('hex');
      await admin.query(`CREATE ROLE haven LOGIN PASSWORD '${password}'`);
      const url = new URL(server.adminUrl);
      url.username = 'haven';
      url.password = password;
      appUrl = url.toString();
    }
    const owner = new URL(appUrl).username;
    await admin.query(`CREATE DATABASE ${template} OWNER "${decodeURIComponent(owner)}" TEMPLATE template0`);
    const db = await openPostgresDatabase(withDatabaseName(appUrl, template), 2);
    try {
      await migrate(db, MIGRATIONS);
      // Each copy must get its own identity, as a fresh database would.
      await db.query("DELETE FROM haven_meta WHERE key = 'database_id'");
    } finally {
      await db.close();
    }
  } catch (error) {
    await admin.end().catch(() => undefined);
    server.stop();
    throw error;
  }
  project.provide('postgres', {
    url: withDatabaseName(appUrl, 'postgres'),
    adminUrl: server.adminUrl,
    template,
    prefix: `haven_t_${suffix}`,
  });
  return async () => {
    if (external) {
      // Test databases a crashed test left behind, then the template.
      const left = await admin.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
        [`haven_t_${suffix}`],
      );
      for (const { datname } of left.rows) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    }
    await admin.end();
    server.stop();
  };
}
