import pg from 'pg';
import type { Database, Queryable, Row } from '#haven/platform/db/database.js';
import { havenError, describeError } from '#haven/platform/errors/haven-error.js';

// int8 as JS numbers (ids and sizes stay far below 2^53), like the embedded database returns them.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Connections kept for Database.session(): at most one per running job (job concurrency <= 32). */
const SESSION_POOL_SIZE = 40;

/** Connects to a PostgreSQL server (15 or newer) given a postgres:// URL. */
export async function openPostgresDatabase(url: string, poolSize = 10): Promise<Database> {
  const pool = newPool(url, poolSize);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw havenError('DATABASE_UNAVAILABLE', { reason: describeError(error) }, error);
  }
  let sessions: pg.Pool | undefined;
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
      let broken = false;
      const lost = watchCheckedOut(client);
      try {
        await client.query('BEGIN');
        const result = await work(asQueryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is not given back to the pool.
        broken = await client.query('ROLLBACK').then(
          () => false,
          () => true,
        );
        throw error;
      } finally {
        client.release(broken || lost.closed);
        lost.stop();
      }
    },
    async session<T>(work: (session: Queryable) => Promise<T>): Promise<T> {
      sessions ??= newPool(url, SESSION_POOL_SIZE);
      const client = await sessions.connect();
      let failed = false;
      const lost = watchCheckedOut(client);
      try {
        return await work(asQueryable(client));
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        // Closing the connection ends whatever session state (advisory locks) `work` left behind.
        client.release(failed || lost.closed);
        lost.stop();
      }
    },
    async close(): Promise<void> {
      await Promise.all([pool.end(), sessions?.end()]);
    },
  };
}

/**
 * A checked-out connection the server ends (restart, terminated backend, dropped database) emits
 * 'error' on the client, not the pool: without a listener that event would end the whole process.
 * The work on it fails on its next query instead, and the connection is not given back.
 */
function watchCheckedOut(client: pg.PoolClient): { readonly closed: boolean; stop(): void } {
  const state = {
    closed: false,
    stop: () => {
      client.off('error', onError);
    },
  };
  const onError = (): void => {
    state.closed = true;
  };
  client.on('error', onError);
  return state;
}

function newPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection the server closed (restart, terminated backend) is dropped by the pool and
  // replaced on next use; without a listener its 'error' event would end the whole process.
  pool.on('error', () => undefined);
  return pool;
}
