import { agencyService } from '#haven/accounts/agency.service.js';
import type { Haven } from '#haven/app/haven.js';
import { ingestJobKey, type IngestProgress } from '#haven/ingest/ingest.service.js';
import type { IngestRecord } from '#haven/ingest/ingest.types.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';
import { VIDEO_QUEUE } from '#haven/video/video-queue.js';

/**
 * Starts (or resumes) an ingest and runs its durable job in this process until it is done (the
 * command line's way; a server lets its workers pick the job up instead).
 */
export async function runIngestToCompletion(
  haven: Haven,
  request: { caseReference: string; sources: readonly string[]; agencyId?: string },
  onProgress: (progress: IngestProgress) => void = () => undefined,
): Promise<IngestRecord> {
  const { localAgency } = haven.config;
  const agency = request.agencyId
    ? { id: request.agencyId }
    : await agencyService.ensureLocal(haven.db, localAgency.name, localAgency.country);
  const ingest = await haven.ingests.start({
    ...request,
    operator: haven.config.operator,
    agencyId: agency.id,
  });
  if (ingest.runs > 1) {
    haven.log.info(`Resuming the unfinished ingest ${ingest.id} (run ${ingest.runs})`);
  }
  const stop = haven.ingests.watch(ingest.id, onProgress);
  const key = ingestJobKey(ingest.id);
  try {
    await haven.jobs.runUntil(async () => {
      const job = await jobQueue.state(haven.db, key);
      if (job?.state === 'failed') {
        throw havenError('INGEST_FAILED', { ingestId: ingest.id, reason: job.lastError ?? 'unknown' });
      }
      return (await haven.ingests.get(ingest.id)).state === 'done';
    }, key);
    // Videos are analysed by jobs of their own: the command reports them once they are done. The
    // text and face jobs ingest queued are left to a server's workers (or `haven faces`): reading
    // text costs far more than ingesting and is not part of what the command reports.
    await haven.jobs.runUntil(async () => (await haven.videos.pendingJobs(ingest.id)) === 0, undefined, [
      VIDEO_QUEUE,
    ]);
  } finally {
    stop();
  }
  return haven.ingests.get(ingest.id);
}
