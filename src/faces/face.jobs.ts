import { z } from 'zod';
import { FACE_SCAN_QUEUE } from '#haven/faces/face-queue.js';
import type { FaceService } from '#haven/faces/face.service.js';
import type { JobHandler } from '#haven/platform/jobs/job-runner.js';

const FaceScanPayload = z.object({ reason: z.string() });

/** The durable face scan: resumable, since each medium's faces commit on their own. */
export function faceScanJobHandler(service: FaceService): JobHandler<typeof FaceScanPayload> {
  return {
    queue: FACE_SCAN_QUEUE,
    payload: FaceScanPayload,
    async handle(_payload, context) {
      let last = Date.now();
      const done = await service.scan(context.signal, async () => {
        // Keeps the lease while a long scan makes progress.
        if (Date.now() - last > 10_000) {
          last = Date.now();
          await context.heartbeat();
        }
      });
      context.log.info('face scan finished', { media: done });
    },
  };
}
