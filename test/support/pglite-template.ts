import { openPgliteDatabase } from '#haven/platform/db/pglite-database.js';
import { migrate } from '#haven/platform/db/migrate.js';
import { MIGRATIONS } from '#haven/platform/db/migrations/index.js';

/** Creates a migrated embedded database at `dir` (initdb is the slow part: done once per run). */
export async function createPgliteTemplate(dir: string): Promise<void> {
  const db = await openPgliteDatabase(dir);
  await migrate(db, MIGRATIONS);
  // Each copy must get its own identity, as a fresh database would.
  await db.query("DELETE FROM haven_meta WHERE key = 'database_id'");
  await db.close();
}
