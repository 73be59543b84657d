import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { z } from 'zod';
import type { Database } from '#haven/platform/db/database.js';
import { describeError, havenError } from '#haven/platform/errors/haven-error.js';
import { jobQueue, type JobRow } from '#haven/platform/jobs/job-queue.js';
import type { Logger } from '#haven/platform/log/logger.js';

export interface JobContext {
  readonly job: JobRow;
  readonly log: Logger;
  /** Aborted when the process is shutting down: stop at the next safe point and throw JobInterrupted. */
  readonly signal: AbortSignal;
  /** Keeps the lease alive during long work; call it every now and then. */
  heartbeat(): Promise<void>;
}

export interface JobHandler<S extends z.ZodType = z.ZodType> {
  readonly queue: string;
  readonly payload: S;
  handle(payload: z.infer<S>, context: JobContext): Promise<void>;
}

export interface JobRunnerOptions {
  readonly db: Database;
  readonly handlers: readonly JobHandler[];
  readonly log: Logger;
  readonly leaseMs?: number;
  readonly pollMs?: number;
}

/** Thrown by a handler that stopped early because of shutdown: the job goes back to the queue untouched. */
export class JobInterrupted extends Error {
  constructor() {
    super('interrupted by shutdown');
    this.name = 'JobInterrupted';
  }
}

/** Claims and runs jobs; handlers must be idempotent (a job may run again after a crash). */
export class JobRunner {
  readonly #options: JobRunnerOptions;
  readonly #handlers: Map<string, JobHandler>;
  readonly #workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #stopping = false;
  readonly #abort = new AbortController();
  #loops: Promise<void>[] = [];

  constructor(options: JobRunnerOptions) {
    this.#options = options;
    this.#handlers = new Map();
    for (const handler of options.handlers) {
      if (this.#handlers.has(handler.queue)) {
        throw new Error(`Two job handlers for queue ${handler.queue}`);
      }
      this.#handlers.set(handler.queue, handler);
    }
  }

  /**
   * Runs one job if any is ready (only the job with `onlyKey`, when given; only of `queues`, when
   * given); returns whether one ran.
   */
  async runOne(onlyKey?: string, queues?: readonly string[]): Promise<boolean> {
    // The claim's liveness lock lives on this held connection until the job is settled: if this
    // process dies, the connection closes and other workers take the job over at once.
    return this.#options.db.session(async (session) => {
      const leaseMs = this.#options.leaseMs ?? 60_000;
      const job = await jobQueue.claim(
        session,
        [...this.#handlers.keys()].filter((queue) => !queues || queues.includes(queue)),
        this.#workerId,
        leaseMs,
        onlyKey,
        this.#options.db.dialect === 'postgres',
      );
      if (!job) {
        return false;
      }
      try {
        await this.#run(job, leaseMs);
      } finally {
        await jobQueue.letGo(session, job);
      }
      return true;
    });
  }

  async #run(job: JobRow, leaseMs: number): Promise<void> {
    const { db, log } = this.#options;
    const handler = this.#handlers.get(job.queue)!;
    const jobLog = log.child({ job: job.key });
    try {
      const parsed = handler.payload.safeParse(job.payload);
      if (!parsed.success) {
        // A ZodError's message is a multi-line JSON dump: keep the issues readable in last_error.
        const issues = parsed.error.issues.map(
          (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
        );
        throw havenError('INVALID_ARGUMENT', {
          reason: `invalid ${job.queue} job payload: ${issues.join('; ')}`,
        });
      }
      const payload: unknown = parsed.data;
      await handler.handle(payload, {
        job,
        log: jobLog,
        signal: this.#abort.signal,
        heartbeat: () => jobQueue.extendLease(db, job, this.#workerId, leaseMs),
      });
      await jobQueue.complete(db, job);
    } catch (error) {
      if (error instanceof JobInterrupted || this.#abort.signal.aborted) {
        await jobQueue.release(db, job);
        jobLog.info('job released for a later run (shutdown)');
        return;
      }
      const outcome = await jobQueue.fail(
        db,
        job,
        describeError(error),
        Math.min(60_000, 1_000 * 2 ** job.attempts),
      );
      jobLog.error('job failed', { outcome, error: describeError(error) });
    }
  }

  /**
   * Runs jobs (of `queues` only, when given) until `done()` says so (checked after every job and
   * every idle poll) or stop() is called.
   */
  async runUntil(done: () => Promise<boolean>, onlyKey?: string, queues?: readonly string[]): Promise<void> {
    const pollMs = this.#options.pollMs ?? 250;
    while (!this.#stopping && !(await done())) {
      const ran = await this.runOne(onlyKey, queues);
      if (!ran) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    }
  }

  /** Starts `concurrency` loops that take jobs as they come, until stop(). */
  start(concurrency: number): void {
    const pollMs = this.#options.pollMs ?? 500;
    const loop = async (): Promise<void> => {
      while (!this.#stopping) {
        let ran = false;
        try {
          ran = await this.runOne();
        } catch (error) {
          // The database may be briefly unavailable: wait and try again rather than die.
          this.#options.log.error('job loop error', { error: describeError(error) });
        }
        // Read through a method: stop() may have been called while runOne() was awaited.
        if (!ran && !this.#isStopping()) {
          await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
      }
    };
    this.#loops = Array.from({ length: concurrency }, () => loop());
  }

  #isStopping(): boolean {
    return this.#stopping;
  }

  /** Stops taking jobs, asks running handlers to stop, and waits for the loops to end. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    await Promise.all(this.#loops);
  }
}
