import { enqueueFaceAnalysis } from '#haven/faces/face-queue.js';
import { enqueueTextReading } from '#haven/ocr/ocr-queue.js';
import type { Queryable } from '#haven/platform/db/database.js';

/**
 * Once a medium's pictures are known (an image when it is recorded, a video when its analysis
 * kept its keyframes), its text is read and, where an agency holding it opted in, its faces are
 * computed: by durable jobs enqueued in the same transaction, so suggestions and text appear
 * without anyone asking. Call it after the occurrence (media file) is recorded: the face opt-in
 * is that of the agencies holding the medium. Both jobs are keyed per content, so re-ingesting
 * or restarting never queues the work twice.
 */
export async function enqueueMediaScans(tx: Queryable, mediaId: string): Promise<void> {
  await enqueueTextReading(tx, mediaId);
  await enqueueFaceAnalysis(tx, mediaId);
}
