import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool, WorkerTaskError } from '#haven/platform/workers/worker-pool.js';
import { workerScriptUrl } from '#haven/platform/workers/worker-script.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { REPO_ROOT } from '../../../test/support/shared-data.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../../test/support/temp-dir.js';

type Task =
  | { readonly op: 'echo'; readonly value: unknown }
  | { readonly op: 'thread' }
  | { readonly op: 'slow'; readonly ms: number; readonly value: unknown }
  | { readonly op: 'fail'; readonly code?: string }
  | { readonly op: 'crash' }
  | { readonly op: 'throw' }
  | { readonly op: 'sum'; readonly bytes: ArrayBuffer };

/** Speaks the pool's protocol by hand: receives {id, task}, answers {id, ok, result | error}. */
const MANUAL_WORKER = `
import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', ({ id, task }) => {
  const reply = (result) => parentPort.postMessage({ id, ok: true, result });
  switch (task.op) {
    case 'echo': return reply(task.value);
    case 'thread': return reply(threadId);
    case 'slow': return setTimeout(() => reply(task.value), task.ms);
    case 'fail':
      return parentPort.postMessage({
        id, ok: false,
        error: { name: 'HavenError', message: 'cannot decode', ...(task.code ? { code: task.code, details: { at: 7 } } : {}) },
      });
    case 'crash': return process.exit(3);
    case 'throw': throw new Error('uncaught in the worker');
    case 'sum': return reply(new Uint8Array(task.bytes).reduce((a, b) => a + b, 0));
  }
});
`;

/** The same, through the real serveWorkerTasks (compiled: worker threads run plain JavaScript). */
const SERVED_WORKER = `
import { serveWorkerTasks } from ${JSON.stringify(
  pathToFileURL(path.join(REPO_ROOT, 'dist', 'src', 'platform', 'workers', 'worker-side.js')).href,
)};
serveWorkerTasks(async (task) => {
  if (task.op === 'fail') {
    const error = new Error('cannot decode');
    error.name = 'HavenError';
    error.code = 'IMAGE_UNDECODABLE';
    error.details = { at: 7 };
    throw error;
  }
  if (task.op === 'reject-string') {
    throw 'a bare string';
  }
  if (task.op === 'double') {
    const bytes = new Uint8Array(task.bytes).map((b) => b * 2);
    return { result: bytes.buffer, transfer: [bytes.buffer] };
  }
  return { result: task.value };
});
`;

const pools: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function script(source: string): URL {
  const file = path.join(tempDir('haven-worker-'), 'worker.mjs');
  writeFileSync(file, source);
  return pathToFileURL(file);
}

function pool<T = Task, R = unknown>(size: number, source = MANUAL_WORKER): WorkerPool<T, R> {
  const created = new WorkerPool<T, R>(script(source), size);
  pools.push(created);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<WorkerTaskError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WorkerTaskError);
  return error as WorkerTaskError;
}

