import type { Queryable } from '#haven/platform/db/database.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';

export const VIDEO_QUEUE = 'video.analyse';

export const videoJobKey = (mediaId: string): string => `video-analyse:${mediaId}`;

/**
 * Asks for a video's analysis inside the transaction that recorded the video; the key makes it
 * once per medium however often the video is seen.
 */
export function enqueueVideoAnalysis(tx: Queryable, mediaId: string): Promise<boolean> {
  return jobQueue.enqueue(tx, { queue: VIDEO_QUEUE, key: videoJobKey(mediaId), payload: { mediaId } });
}
