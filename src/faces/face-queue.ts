import { faceRepository } from '#haven/faces/face.repository.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';

export const FACE_SCAN_QUEUE = 'faces.scan';
export const FACE_MEDIA_QUEUE = 'faces.media';

export const faceMediaJobKey = (mediaId: string): string => `faces-media:${mediaId}`;

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

/**
 * Asks for one newly held medium's faces, inside the transaction that recorded it, if an agency
 * holding it opted in (the others' material is never looked at). The key makes it once per
 * content however often it is ingested; an agency opting in later starts a scan instead.
 */
export async function enqueueFaceAnalysis(tx: Queryable, mediaId: string): Promise<boolean> {
  if (!(await faceRepository.optedInHolder(tx, mediaId))) {
    return false;
  }
  return jobQueue.enqueue(tx, {
    queue: FACE_MEDIA_QUEUE,
    key: faceMediaJobKey(mediaId),
    payload: { mediaId },
  });
}
