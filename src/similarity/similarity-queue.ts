import type { Queryable } from '#haven/platform/db/database.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';

/** The queue of local-feature extraction jobs, one per medium. */
export const SIMILARITY_QUEUE = 'similarity.extract';

export function similarityJobKey(mediaId: string): string {
  return `similarity-extract:${mediaId}`;
}

/** Asks for a still image's local features inside the transaction that recorded it. */
export function enqueueFeatureExtraction(tx: Queryable, mediaId: string): Promise<boolean> {
  return jobQueue.enqueue(tx, {
    queue: SIMILARITY_QUEUE,
    key: similarityJobKey(mediaId),
    payload: { mediaId },
  });
}

/** The queue of global-descriptor extraction jobs, one per medium (apart: a model failure leaves ORB be). */
export const SIMILARITY_GLOBAL_QUEUE = 'similarity.global';

export function similarityGlobalJobKey(mediaId: string): string {
  return `similarity-global:${mediaId}`;
}

/** Asks for a still image's global descriptor inside the transaction that made it necessary. */
export function enqueueGlobalExtraction(tx: Queryable, mediaId: string): Promise<boolean> {
  return jobQueue.enqueue(tx, {
    queue: SIMILARITY_GLOBAL_QUEUE,
    key: similarityGlobalJobKey(mediaId),
    payload: { mediaId },
  });
}
