import sharp from 'sharp';
import { renderPreviews } from '#haven/ingest/image/previews.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { runMediaTool, toolComplaint, toolPath } from '#haven/video/media-tools.adapter.js';

/** Longest side of a clear frame served on demand (enough to draw a clue on). */
export const CLEAR_FRAME_SIDE = 1280;

/** Decodes the frame shown at `seconds` (the coded picture, like the hashes), or throws. */
export async function extractFrame(
  filePath: string,
  size: { readonly width: number; readonly height: number },
  seconds: number,
): Promise<DecodedImage> {
  const run = await runMediaTool('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-noautorotate',
    '-ss',
    seconds.toFixed(3),
    '-i',
    toolPath(filePath),
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    '-sws_flags',
    'area',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${size.width}x${size.height}`,
    '-f',
    'rawvideo',
    'pipe:1',
  ]);
  const bytes = size.width * size.height * 3;
  if (run.code !== 0) {
    throw havenError('VIDEO_UNREADABLE', { reason: toolComplaint(run.stderr) });
  }
  if (run.stdout.length < bytes) {
    throw havenError('VALIDATION_FAILED', {
      issues: `t: no frame at ${seconds} s (after the end of the video?)`,
    });
  }
  return { width: size.width, height: size.height, channels: 3, data: run.stdout.subarray(0, bytes) };
}

/** A frame as a WebP picture: blurred greyscale like every preview, or clear (larger). */
export async function framePicture(frame: DecodedImage, variant: 'blurred' | 'clear'): Promise<Uint8Array> {
  if (variant === 'blurred') {
    return (await renderPreviews(frame, 1)).blurred.bytes;
  }
  const { width, height, channels, data } = frame;
  return sharp(data, { raw: { width, height, channels } })
    .resize(CLEAR_FRAME_SIDE, CLEAR_FRAME_SIDE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 85, effort: 2 })
    .toBuffer();
}
