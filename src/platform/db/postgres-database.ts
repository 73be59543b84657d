import pg from 'pg';
import type { Database, Queryable, Row } from '#haven/platform/db/database.js';
import { havenError, describeError } from '#haven/platform/errors/haven-error.js';

// int8 as JS numbers (ids and sizes stay far below 2^53), like the embedded database returns them.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Connects to a PostgreSQL server (15 or newer) given a postgres:// URL. */
export async function openPostgresDatabase(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw havenError('DATABASE_UNAVAILABLE', { reason: describeError(error) }, error);
  }
  const asQueryable = (target: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R extends Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await target.query<R>(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await target.query(sql);
    },
  });
  return {
    dialect: 'postgres',
    ...asQueryable(pool),
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(asQueryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
