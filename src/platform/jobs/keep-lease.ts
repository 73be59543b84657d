import type { JobContext } from '#haven/platform/jobs/job-runner.js';

/** How often a job doing one long piece of work renews its lease (leases last seconds at least). */
const RENEW_MS = 1_000;

/**
 * Runs one piece of work that cannot report progress (a model loading, one picture being read)
 * while renewing the job's lease, so that no other worker takes the job over meanwhile.
 */
export async function keepingLease<T>(context: JobContext, work: () => Promise<T>): Promise<T> {
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(() => context.heartbeat()).catch(() => undefined);
  }, RENEW_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await renewing;
  }
}

/** How often a scan that reports progress renews its lease. */
const PROGRESS_RENEW_MS = 10_000;

/**
 * The progress callback for a long scan that reports each step: renews the job's lease when the
 * last renewal is older than PROGRESS_RENEW_MS, so a scan that makes progress keeps its job.
 */
export function renewLeaseOnProgress(context: JobContext): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last > PROGRESS_RENEW_MS) {
      last = Date.now();
      await context.heartbeat();
    }
  };
}
