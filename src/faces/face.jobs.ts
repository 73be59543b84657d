import { z } from 'zod';
import { FACE_MEDIA_QUEUE, FACE_SCAN_QUEUE } from '#haven/faces/face-queue.js';
import type { FaceService } from '#haven/faces/face.service.js';
import type { JobHandler } from '#haven/platform/jobs/job-runner.js';
import { keepingLease, renewLeaseOnProgress } from '#haven/platform/jobs/keep-lease.js';

const FaceScanPayload = z.object({ reason: z.string() });
const FaceMediaPayload = z.object({ mediaId: z.uuid() });

/** The durable face scan: resumable, since each medium's faces commit on their own. */
export function faceScanJobHandler(service: FaceService): JobHandler<typeof FaceScanPayload> {
  return {
    queue: FACE_SCAN_QUEUE,
    payload: FaceScanPayload,
    async handle(_payload, context) {
      const done = await service.scan(context.signal, renewLeaseOnProgress(context));
      context.log.info('face scan finished', { media: done });
    },
  };
}

/**
 * The faces of one medium that ingest (or a video's analysis) just recorded. Idempotent: a medium
 * with faces already computed, or no longer held by an opted-in agency, is left alone. An
 * unreadable picture is logged as a failed run and not retried (it would fail the same way).
 */
export function faceMediaJobHandler(service: FaceService): JobHandler<typeof FaceMediaPayload> {
  return {
    queue: FACE_MEDIA_QUEUE,
    payload: FaceMediaPayload,
    async handle(payload, context) {
      await keepingLease(context, () => service.analyseMedia(payload.mediaId, 'faces.ingest'));
    },
  };
}
