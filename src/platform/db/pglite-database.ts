import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, Row } from '#haven/platform/db/database.js';
import { havenError, describeError } from '#haven/platform/errors/haven-error.js';

/** Opens (creating on first use) the embedded database stored in `directory`. */
export async function openPgliteDatabase(directory: string): Promise<Database> {
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir: directory });
  } catch (error) {
    throw havenError('DATABASE_UNAVAILABLE', { reason: describeError(error) }, error);
  }
  const asQueryable = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<R extends Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await target.query<R>(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  });
  const connection = asQueryable(pg);
  return {
    dialect: 'pglite',
    ...connection,
    transaction: (work) => pg.transaction((tx) => work(asQueryable(tx))),
    session: (work) => work(connection),
    close: () => pg.close(),
  };
}