describe('WorkerPool', () => {
  it('returns each task its own result', async () => {
    const workers = pool(2);
    const values = Array.from({ length: 20 }, (_, i) => ({ n: i, text: `item ${i}` }));
    const results = await Promise.all(values.map((value) => workers.run({ op: 'echo', value })));
    expect(results).toEqual(values);
  });

  it('matches replies to tasks when they finish out of order', async () => {
    const workers = pool(1);
    const slow = workers.run({ op: 'slow', ms: 80, value: 'slow' });
    const fast = workers.run({ op: 'slow', ms: 1, value: 'fast' });
    expect(await Promise.all([slow, fast])).toEqual(['slow', 'fast']);
  });

  it('spreads concurrent tasks over all its threads', async () => {
    const workers = pool(3);
    const threads = await Promise.all(Array.from({ length: 3 }, () => workers.run({ op: 'thread' })));
    expect(new Set(threads).size).toBe(3);
  });

  it('transfers buffers to the worker instead of copying them', async () => {
    const workers = pool(1);
    const bytes = new Uint8Array([1, 2, 3, 250]);
    const sum = workers.run({ op: 'sum', bytes: bytes.buffer }, [bytes.buffer]);
    // Transferred: the caller's view is detached at once.
    expect(bytes.byteLength).toBe(0);
    expect(await sum).toBe(256);
  });

  it('rejects a failed task with a WorkerTaskError keeping name, message, code and details', async () => {
    const workers = pool(1);
    const error = await rejection(workers.run({ op: 'fail', code: 'IMAGE_UNDECODABLE' }));
    expect(error.name).toBe('HavenError');
    expect(error.message).toBe('cannot decode');
    expect(error.code).toBe('IMAGE_UNDECODABLE');
    expect(error.details).toEqual({ at: 7 });
  });

  it('leaves the code undefined when the worker sent none, and keeps serving', async () => {
    const workers = pool(1);
    expect((await rejection(workers.run({ op: 'fail' }))).code).toBeUndefined();
    expect(await workers.run({ op: 'echo', value: 1 })).toBe(1);
  });

  it('fails only the task of a worker that exits, and replaces the worker', async () => {
    const workers = pool(2);
    // Least-busy placement puts these on different threads.
    const survivor = workers.run({ op: 'slow', ms: 150, value: 'survived' });
    const crash = await rejection(workers.run({ op: 'crash' }));
    expect(crash.name).toBe('WorkerCrash');
    expect(crash.message).toMatch(/exited with code 3/);
    expect(await survivor).toBe('survived');
    const after = await Promise.all(
      Array.from({ length: 6 }, (_, i) => workers.run({ op: 'echo', value: i })),
    );
    expect(after).toEqual([0, 1, 2, 3, 4, 5]);
    // Both slots serve again, the replaced one included.
    const threads = await Promise.all([workers.run({ op: 'thread' }), workers.run({ op: 'thread' })]);
    expect(new Set(threads).size).toBe(2);
  });

  it('survives a worker that keeps crashing', async () => {
    const workers = pool(1);
    for (let round = 0; round < 3; round += 1) {
      await rejection(workers.run({ op: 'crash' }));
    }
    expect(await workers.run({ op: 'echo', value: 'still here' })).toBe('still here');
  });

  it('fails the task of a worker that throws an uncaught error, naming the error', async () => {
    const workers = pool(1);
    const error = await rejection(workers.run({ op: 'throw' }));
    expect(error.name).toBe('WorkerCrash');
    expect(error.message).toContain('uncaught in the worker');
    expect(await workers.run({ op: 'echo', value: 'ok' })).toBe('ok');
  });

  it('refuses work after close()', async () => {
    const workers = pool(1);
    await workers.close();
    await expect(workers.run({ op: 'echo', value: 1 })).rejects.toThrow('Worker pool is closed');
  });

  it('settles tasks still in flight when it is closed', async () => {
    const workers = pool(1);
    const inFlight = workers.run({ op: 'slow', ms: 10_000, value: 'never' }).then(
      () => 'resolved',
      () => 'rejected',
    );
    await workers.close();
    const outcome = await Promise.race([
      inFlight,
      new Promise((resolve) => {
        setTimeout(() => {
          resolve('still pending');
        }, 1_000);
      }),
    ]);
    expect(outcome).toBe('rejected');
  });

  it('names a missing script clearly', () => {
    const missing = pathToFileURL(path.join(tempDir(), 'absent.js'));
    expect(() => new WorkerPool(missing, 1)).toThrow(/absent\.js is missing; run `npm run build` first/);
  });

  it('does not keep the process alive once idle', async () => {
    // A separate process runs the compiled pool, finishes a task and never closes it: it must exit.
    const poolModule = pathToFileURL(
      path.join(REPO_ROOT, 'dist', 'src', 'platform', 'workers', 'worker-pool.js'),
    );
    // A file, not --input-type=module -e: worker threads inherit execArgv and would reject that flag.
    const program = path.join(tempDir('haven-worker-'), 'main.mjs');
    writeFileSync(
      program,
      `import { WorkerPool } from ${JSON.stringify(poolModule.href)};
       const pool = new WorkerPool(new URL(${JSON.stringify(script(MANUAL_WORKER).href)}), 2);
       console.log(await pool.run({ op: 'echo', value: 'done' }));`,
    );
    const child = spawn(process.execPath, [program], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exit = await Promise.race([
      new Promise<number | null>((resolve) => {
        child.on('exit', resolve);
      }),
      new Promise<string>((resolve) => {
        setTimeout(() => {
          resolve('timeout');
        }, 8_000);
      }),
    ]);
    child.kill('SIGKILL');
    expect(exit).toBe(0);
    expect(stdout.trim()).toBe('done');
  });
});

describe('WorkerPool with serveWorkerTasks', () => {
  type ServedTask =
    | { readonly op: 'echo'; readonly value: unknown }
    | { readonly op: 'fail' }
    | { readonly op: 'reject-string' }
    | { readonly op: 'double'; readonly bytes: ArrayBuffer };

  it('returns results and transfers result buffers back', async () => {
    const workers = pool<ServedTask>(1, SERVED_WORKER);
    expect(await workers.run({ op: 'echo', value: { a: [1, 2] } })).toEqual({ a: [1, 2] });
    const doubled = await workers.run({ op: 'double', bytes: new Uint8Array([1, 2, 100]).buffer });
    expect(doubled).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(doubled as ArrayBuffer)]).toEqual([2, 4, 200]);
  });

  it('carries a thrown error across with its code and details', async () => {
    const workers = pool<ServedTask>(1, SERVED_WORKER);
    const error = await rejection(workers.run({ op: 'fail' }));
    expect(error).toMatchObject({ name: 'HavenError', message: 'cannot decode', code: 'IMAGE_UNDECODABLE' });
    expect(error.details).toEqual({ at: 7 });
  });

  it('turns a thrown non-error into a message', async () => {
    const workers = pool<ServedTask>(1, SERVED_WORKER);
    const error = await rejection(workers.run({ op: 'reject-string' }));
    expect(error.message).toBe('a bare string');
    expect(await workers.run({ op: 'echo', value: 'next' })).toBe('next');
  });
});

describe('workerScriptUrl', () => {
  it('keeps a script that exists beside the caller', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'worker.js'), '');
    const url = workerScriptUrl(pathToFileURL(path.join(dir, 'caller.js')).href, './worker.js');
    expect(url.href).toBe(pathToFileURL(path.join(dir, 'worker.js')).href);
  });

  it('points a caller running from src/ at the compiled copy under dist/src/', () => {
    const caller = pathToFileURL(path.join(REPO_ROOT, 'src', 'platform', 'workers', 'worker-pool.ts')).href;
    const url = workerScriptUrl(caller, './worker-side.js');
    expect(url.href).toBe(
      pathToFileURL(path.join(REPO_ROOT, 'dist', 'src', 'platform', 'workers', 'worker-side.js')).href,
    );
  });
});
