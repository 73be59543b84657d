import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { openPostgresDatabase } from '#haven/platform/db/postgres-database.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';
import { JobRunner, type JobHandler } from '#haven/platform/jobs/job-runner.js';
import { silentLogger } from '#haven/platform/log/logger.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { REPO_ROOT } from '../../../test/support/shared-data.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { onPostgres, templateDatabase, type TestDatabase } from '../../../test/support/test-database.js';

// Several processes sharing one queue exist only on a server: the embedded database belongs to one
// process (the data-dir lock), so this file runs in the postgres project only.
describe.runIf(onPostgres())('several workers on one PostgreSQL queue', () => {
  let handle: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    handle = await templateDatabase('haven-workers-');
    db = handle.db;
    await db.query('CREATE TABLE test_job_runs (key text NOT NULL, worker text NOT NULL)');
  });

  afterAll(async () => {
    await handle.dispose();
  });

  beforeEach(async () => {
    await db.query('TRUNCATE jobs, test_job_runs');
  });

  /** A handler that records every run of a job (key, worker) in test_job_runs. */
  function recordingHandler(worker: string, pool: Database): JobHandler {
    return {
      queue: 'work',
      payload: z.object({ n: z.number() }),
      async handle(payload: { n: number }, context) {
        // A little work, so that claims of both workers interleave.
        await new Promise((resolve) => setTimeout(resolve, payload.n % 7));
        await pool.query('INSERT INTO test_job_runs (key, worker) VALUES ($1, $2)', [
          context.job.key,
          worker,
        ]);
      },
    };
  }

  it('two workers with their own connections run every job exactly once, and lose none', async () => {
    const jobs = 120;
    for (let n = 0; n < jobs; n += 1) {
      await jobQueue.enqueue(db, { queue: 'work', key: `job-${n}`, payload: { n } });
    }
    // Each worker has its own pool, as a separate process would.
    const pools = await Promise.all([openPostgresDatabase(handle.url!), openPostgresDatabase(handle.url!)]);
    const runners = pools.map(
      (pool, i) =>
        new JobRunner({
          db: pool,
          handlers: [recordingHandler(`w${i}`, pool)],
          log: silentLogger,
          pollMs: 5,
        }),
    );
    try {
      for (const runner of runners) {
        runner.start(4);
      }
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [row] = await db.query<{ open: number }>(
          "SELECT count(*)::int AS open FROM jobs WHERE state <> 'done'",
        );
        if (row!.open === 0 || Date.now() > deadline) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
      await Promise.all(pools.map((pool) => pool.close()));
    }
    const runs = await db.query<{ key: string; runs: number }>(
      'SELECT key, count(*)::int AS runs FROM test_job_runs GROUP BY key',
    );
    expect(runs).toHaveLength(jobs);
    expect(runs.filter((run) => run.runs !== 1)).toEqual([]);
    const states = await db.query<{ state: string; attempts: number; n: number }>(
      'SELECT state, attempts, count(*)::int AS n FROM jobs GROUP BY state, attempts',
    );
    expect(states).toEqual([{ state: 'done', attempts: 1, n: jobs }]);
    // Both workers took part.
    const workers = await db.query<{ worker: string }>(
      'SELECT DISTINCT worker FROM test_job_runs ORDER BY 1',
    );
    expect(workers.map((row) => row.worker)).toEqual(['w0', 'w1']);
  });

  it("a running job is another worker's only while its worker's connection holds the claim's lock", async () => {
    await jobQueue.enqueue(db, { queue: 'work', key: 'held', payload: { n: 1 } });
    const claimOn = (session: Queryable, worker: string) =>
      jobQueue.claim(session, ['work'], worker, 600_000, undefined, true);
    await db.session(async (first) => {
      const job = await claimOn(first, 'first');
      expect(job?.attempts).toBe(1);
      // Live lease and live lock: nobody else gets it.
      await db.session(async (second) => {
        expect(await claimOn(second, 'second')).toBeUndefined();
      });
      // The worker's connection lets go (as when its process dies): taken over at once.
      await jobQueue.letGo(first, job!);
      await db.session(async (second) => {
        const again = await claimOn(second, 'second');
        expect(again).toMatchObject({ key: 'held', attempts: 2, lockedBy: 'second' });
        // The new worker's lock (on the new attempt) protects it in turn.
        await db.session(async (third) => {
          expect(await claimOn(third, 'third')).toBeUndefined();
        });
        await jobQueue.complete(db, again!);
        await jobQueue.letGo(second, again!);
      });
    });
    expect((await jobQueue.state(db, 'held'))?.state).toBe('done');
  });

  it("takes over a killed process's job at once, long before its lease ends, but never a live one's", async () => {
    await jobQueue.enqueue(db, { queue: 'work', key: 'stuck', payload: { n: 1 } });
    // Another process claims the job (10-minute lease) and hangs in its handler.
    const dist = (file: string): string => path.join(REPO_ROOT, 'dist', 'src', file);
    const script = `
      const { openPostgresDatabase } = await import(${JSON.stringify(dist('platform/db/postgres-database.js'))});
      const { JobRunner } = await import(${JSON.stringify(dist('platform/jobs/job-runner.js'))});
      const { silentLogger } = await import(${JSON.stringify(dist('platform/log/logger.js'))});
      const db = await openPostgresDatabase(process.argv[1]);
      const handler = {
        queue: 'work',
        payload: { safeParse: (data) => ({ success: true, data }) },
        handle: () => { process.stdout.write('claimed\\n'); return new Promise(() => {}); },
      };
      await new JobRunner({ db, handlers: [handler], log: silentLogger, leaseMs: 600000 }).runOne();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, handle.url!], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('claimed')) {
          resolve();
        }
      });
      child.on('close', (code) => {
        reject(new Error(`worker process ended early (${code})`));
      });
    });

    const handler = recordingHandler('survivor', db);
    const survivor = new JobRunner({ db, handlers: [handler], log: silentLogger, pollMs: 5 });
    // Alive and within its lease: the job is not taken away.
    expect(await survivor.runOne()).toBe(false);
    expect((await jobQueue.state(db, 'stuck'))?.state).toBe('running');

    child.kill('SIGKILL');
    await exited;
    const started = Date.now();
    // The server notices the closed connection at once; allow a moment for it to end the session.
    let ran = false;
    while (!ran && Date.now() - started < 10_000) {
      ran = await survivor.runOne();
      if (!ran) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(ran).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    const [job] = await db.query<{ state: string; attempts: number; locked_by: string | null }>(
      "SELECT state, attempts, locked_by FROM jobs WHERE key = 'stuck'",
    );
    expect(job).toEqual({ state: 'done', attempts: 2, locked_by: null });
    expect(await db.query('SELECT worker FROM test_job_runs')).toEqual([{ worker: 'survivor' }]);
  });
});
