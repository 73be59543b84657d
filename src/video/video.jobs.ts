import { z } from 'zod';
import type { JobHandler } from '#haven/platform/jobs/job-runner.js';
import { VIDEO_QUEUE } from '#haven/video/video-queue.js';
import type { VideoService } from '#haven/video/video.service.js';

const VideoJobPayload = z.object({ mediaId: z.uuid() });

const HEARTBEAT_MS = 15_000;

/** The durable job behind every video's analysis; idempotent (a finished video is skipped). */
export function videoJobHandler(service: VideoService): JobHandler<typeof VideoJobPayload> {
  return {
    queue: VIDEO_QUEUE,
    payload: VideoJobPayload,
    async handle(payload, context) {
      const timer = setInterval(() => {
        context.heartbeat().catch((error: unknown) => {
          context.log.warn('could not extend the job lease', { error: String(error) });
        });
      }, HEARTBEAT_MS);
      try {
        await service.analyse(payload.mediaId, context.signal);
      } finally {
        clearInterval(timer);
      }
    },
  };
}
