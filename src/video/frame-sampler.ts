import { havenError } from '#haven/platform/errors/haven-error.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { runMediaTool, toolComplaint, toolPath } from '#haven/video/media-tools.adapter.js';

/**
 * Which frames to hand over. `count`: every `frameStep`-th frame by count (as vPDQ does), plus scene
 * changes; every frame is decoded. `slots`: the first frame shown in each 1/`perSecond` slot of
 * presentation time, among the frames other frames are predicted from: the decoder skips the rest
 * (in H.264 from x264, about half of them) without decoding them.
 */
export type FrameSelection =
  | {
      readonly kind: 'count';
      readonly frameStep: number;
      /** ffmpeg scene score (0-1) above which a frame is taken as well; null for none. */
      readonly sceneThreshold: number | null;
    }
  | { readonly kind: 'slots'; readonly perSecond: number };

/** One decoded frame, in the order the video shows them. */
export interface SampledFrame {
  readonly image: DecodedImage;
  /** Presentation time in seconds from the start of the stream. */
  readonly seconds: number;
}

/** vPDQ's frame step: trunc(secondsPerHash * fps), 0 treated as 1. */
export function frameStepFor(secondsPerSample: number, fps: number): number {
  return Math.max(1, Math.trunc(secondsPerSample * fps));
}

const PTS_TIME = /\bpts_time:\s*(-?[0-9.]+)/;
const SHOWINFO = /Parsed_showinfo/;

/**
 * Decodes the selected frames of the first video stream to full-size RGB24 (SWS_AREA, no
 * auto-rotation: the reference vPDQ hashes the coded picture) and hands each one to `onFrame` in
 * order. Decoding errors (damaged or truncated files) throw VIDEO_UNREADABLE.
 */
export async function sampleFrames(
  filePath: string,
  size: { readonly width: number; readonly height: number },
  selection: FrameSelection,
  onFrame: (frame: SampledFrame) => void,
  signal?: AbortSignal,
): Promise<{ frames: number; lastSeconds: number; partial: boolean }> {
  const frameBytes = size.width * size.height * 3;
  const filter = `select='${selectExpression(selection)}',showinfo=checksum=0`;
  const times: number[] = [];
  const pending: Buffer[] = [];
  let buffered = 0;
  let delivered = 0;
  let failure: Error | undefined;
  const deliver = (): void => {
    while (buffered >= frameBytes && delivered < times.length) {
      const data = takeBytes(pending, frameBytes);
      buffered -= frameBytes;
      const seconds = times[delivered]!;
      delivered++;
      try {
        onFrame({ image: { width: size.width, height: size.height, channels: 3, data }, seconds });
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error('frame handler failed');
      }
    }
  };
  const run = await runMediaTool(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostats',
      '-loglevel',
      'info',
      '-noautorotate',
      ...(selection.kind === 'slots' ? ['-skip_frame', 'noref'] : []),
      '-i',
      toolPath(filePath),
      '-map',
      '0:v:0',
      '-an',
      '-vf',
      filter,
      '-fps_mode',
      'passthrough',
      '-sws_flags',
      'area',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${size.width}x${size.height}`,
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    {
      ...(signal ? { signal } : {}),
      onStdout: (chunk) => {
        pending.push(chunk);
        buffered += chunk.length;
        deliver();
      },
      onStderrLine: (line) => {
        if (SHOWINFO.test(line)) {
          const match = PTS_TIME.exec(line);
          if (match) {
            times.push(Number(match[1]));
            deliver();
          }
        }
      },
    },
  );
  deliver();
  if (failure !== undefined) {
    throw failure;
  }
  if (run.code !== 0) {
    throw havenError('VIDEO_UNREADABLE', { reason: toolComplaint(errorLines(run.stderr)) });
  }
  if (delivered === 0) {
    throw havenError('VIDEO_UNREADABLE', { reason: 'no frame could be decoded' });
  }
  return {
    frames: delivered,
    lastSeconds: times[delivered - 1] ?? 0,
    // The demuxer says so when the file ends before the data its index describes (a cut-off copy).
    partial: /partial file/i.test(run.stderr),
  };
}

function selectExpression(selection: FrameSelection): string {
  if (selection.kind === 'slots') {
    const rate = selection.perSecond;
    return `isnan(prev_selected_t)+gt(floor(t*${rate})\\,floor(prev_selected_t*${rate}))`;
  }
  const step = Math.max(1, Math.trunc(selection.frameStep));
  const picks = [`not(mod(n\\,${step}))`];
  if (selection.sceneThreshold !== null) {
    picks.push(`gt(scene\\,${selection.sceneThreshold})`);
  }
  return picks.join('+');
}

/** ffmpeg at info level mixes errors with chatter; keep what looks like a complaint. */
export function errorLines(stderr: string): string {
  return stderr
    .split('\n')
    .filter(
      (line) => !SHOWINFO.test(line) && /error|invalid|corrupt|truncat|not found|moov|no such/i.test(line),
    )
    .join('\n');
}

function takeBytes(chunks: Buffer[], count: number): Uint8Array {
  const first = chunks[0]!;
  if (first.length === count) {
    chunks.shift();
    return first;
  }
  if (first.length > count) {
    chunks[0] = first.subarray(count);
    return first.subarray(0, count);
  }
  const out = Buffer.allocUnsafe(count);
  let filled = 0;
  while (filled < count) {
    const chunk = chunks[0]!;
    const take = Math.min(chunk.length, count - filled);
    chunk.copy(out, filled, 0, take);
    filled += take;
    if (take === chunk.length) {
      chunks.shift();
    } else {
      chunks[0] = chunk.subarray(take);
    }
  }
  return out;
}
