import { z } from 'zod';
import { INGEST_QUEUE, type IngestService } from '#haven/ingest/ingest.service.js';
import type { JobHandler } from '#haven/platform/jobs/job-runner.js';

const IngestJobPayload = z.object({ ingestId: z.uuid() });

const HEARTBEAT_MS = 15_000;

/** The durable job behind every ingest; running it again continues where it stopped. */
export function ingestJobHandler(service: IngestService): JobHandler<typeof IngestJobPayload> {
  return {
    queue: INGEST_QUEUE,
    payload: IngestJobPayload,
    async handle(payload, context) {
      const timer = setInterval(() => {
        context.heartbeat().catch((error: unknown) => {
          context.log.warn('could not extend the job lease', { error: String(error) });
        });
      }, HEARTBEAT_MS);
      try {
        await service.run(payload.ingestId, context.signal);
      } finally {
        clearInterval(timer);
      }
    },
  };
}
