import type { Queryable } from '#haven/platform/db/database.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';

export const OCR_SCAN_QUEUE = 'ocr.scan';
export const OCR_MEDIA_QUEUE = 'ocr.media';

export const ocrMediaJobKey = (mediaId: string): string => `ocr-media:${mediaId}`;

/** Asks for the text of every decoded image not read yet (idempotent: read ones are skipped). */
export function enqueueOcrScan(tx: Queryable, reason: string): Promise<boolean> {
  return jobQueue.enqueue(tx, {
    queue: OCR_SCAN_QUEUE,
    key: `ocr-scan:${reason}:${Date.now()}:${Math.random().toString(36).slice(2, 8)}`,
    payload: { reason },
  });
}

/**
 * Asks for one newly held medium's text, inside the transaction that recorded it; the key makes
 * it once per content however often it is ingested.
 */
export function enqueueTextReading(tx: Queryable, mediaId: string): Promise<boolean> {
  return jobQueue.enqueue(tx, { queue: OCR_MEDIA_QUEUE, key: ocrMediaJobKey(mediaId), payload: { mediaId } });
}
