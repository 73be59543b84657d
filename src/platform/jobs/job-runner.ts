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

/** Claims and runs jobs one at a time; handlers must be idempotent (a job may run again after a crash). */
export class JobRunner {
  readonly #options: JobRunnerOptions;
  readonly #handlers: Map<string, JobHandler>;
  readonly #workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #stopping = false;

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

  /** Runs one job if any is ready (only the job with `onlyKey`, when given); returns whether one ran. */
  async runOne(onlyKey?: string): Promise<boolean> {
    const { db, log } = this.#options;
    const leaseMs = this.#options.leaseMs ?? 60_000;
    const job = await jobQueue.claim(db, [...this.#handlers.keys()], this.#workerId, leaseMs, onlyKey);
    if (!job) {
      return false;
    }
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
        heartbeat: () => jobQueue.extendLease(db, job, this.#workerId, leaseMs),
      });
      await jobQueue.complete(db, job);
    } catch (error) {
      const outcome = await jobQueue.fail(
        db,
        job,
        describeError(error),
        Math.min(60_000, 1_000 * 2 ** job.attempts),
      );
      jobLog.error('job failed', { outcome, error: describeError(error) });
    }
    return true;
  }

  /** Runs jobs until `done()` says so (checked after every job and every idle poll) or stop() is called. */
  async runUntil(done: () => Promise<boolean>, onlyKey?: string): Promise<void> {
    const pollMs = this.#options.pollMs ?? 250;
    while (!this.#stopping && !(await done())) {
      const ran = await this.runOne(onlyKey);
      if (!ran) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    }
  }

  stop(): void {
    this.#stopping = true;
  }
}
