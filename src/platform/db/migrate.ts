import type { Database } from '#haven/platform/db/database.js';
import type { Migration } from '#haven/platform/db/migrations/migration.js';
import { havenError, describeError } from '#haven/platform/errors/haven-error.js';

// Any constant works; it only has to be the same for every Haven process sharing a server.
const MIGRATION_LOCK_KEY = 4_242_001;

/** Applies pending migrations, each in its own transaction; returns the versions applied. */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      if (db.dialect === 'postgres') {
        // Serialises concurrent starts against one server; the loser sees the version as applied.
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      }
      const rows = await tx.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      const versions = rows.map((row) => row.version);
      const newest = Math.max(0, ...versions);
      if (newest > known) {
        throw havenError('SCHEMA_TOO_NEW', { found: newest, known });
      }
      if (versions.includes(migration.version)) {
        return false;
      }
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw havenError(
          'MIGRATION_FAILED',
          { version: `${migration.version} (${migration.name})`, reason: describeError(error) },
          error,
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) {
      applied.push(migration.version);
    }
  }
  return applied;
}
