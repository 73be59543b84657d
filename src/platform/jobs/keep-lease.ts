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
