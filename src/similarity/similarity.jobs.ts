import { z } from 'zod';
import type { JobHandler } from '#haven/platform/jobs/job-runner.js';
import { SIMILARITY_QUEUE } from './similarity-queue.js';
import type { SimilarityService } from './similarity.service.js';

const SimilarityJobPayload = z.object({ mediaId: z.uuid() });

/** Extracts one medium's local features; idempotent (current features are kept as they are). */
export function similarityJobHandler(service: SimilarityService): JobHandler<typeof SimilarityJobPayload> {
  return {
    queue: SIMILARITY_QUEUE,
    payload: SimilarityJobPayload,
    async handle(payload) {
      await service.extract(payload.mediaId);
    },
  };
}
