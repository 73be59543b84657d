import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { fileDatabase } from '../../../test/support/factories.js';
import type { Database } from '#haven/platform/db/database.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';
import { JobRunner, type JobContext, type JobHandler } from '#haven/platform/jobs/job-runner.js';
import { createLogger, silentLogger } from '#haven/platform/log/logger.js';

// One database for the whole file (see fileDatabase); every test starts from an empty jobs table.
const database = fileDatabase('haven-jobs-');
let db: Database;

beforeAll(() => {
  db = database();
});

beforeEach(async () => {
  await db.query('TRUNCATE jobs');
});

const COUNT_PAYLOAD = z.object({ count: z.number().int() });

/** A handler for queue `count` that records what it was given and runs `body`. */
function countHandler(
  body: (payload: z.infer<typeof COUNT_PAYLOAD>, context: JobContext) => Promise<void> = () =>
    Promise.resolve(),
): JobHandler<typeof COUNT_PAYLOAD> & { calls: { payload: unknown; key: string; attempts: number }[] } {
  const calls: { payload: unknown; key: string; attempts: number }[] = [];
  return {
    queue: 'count',
    payload: COUNT_PAYLOAD,
    calls,
    async handle(payload, context) {
      calls.push({ payload, key: context.job.key, attempts: context.job.attempts });
      await body(payload, context);
    },
  };
}

function runner(
  handlers: readonly JobHandler[],
  extra: { leaseMs?: number; pollMs?: number } = {},
): JobRunner {
  return new JobRunner({ db, handlers, log: silentLogger, pollMs: 5, ...extra });
}

async function enqueue(key: string, payload: unknown, maxAttempts?: number, queue = 'count'): Promise<void> {
  await jobQueue.enqueue(db, { queue, key, payload, ...(maxAttempts === undefined ? {} : { maxAttempts }) });
}

/** Makes a backed-off job due now, as if its retry delay had elapsed. */
async function makeDue(key: string): Promise<void> {
  await db.query('UPDATE jobs SET run_after = now() WHERE key = $1', [key]);
}

