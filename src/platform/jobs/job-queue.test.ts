import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { fileDatabase } from '../../../test/support/factories.js';
import type { Database } from '#haven/platform/db/database.js';
import { jobQueue, type JobRow } from '#haven/platform/jobs/job-queue.js';

const QUEUE = 'test-queue';
const LEASE = 60_000;

// One database for the whole file (see fileDatabase); every test starts from an empty jobs table.
const database = fileDatabase('haven-jobs-');
let db: Database;

beforeAll(() => {
  db = database();
});

beforeEach(async () => {
  await db.query('TRUNCATE jobs');
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function enqueue(key: string, payload: unknown = { key }, maxAttempts?: number): Promise<boolean> {
  return jobQueue.enqueue(db, {
    queue: QUEUE,
    key,
    payload,
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

async function claim(workerId = 'worker-a', leaseMs = LEASE, onlyKey?: string): Promise<JobRow | undefined> {
  return jobQueue.claim(db, [QUEUE], workerId, leaseMs, onlyKey);
}

async function claimOrFail(workerId = 'worker-a', leaseMs = LEASE, onlyKey?: string): Promise<JobRow> {
  const job = await claim(workerId, leaseMs, onlyKey);
  if (!job) {
    throw new Error('expected a job to claim');
  }
  return job;
}

async function stateOf(key: string): Promise<string | undefined> {
  return (await jobQueue.state(db, key))?.state;
}

/** Makes a backed-off job due now, as if its retry delay had elapsed. */
async function makeDue(key: string): Promise<void> {
  await db.query('UPDATE jobs SET run_after = now() WHERE key = $1', [key]);
}

describe('jobQueue.enqueue', () => {
  it('is idempotent on the key: the second enqueue is refused and the first payload kept', async () => {
    expect(await enqueue('k1', { version: 1 })).toBe(true);
    expect(await enqueue('k1', { version: 2 })).toBe(false);
    const job = await claimOrFail();
    expect(job.payload).toEqual({ version: 1 });
    expect(await claim()).toBeUndefined();
  });

  it('keys are unique across queues, not per queue', async () => {
    expect(await jobQueue.enqueue(db, { queue: 'one', key: 'shared', payload: 1 })).toBe(true);
    expect(await jobQueue.enqueue(db, { queue: 'two', key: 'shared', payload: 2 })).toBe(false);
  });

  it('commits and rolls back with the caller transaction', async () => {
    await db.transaction(async (tx) => {
      await jobQueue.enqueue(tx, { queue: QUEUE, key: 'committed', payload: null });
    });
    await expect(
      db.transaction(async (tx) => {
        await jobQueue.enqueue(tx, { queue: QUEUE, key: 'rolled-back', payload: null });
        throw new Error('business rows failed');
      }),
    ).rejects.toThrow('business rows failed');
    expect(await stateOf('committed')).toBe('queued');
    expect(await stateOf('rolled-back')).toBeUndefined();
  });

  it('round-trips a structured payload', async () => {
    const payload = { text: 'ü "quoted"', list: [1, 2.5, null], nested: { flag: true } };
    await enqueue('p', payload);
    expect((await claimOrFail()).payload).toEqual(payload);
  });

  it.each([['plain text'], ['123'], ['{"looks":"like json"}'], [42], [null]])(
    'round-trips the scalar payload %j unchanged',
    async (payload) => {
      await enqueue('scalar', payload);
      expect((await claimOrFail()).payload).toStrictEqual(payload);
    },
  );
});

describe('jobQueue.claim', () => {
  it('returns nothing from an empty queue', async () => {
    expect(await claim()).toBeUndefined();
  });

  it('hands out jobs in enqueue order, each once, then nothing', async () => {
    for (const key of ['a', 'b', 'c']) {
      await enqueue(key);
    }
    const keys: string[] = [];
    for (let job = await claim(); job; job = await claim()) {
      keys.push(job.key);
    }
    expect(keys).toEqual(['a', 'b', 'c']);
  });

  it('returns a complete job row with numeric fields and counts the attempt', async () => {
    await enqueue('row', { n: 1 }, 7);
    const job = await claimOrFail();
    expect(job).toEqual({
      id: expect.any(Number) as number,
      queue: QUEUE,
      key: 'row',
      payload: { n: 1 },
      attempts: 1,
      maxAttempts: 7,
      lockedBy: 'worker-a',
    });
    expect(await stateOf('row')).toBe('running');
  });

  it('ignores completion and failure from a worker whose lease was taken over', async () => {
    await enqueue('taken-over');
    const stale = await claimOrFail('worker-a', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const current = await claimOrFail('worker-b');
    expect(current.id).toBe(stale.id);
    await jobQueue.complete(db, stale);
    expect(await stateOf('taken-over')).toBe('running');
    await jobQueue.fail(db, stale, 'late failure', 0);
    expect(await stateOf('taken-over')).toBe('running');
    await jobQueue.complete(db, current);
    expect(await stateOf('taken-over')).toBe('done');
  });

  it('defaults to five attempts', async () => {
    await enqueue('default');
    expect((await claimOrFail()).maxAttempts).toBe(5);
  });

  it('only takes jobs of the requested queues', async () => {
    await jobQueue.enqueue(db, { queue: 'other', key: 'elsewhere', payload: null });
    expect(await claim()).toBeUndefined();
    const job = await jobQueue.claim(db, ['other', QUEUE], 'w', LEASE);
    expect(job?.key).toBe('elsewhere');
  });

  it('with onlyKey takes only that job, even when others are ahead of it', async () => {
    await enqueue('first');
    await enqueue('wanted');
    expect((await claimOrFail('w', LEASE, 'wanted')).key).toBe('wanted');
    expect(await claim('w', LEASE, 'wanted')).toBeUndefined();
    expect(await claim('w', LEASE, 'absent')).toBeUndefined();
    expect((await claimOrFail()).key).toBe('first');
  });

  it('does not hand a job with a live lease to another worker', async () => {
    await enqueue('leased');
    await claimOrFail('worker-a');
    expect(await claim('worker-b')).toBeUndefined();
  });

  it('lets another worker reclaim a job whose lease has expired', async () => {
    await enqueue('expiring');
    const first = await claimOrFail('worker-a', 1);
    await sleep(20);
    const again = await claimOrFail('worker-b');
    expect(again.id).toBe(first.id);
    expect(again.attempts).toBe(2);
    const rows = await db.query<{ locked_by: string }>('SELECT locked_by FROM jobs WHERE id = $1', [
      first.id,
    ]);
    expect(rows[0]?.locked_by).toBe('worker-b');
  });

  it('extendLease keeps a short lease alive, but only for the worker holding it', async () => {
    await enqueue('heartbeat');
    const job = await claimOrFail('worker-a', 1);
    await jobQueue.extendLease(db, job, 'worker-a', LEASE);
    // A stranger's heartbeat must not shorten (or take over) the lease.
    await jobQueue.extendLease(db, job, 'worker-b', 1);
    await sleep(20);
    expect(await claim('worker-b')).toBeUndefined();
  });

  it('does not hand out completed or failed jobs', async () => {
    await enqueue('done');
    await enqueue('dead', null, 1);
    await jobQueue.complete(db, await claimOrFail());
    await jobQueue.fail(db, await claimOrFail(), 'boom', 0);
    expect(await stateOf('done')).toBe('done');
    expect(await stateOf('dead')).toBe('failed');
    expect(await claim()).toBeUndefined();
  });
});

describe('jobQueue.fail', () => {
  it('retries until maxAttempts, then fails for good keeping the last error', async () => {
    await enqueue('flaky', null, 3);
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const job = await claimOrFail();
      expect(job.attempts).toBe(attempt);
      outcomes.push(await jobQueue.fail(db, job, `error ${attempt}`, 0));
    }
    expect(outcomes).toEqual(['retry', 'retry', 'failed']);
    expect(await jobQueue.state(db, 'flaky')).toEqual({ state: 'failed', lastError: 'error 3' });
    expect(await claim()).toBeUndefined();
  });

  it('backs off: a retried job is not runnable before its delay has passed', async () => {
    await enqueue('later');
    expect(await jobQueue.fail(db, await claimOrFail(), 'transient', 60_000)).toBe('retry');
    expect(await jobQueue.state(db, 'later')).toEqual({ state: 'queued', lastError: 'transient' });
    expect(await claim()).toBeUndefined();
    await makeDue('later');
    expect((await claimOrFail()).attempts).toBe(2);
  });

  it('a short back-off elapses by itself', async () => {
    await enqueue('soon');
    await jobQueue.fail(db, await claimOrFail(), 'transient', 30);
    expect(await claim()).toBeUndefined();
    await sleep(60);
    expect((await claimOrFail()).key).toBe('soon');
  });

  it('a backed-off job lets the jobs behind it run first', async () => {
    await enqueue('unlucky');
    await enqueue('next');
    await jobQueue.fail(db, await claimOrFail(), 'transient', 60_000);
    expect((await claimOrFail()).key).toBe('next');
  });
});

describe('jobQueue.complete', () => {
  it('marks the job done and clears its error and lock', async () => {
    await enqueue('ok');
    await jobQueue.fail(db, await claimOrFail(), 'first try failed', 0);
    await jobQueue.complete(db, await claimOrFail());
    expect(await jobQueue.state(db, 'ok')).toEqual({ state: 'done', lastError: null });
    const rows = await db.query<{ locked_by: string | null }>("SELECT locked_by FROM jobs WHERE key = 'ok'");
    expect(rows[0]?.locked_by).toBeNull();
  });
});

describe('jobQueue.recoverOrphans', () => {
  it('requeues every running job and leaves the others alone', async () => {
    for (const key of ['run-1', 'run-2', 'waiting', 'finished']) {
      await enqueue(key);
    }
    await claimOrFail();
    await claimOrFail();
    const waitingJob = await claimOrFail();
    await jobQueue.fail(db, waitingJob, 'later', 60_000);
    await jobQueue.complete(db, await claimOrFail());

    expect(await jobQueue.recoverOrphans(db)).toBe(2);
    expect(await stateOf('run-1')).toBe('queued');
    expect(await stateOf('run-2')).toBe('queued');
    expect(await stateOf('finished')).toBe('done');
    // The orphans are claimable at once, by anyone, despite their long leases.
    const keys = [(await claimOrFail('new-worker')).key, (await claimOrFail('new-worker')).key];
    expect(keys).toEqual(['run-1', 'run-2']);
    expect(await claim('new-worker')).toBeUndefined();
  });

  it('returns 0 when nothing is running', async () => {
    await enqueue('idle');
    expect(await jobQueue.recoverOrphans(db)).toBe(0);
  });
});

describe('jobQueue.state', () => {
  it('is undefined for an unknown key', async () => {
    expect(await jobQueue.state(db, 'nope')).toBeUndefined();
  });
});
