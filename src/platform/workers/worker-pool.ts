import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type Transferable } from 'node:worker_threads';

interface TaskMessage {
  readonly id: number;
  readonly task: unknown;
}

export interface ResultMessage {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: {
    readonly name: string;
    readonly message: string;
    readonly code?: string;
    readonly details?: unknown;
  };
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/** Raised in the caller when a task failed inside a worker; keeps the worker-side error code. */
export class WorkerTaskError extends Error {
  readonly code: string | undefined;
  readonly details: unknown;

  constructor(name: string, message: string, code?: string, details?: unknown) {
    super(message);
    this.name = name;
    this.code = code;
    this.details = details;
  }
}

/**
 * A fixed pool of worker threads running one script. Tasks go to the least busy worker; a worker
 * that dies fails its tasks and is replaced, so one bad input cannot stall the pool.
 */
export class WorkerPool<Task, Result> {
  readonly #script: URL;
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<number, Pending & { slot: Slot }>();
  #nextId = 1;
  #closed = false;
  /** Crashes since the last task that came back; a script that cannot even start must not respawn forever. */
  #crashesInARow = 0;
  #broken: Error | undefined;

  constructor(script: URL, size: number) {
    if (!existsSync(fileURLToPath(script))) {
      throw new Error(`Worker script ${fileURLToPath(script)} is missing; run \`npm run build\` first.`);
    }
    this.#script = script;
    for (let i = 0; i < size; i += 1) {
      this.#slots.push(this.#spawn());
    }
  }

  run(task: Task, transfer: readonly Transferable[] = []): Promise<Result> {
    if (this.#closed) {
      return Promise.reject(new Error('Worker pool is closed'));
    }
    if (this.#broken) {
      return Promise.reject(this.#broken);
    }
    const slot = this.#slots.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
    const id = this.#nextId++;
    slot.busy += 1;
    // An idle pool must not keep the process alive, a busy one must.
    slot.worker.ref();
    return new Promise<Result>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, slot });
      const message: TaskMessage = { id, task };
      slot.worker.postMessage(message, [...transfer]);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    // Exits after close are ignored, so tasks still in flight would otherwise never settle.
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(new Error('Worker pool is closed'));
    }
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #spawn(): Slot {
    const worker = new Worker(this.#script);
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (message: ResultMessage) => {
      const pending = this.#pending.get(message.id);
      if (!pending) {
        return;
      }
      this.#pending.delete(message.id);
      this.#crashesInARow = 0;
      slot.busy -= 1;
      if (slot.busy === 0) {
        slot.worker.unref();
      }
      if (message.ok) {
        pending.resolve(message.result);
      } else {
        const error = message.error;
        pending.reject(
          new WorkerTaskError(
            error?.name ?? 'Error',
            error?.message ?? 'worker task failed',
            error?.code,
            error?.details,
          ),
        );
      }
    });
    worker.on('error', (error) => {
      this.#failSlot(slot, error);
    });
    worker.on('exit', (code) => {
      if (!this.#closed) {
        this.#failSlot(slot, new Error(`worker thread exited with code ${code}`));
      }
    });
    worker.unref();
    return slot;
  }

  #failSlot(slot: Slot, error: Error): void {
    for (const [id, pending] of this.#pending) {
      if (pending.slot === slot) {
        this.#pending.delete(id);
        pending.reject(new WorkerTaskError('WorkerCrash', `worker thread failed: ${error.message}`));
      }
    }
    this.#crashesInARow += 1;
    if (this.#crashesInARow > 3 * this.#slots.length) {
      this.#broken = new WorkerTaskError('WorkerCrash', `worker threads keep failing: ${error.message}`);
      return;
    }
    const index = this.#slots.indexOf(slot);
    if (index >= 0 && !this.#closed) {
      void slot.worker.terminate();
      this.#slots[index] = this.#spawn();
    }
  }
}
