import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpeg } from './support/videos.js';
import { tempDir } from './support/temp-dir.js';
import { sampleFrames, type FrameSelection, type SampledFrame } from '#haven/video/frame-sampler.js';

const SIZE = { width: 160, height: 120 };

/** 4 s of moving test pattern at 25 fps, H.264 with B-frames (x264's defaults: most are not referenced). */
function film(): string {
  const file = path.join(tempDir('haven-sampler-'), 'pattern.mp4');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${SIZE.width}x${SIZE.height}:rate=25:duration=4`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-bf',
    '3',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

async function sample(file: string, selection: FrameSelection): Promise<SampledFrame[]> {
  const frames: SampledFrame[] = [];
  await sampleFrames(file, SIZE, selection, (frame) => {
    frames.push({
      seconds: frame.seconds,
      image: { ...frame.image, data: Uint8Array.from(frame.image.data) },
    });
  });
  return frames;
}

describe('frame sampling', () => {
  it('takes one reference frame per slot, each exactly as a full decode shows it', async () => {
    const file = film();
    const every = await sample(file, { kind: 'count', frameStep: 1, sceneThreshold: null });
    expect(every).toHaveLength(100);
    const slots = await sample(file, { kind: 'slots', perSecond: 5 });
    const slotOf = (seconds: number): number => Math.floor(seconds * 5 + 1e-9);
    expect(slots.map((frame) => slotOf(frame.seconds))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Frames nothing is predicted from were skipped: some slots start later than their first frame.
    expect(slots.some((frame) => frame.seconds > slotOf(frame.seconds) / 5 + 0.01)).toBe(true);
    for (const frame of slots) {
      const same = every.find((other) => Math.abs(other.seconds - frame.seconds) < 1e-6);
      expect(same, `frame at ${frame.seconds}`).toBeDefined();
      expect(Buffer.from(frame.image.data).equals(Buffer.from(same!.image.data))).toBe(true);
    }
  }, 60_000);

  it('takes every frameStep-th frame by count, as vPDQ does', async () => {
    const frames = await sample(film(), { kind: 'count', frameStep: 25, sceneThreshold: null });
    expect(frames.map((frame) => frame.seconds)).toEqual([0, 1, 2, 3]);
  }, 60_000);
});
