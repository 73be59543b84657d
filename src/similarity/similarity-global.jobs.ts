import { z } from 'zod';
import type { JobHandler } from '#haven/platform/jobs/job-runner.js';
import { SIMILARITY_GLOBAL_QUEUE } from './similarity-queue.js';
import type { SimilarityService } from './similarity.service.js';

const GlobalJobPayload = z.object({ mediaId: z.uuid() });

/** Computes one medium's global descriptor; idempotent (a current descriptor is kept as it is). */
export function similarityGlobalJobHandler(service: SimilarityService): JobHandler<typeof GlobalJobPayload> {
  return {
    queue: SIMILARITY_GLOBAL_QUEUE,
    payload: GlobalJobPayload,
    async handle(payload) {
      await service.extractGlobal(payload.mediaId);
    },
  };
}
