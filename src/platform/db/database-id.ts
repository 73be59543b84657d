import type { Queryable } from '#haven/platform/db/database.js';

/** A random id created with the database; files derived from it (indexes) record it. */
export async function databaseId(db: Queryable): Promise<string> {
  const rows = await db.query<{ value: string }>("SELECT value FROM haven_meta WHERE key = 'database_id'");
  return rows[0]!.value;
}
