import type { Haven } from '#haven/app/haven.js';
import { Progress } from '#haven/cli/output/progress.js';
import { stdoutIsTty } from '#haven/cli/output/stdout.js';
import { ingestJobKey } from '#haven/ingest/ingest.service.js';
import type { IngestRecord } from '#haven/ingest/ingest.types.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';

/** Starts (or resumes) an ingest and runs its job in this process until it is done. */
export async function runIngest(
  haven: Haven,
  request: { caseReference: string; sources: readonly string[] },
): Promise<IngestRecord> {
  const ingest = await haven.ingests.start({ ...request, operator: haven.config.operator });
  if (ingest.runs > 1) {
    haven.log.info(`Resuming the unfinished ingest ${ingest.id} (run ${ingest.runs})`);
  }
  const progress = new Progress(stdoutIsTty());
  const stop = haven.ingests.watch(ingest.id, (p) => {
    if (p.phase === 'enumerating') {
      progress.update(`Finding files… ${p.found}`);
    } else {
      progress.bar('Ingesting', p.handled, Math.max(p.found, p.handled));
    }
  });
  const key = ingestJobKey(ingest.id);
  try {
    await haven.jobs.runUntil(async () => {
      const job = await jobQueue.state(haven.db, key);
      if (job?.state === 'failed') {
        throw havenError('INGEST_FAILED', { ingestId: ingest.id, reason: job.lastError ?? 'unknown' });
      }
      return (await haven.ingests.get(ingest.id)).state === 'done';
    }, key);
  } finally {
    stop();
    progress.done();
  }
  return haven.ingests.get(ingest.id);
}
