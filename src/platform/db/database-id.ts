import { randomUUID } from 'node:crypto';
import type { Queryable } from '#haven/platform/db/database.js';

/** A random id given to the database on first use; files derived from it (indexes) record it. */
export async function databaseId(db: Queryable): Promise<string> {
  await db.query(
    "INSERT INTO haven_meta (key, value) VALUES ('database_id', $1) ON CONFLICT (key) DO NOTHING",
    [randomUUID()],
  );
  const rows = await db.query<{ value: string }>("SELECT value FROM haven_meta WHERE key = 'database_id'");
  return rows[0]!.value;
}
