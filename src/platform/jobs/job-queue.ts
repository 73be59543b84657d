import type { Queryable } from '#haven/platform/db/database.js';

export interface JobRow {
  readonly id: number;
  readonly queue: string;
  readonly key: string;
  readonly payload: unknown;
  readonly attempts: number;
  readonly maxAttempts: number;
  /** The worker holding the lease; completing or failing the job only counts while it still does. */
  readonly lockedBy: string | null;
}

export interface EnqueueRequest {
  readonly queue: string;
  /** Idempotency key: enqueuing the same key twice keeps the first job. */
  readonly key: string;
  readonly payload: unknown;
  readonly maxAttempts?: number;
}

interface JobRecord extends Record<string, unknown> {
  id: number;
  queue: string;
  key: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
}

/**
 * Durable jobs in the database itself (PGlite or PostgreSQL), so that a job and the business rows
 * that caused it commit together, and a killed process leaves jobs that simply run again.
 */
export const jobQueue = {
  /** Enqueues inside the caller's transaction; returns false if the key already existed. */
  async enqueue(tx: Queryable, request: EnqueueRequest): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO jobs (queue, key, payload, state, max_attempts)
       VALUES ($1, $2, $3, 'queued', $4)
       ON CONFLICT (key) DO NOTHING RETURNING id`,
      [request.queue, request.key, JSON.stringify(request.payload), request.maxAttempts ?? 5],
    );
    return rows.length > 0;
  },

  /**
   * Takes the next runnable job of the given queues. Run it on a connection held for the whole job
   * (`Database.session`): the claim also takes a session-level advisory lock on (job, attempt) there,
   * which tells other processes that the job's worker is alive. With `orphansByLock` (on a server,
   * where several processes share the queue), a running job whose lock is free lost its worker (the
   * process died, and its connection with it) and is taken over at once; a job whose lease expired
   * is taken over even if its worker is alive but silent (no heartbeat). Without it (the embedded
   * database: one process, one connection, orphans requeued at open) only the lease counts.
   * Call `letGo` on the same connection once the job is settled.
   */
  async claim(
    session: Queryable,
    queues: readonly string[],
    workerId: string,
    leaseMs: number,
    onlyKey?: string,
    orphansByLock = false,
  ): Promise<JobRow | undefined> {
    // The worker's lock is taken by the UPDATE itself, before its row lock is released at commit, so
    // no other claim can see the job running without it. The key is (id mod 2^31-1, attempt) in the
    // two-int advisory key space, which nothing else uses; a collision (ids 2^31 apart) only makes an
    // orphan wait for its lease. Keying by attempt means a worker that takes over an expired lease
    // never finds the key still held by the worker it replaced.
    // Liveness is probed by trying a shared lock on the worker's key (held exclusively while it
    // lives; the probe ends with this statement), not by reading pg_locks: a set-returning function
    // is read once per statement, so the re-check that FOR UPDATE makes after waiting out a
    // concurrent claim would see the locks as they were before that claim, and run the job twice.
    const rows = await session.query<JobRecord>(
      `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $2,
              locked_until = now() + $3 * interval '1 millisecond', updated_at = now()
       WHERE id = (
         SELECT id FROM jobs
         WHERE queue = ANY($1) AND run_after <= now() AND ($4::text IS NULL OR key = $4)
           AND (state = 'queued' OR (state = 'running' AND (locked_until < now() OR ($5::boolean
             AND pg_try_advisory_xact_lock_shared((jobs.id % 2147483647)::int, jobs.attempts)))))
         ORDER BY run_after, id
         LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id, queue, key, payload, attempts, max_attempts, locked_by,
                 pg_try_advisory_lock((id % 2147483647)::int, attempts) AS alive`,
      [queues, workerId, leaseMs, onlyKey ?? null, orphansByLock],
    );
    const row = rows[0];
    return row && toJob(row);
  },

  /** Drops the liveness lock claim() took; on the session that claimed, once the job is settled. */
  async letGo(session: Queryable, job: JobRow): Promise<void> {
    await session.query('SELECT pg_advisory_unlock(($1::bigint % 2147483647)::int, $2::int)', [
      job.id,
      job.attempts,
    ]);
  },

  async extendLease(db: Queryable, job: JobRow, workerId: string, leaseMs: number): Promise<void> {
    await db.query(
      `UPDATE jobs SET locked_until = now() + $3 * interval '1 millisecond', updated_at = now()
       WHERE id = $1 AND locked_by = $2 AND state = 'running'`,
      [job.id, workerId, leaseMs],
    );
  },

  async complete(db: Queryable, job: JobRow): Promise<void> {
    await db.query(
      `UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, last_error = NULL, updated_at = now()
       WHERE id = $1 AND locked_by IS NOT DISTINCT FROM $2`,
      [job.id, job.lockedBy],
    );
  },

  /** Records a failure: retried later with back-off, or failed for good after max attempts. */
  async fail(db: Queryable, job: JobRow, error: string, retryDelayMs: number): Promise<'retry' | 'failed'> {
    const final = job.attempts >= job.maxAttempts;
    await db.query(
      `UPDATE jobs SET state = $2, last_error = $3, locked_by = NULL, locked_until = NULL,
              run_after = now() + $4 * interval '1 millisecond', updated_at = now()
       WHERE id = $1 AND locked_by IS NOT DISTINCT FROM $5`,
      [job.id, final ? 'failed' : 'queued', error, retryDelayMs, job.lockedBy],
    );
    return final ? 'failed' : 'retry';
  },

  /** Gives a claimed job back untouched (shutdown): it runs again soon, and the attempt does not count. */
  async release(db: Queryable, job: JobRow): Promise<void> {
    await db.query(
      `UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), locked_by = NULL, locked_until = NULL,
              updated_at = now()
       WHERE id = $1 AND locked_by IS NOT DISTINCT FROM $2`,
      [job.id, job.lockedBy],
    );
  },

  /** Records how far a running job got (shown by progress endpoints). */
  async reportProgress(db: Queryable, key: string, progress: unknown): Promise<void> {
    await db.query('UPDATE jobs SET progress = $2, updated_at = now() WHERE key = $1', [
      key,
      JSON.stringify(progress),
    ]);
  },

  /**
   * Returns to the queue every job marked running. Only safe when this process owns the database
   * exclusively (the embedded database behind the data-dir lock): any running job is then orphaned.
   * (On a server, claim() finds orphans by their free advisory lock instead.)
   */
  async recoverOrphans(db: Queryable): Promise<number> {
    const rows = await db.query(
      `UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL, updated_at = now()
       WHERE state = 'running' RETURNING id`,
    );
    return rows.length;
  },

  async state(db: Queryable, key: string): Promise<{ state: string; lastError: string | null } | undefined> {
    const rows = await db.query<{ state: string; last_error: string | null }>(
      'SELECT state, last_error FROM jobs WHERE key = $1',
      [key],
    );
    const row = rows[0];
    return row && { state: row.state, lastError: row.last_error };
  },
};

function toJob(row: JobRecord): JobRow {
  // Both drivers return jsonb already parsed; parsing again would break (or alter) string payloads.
  const payload: unknown = row.payload;
  return {
    id: row.id,
    queue: row.queue,
    key: row.key,
    payload,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lockedBy: row.locked_by,
  };
}
