import { parentPort, type Transferable } from 'node:worker_threads';
import type { ResultMessage } from '#haven/platform/workers/worker-pool.js';

/** Serves tasks posted by a WorkerPool; `handle` returns the result and what to transfer. */
export function serveWorkerTasks(
  handle: (task: unknown) => Promise<{ result: unknown; transfer?: readonly Transferable[] }>,
): void {
  const port = parentPort;
  if (!port) {
    throw new Error('serveWorkerTasks must run inside a worker thread');
  }
  port.on('message', (message: { id: number; task: unknown }) => {
    handle(message.task).then(
      ({ result, transfer }) => {
        const reply: ResultMessage = { id: message.id, ok: true, result };
        port.postMessage(reply, [...(transfer ?? [])]);
      },
      (error: unknown) => {
        const failure = error as { name?: string; message?: string; code?: string; details?: unknown };
        const reply: ResultMessage = {
          id: message.id,
          ok: false,
          error: {
            name: failure.name ?? 'Error',
            message: failure.message ?? String(error),
            ...(typeof failure.code === 'string' ? { code: failure.code } : {}),
            ...(failure.details !== undefined ? { details: failure.details } : {}),
          },
        };
        port.postMessage(reply);
      },
    );
  });
}
