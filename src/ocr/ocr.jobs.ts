import { z } from 'zod';
import { OCR_MEDIA_QUEUE, OCR_SCAN_QUEUE } from '#haven/ocr/ocr-queue.js';
import type { OcrService } from '#haven/ocr/ocr.service.js';
import type { JobHandler } from '#haven/platform/jobs/job-runner.js';
import { keepingLease, renewLeaseOnProgress } from '#haven/platform/jobs/keep-lease.js';

const OcrScanPayload = z.object({ reason: z.string() });
const OcrMediaPayload = z.object({ mediaId: z.uuid() });

/** The durable text reading: resumable, since each medium's text commits on its own. */
export function ocrScanJobHandler(service: OcrService): JobHandler<typeof OcrScanPayload> {
  return {
    queue: OCR_SCAN_QUEUE,
    payload: OcrScanPayload,
    async handle(_payload, context) {
      const done = await service.scan(context.signal, renewLeaseOnProgress(context));
      context.log.info('text reading finished', { media: done });
    },
  };
}

/** The text of one medium that ingest (or a video's analysis) just recorded; read once. */
export function ocrMediaJobHandler(service: OcrService): JobHandler<typeof OcrMediaPayload> {
  return {
    queue: OCR_MEDIA_QUEUE,
    payload: OcrMediaPayload,
    async handle(payload, context) {
      await keepingLease(context, () => service.readMedia(payload.mediaId));
    },
  };
}