describe('JobRunner.runOne', () => {
  it('runs the handler with the validated payload and completes the job', async () => {
    const handler = countHandler();
    await enqueue('job-1', { count: 3 });
    expect(await runner([handler]).runOne()).toBe(true);
    expect(handler.calls).toEqual([{ payload: { count: 3 }, key: 'job-1', attempts: 1 }]);
    expect(await jobQueue.state(db, 'job-1')).toEqual({ state: 'done', lastError: null });
  });

  it('returns false and calls nothing when no job is ready', async () => {
    const handler = countHandler();
    expect(await runner([handler]).runOne()).toBe(false);
    expect(handler.calls).toEqual([]);
  });

  it('ignores jobs of queues it has no handler for', async () => {
    await enqueue('foreign', { count: 1 }, undefined, 'someone-else');
    expect(await runner([countHandler()]).runOne()).toBe(false);
    expect(await jobQueue.state(db, 'foreign')).toEqual({ state: 'queued', lastError: null });
  });

  it('dispatches each job to the handler of its queue', async () => {
    const counts = countHandler();
    const names: string[] = [];
    const nameHandler: JobHandler<z.ZodString> = {
      queue: 'names',
      payload: z.string(),
      handle(payload) {
        names.push(payload);
        return Promise.resolve();
      },
    };
    await enqueue('n', 'alice', undefined, 'names');
    await enqueue('c', { count: 1 });
    const jobs = runner([counts, nameHandler]);
    expect(await jobs.runOne()).toBe(true);
    expect(await jobs.runOne()).toBe(true);
    expect(names).toEqual(['alice']);
    expect(counts.calls).toHaveLength(1);
  });

  it('with onlyKey runs only that job', async () => {
    const handler = countHandler();
    await enqueue('first', { count: 1 });
    await enqueue('second', { count: 2 });
    expect(await runner([handler]).runOne('second')).toBe(true);
    expect(handler.calls.map((call) => call.key)).toEqual(['second']);
    expect((await jobQueue.state(db, 'first'))?.state).toBe('queued');
  });

  it('fails a job whose payload does not validate, with a readable validation message', async () => {
    const handler = countHandler();
    await enqueue('bad', { count: 'three' }, 1);
    expect(await runner([handler]).runOne()).toBe(true);
    expect(handler.calls).toEqual([]);
    const state = await jobQueue.state(db, 'bad');
    expect(state?.state).toBe('failed');
    // The stored error must say what was wrong, not just the first line of a JSON dump.
    expect(state?.lastError).toMatch(/count/);
    expect(state?.lastError).toMatch(/expected number/i);
  });

  it('retries a throwing handler later and records the error meanwhile', async () => {
    let failures = 1;
    const handler = countHandler(() => {
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new Error('disk hiccup'));
      }
      return Promise.resolve();
    });
    await enqueue('flaky', { count: 1 });
    const jobs = runner([handler]);
    expect(await jobs.runOne()).toBe(true);
    expect(await jobQueue.state(db, 'flaky')).toEqual({ state: 'queued', lastError: 'disk hiccup' });
    // Backed off: not runnable again at once.
    expect(await jobs.runOne()).toBe(false);
    await makeDue('flaky');
    expect(await jobs.runOne()).toBe(true);
    expect(handler.calls.map((call) => call.attempts)).toEqual([1, 2]);
    expect(await jobQueue.state(db, 'flaky')).toEqual({ state: 'done', lastError: null });
  });

  it('gives up on a handler that always throws after maxAttempts', async () => {
    const handler = countHandler(() => Promise.reject(new Error('always broken')));
    await enqueue('doomed', { count: 1 }, 2);
    const jobs = runner([handler]);
    await jobs.runOne();
    await makeDue('doomed');
    await jobs.runOne();
    await makeDue('doomed');
    expect(await jobs.runOne()).toBe(false);
    expect(handler.calls).toHaveLength(2);
    expect(await jobQueue.state(db, 'doomed')).toEqual({ state: 'failed', lastError: 'always broken' });
  });

  it('logs a failed job with its key', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'error', format: 'json', write: (line) => lines.push(line) });
    await enqueue('logged', { count: 1 }, 1);
    const jobs = new JobRunner({
      db,
      handlers: [countHandler(() => Promise.reject(new Error('nope')))],
      log,
    });
    await jobs.runOne();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'error',
      job: 'logged',
      outcome: 'failed',
      error: 'nope',
    });
  });

  it('heartbeat extends the lease of the running job', async () => {
    const handler = countHandler(async (_payload, context) => {
      // Pretend the lease is about to run out, then renew it.
      await db.query("UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = $1", [
        context.job.id,
      ]);
      await context.heartbeat();
      const rows = await db.query<{ live: boolean }>(
        "SELECT locked_until > now() + interval '30 seconds' AS live FROM jobs WHERE id = $1",
        [context.job.id],
      );
      expect(rows[0]?.live).toBe(true);
    });
    await enqueue('long', { count: 1 });
    await runner([handler], { leaseMs: 60_000 }).runOne();
    expect(await jobQueue.state(db, 'long')).toEqual({ state: 'done', lastError: null });
  });
});

describe('JobRunner construction', () => {
  it('refuses two handlers for one queue', () => {
    expect(() => runner([countHandler(), countHandler()])).toThrow(/Two job handlers for queue count/);
  });
});

describe('JobRunner.runUntil', () => {
  it('stops as soon as the predicate says so, leaving the remaining jobs queued', async () => {
    const handler = countHandler();
    for (const key of ['a', 'b', 'c', 'd']) {
      await enqueue(key, { count: 1 });
    }
    await runner([handler]).runUntil(() => Promise.resolve(handler.calls.length >= 2));
    expect(handler.calls.map((call) => call.key)).toEqual(['a', 'b']);
    expect((await jobQueue.state(db, 'c'))?.state).toBe('queued');
  });

  it('does not run anything when the predicate is already true', async () => {
    const handler = countHandler();
    await enqueue('untouched', { count: 1 });
    await runner([handler]).runUntil(() => Promise.resolve(true));
    expect(handler.calls).toEqual([]);
  });

  it('keeps polling an empty queue and picks up a job enqueued later', async () => {
    const handler = countHandler();
    setTimeout(() => void enqueue('late', { count: 9 }), 30);
    await runner([handler]).runUntil(() => Promise.resolve(handler.calls.length === 1));
    expect(handler.calls[0]?.key).toBe('late');
  });

  it('runs only the onlyKey job until it is done', async () => {
    const handler = countHandler();
    await enqueue('other', { count: 1 });
    await enqueue('mine', { count: 2 });
    await runner([handler]).runUntil(
      async () => (await jobQueue.state(db, 'mine'))?.state === 'done',
      'mine',
    );
    expect(handler.calls.map((call) => call.key)).toEqual(['mine']);
  });

  it('stop() ends the loop', async () => {
    const jobs = runner([countHandler()]);
    setTimeout(() => {
      void jobs.stop();
    }, 30);
    await jobs.runUntil(() => Promise.resolve(false));
  });
});
