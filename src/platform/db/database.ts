/**
 * The one way Haven talks to PostgreSQL, whether embedded (PGlite) or a server (node-postgres).
 * Repositories receive a `Queryable`; only they write SQL.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly dialect: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` on one connection held for its whole duration, for session state such as
   * session-level advisory locks (which end with the connection, so with a killed process).
   * On a server this connection comes from a pool of its own, so that holding one never starves
   * the queries and transactions of the main pool. When `work` throws, the connection is closed
   * rather than reused, so no session state it left behind can outlive it. The embedded database
   * has a single connection: `work` runs on it.
   */
  session<T>(work: (session: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The first row, or undefined. */
export async function queryOne<R extends Row>(
  db: Queryable,
  sql: string,
  params?: readonly unknown[],
): Promise<R | undefined> {
  const rows = await db.query<R>(sql, params);
  return rows[0];
}
