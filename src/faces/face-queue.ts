import type { Queryable } from '#haven/platform/db/database.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';

export const FACE_SCAN_QUEUE = 'faces.scan';

/**
 * Asks for the faces of every held image of opted-in agencies that has none yet. The scan is
 * idempotent (finished media are skipped), so a new request only needs a new key.
 */
export function enqueueFaceScan(tx: Queryable, reason: string): Promise<boolean> {
  return jobQueue.enqueue(tx, {
    queue: FACE_SCAN_QUEUE,
    key: `faces-scan:${reason}:${Date.now()}:${Math.random().toString(36).slice(2, 8)}`,
    payload: { reason },
  });
}
