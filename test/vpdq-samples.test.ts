import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from './support/shared-data.js';
import { pdqDistance, pdqFromHex, pdqToHex } from '#haven/signals/pdq/pdq-hex.js';
import { compareVideos, distinctHashes } from '#haven/signals/vpdq/vpdq-match.js';
import { hashVideoFrames } from '#haven/video/video-hasher.js';
import { probeVideo } from '#haven/video/video-probe.js';

const VPDQ = path.join(SHARED_DIR, 'pdq', 'vpdq');
const VIDEOS = [
  'pattern-sd-with-small-logo-bar',
  'doorknob-hd-no-bar',
  'pattern-longer-no-bar',
  'chair-19-sd-bar',
];

interface Line {
  frame: number;
  quality: number;
  hex: string;
  seconds: number;
}

function readLines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [frame, quality, hex, seconds] = line.split(',');
      return { frame: Number(frame), quality: Number(quality), hex: hex!, seconds: Number(seconds) };
    });
}

const videoPath = (name: string): string => path.join(VPDQ, 'files', 'tmk', 'sample-videos', `${name}.mp4`);

async function hashes(name: string, secondsPerSample: number): Promise<Line[]> {
  const file = videoPath(name);
  const probe = await probeVideo(file);
  const { frames } = await hashVideoFrames(file, probe, { secondsPerSample, sceneThreshold: null });
  return frames.map((f) => ({
    frame: Math.round(f.seconds * probe.fps),
    quality: f.quality,
    hex: pdqToHex(f.hash),
    seconds: f.seconds,
  }));
}

describe('vPDQ against the reference sample hashes', () => {
  it('reproduces the 1 s reference output of the pinned FFmpeg bit for bit, with time codes', async () => {
    for (const name of VIDEOS) {
      const expected = readLines(
        path.join(VPDQ, 'expected', 'local-debian12-ffmpeg5.1.9', '1s', `${name}.txt`),
      );
      const ours = await hashes(name, 1);
      expect(ours.map((l) => l.frame)).toEqual(expected.map((l) => l.frame));
      expect(ours.map((l) => l.seconds.toFixed(3))).toEqual(expected.map((l) => l.seconds.toFixed(3)));
      expect(ours.map((l) => `${l.quality},${l.hex}`)).toEqual(expected.map((l) => `${l.quality},${l.hex}`));
    }
  }, 120_000);

  it("matches upstream's every-frame hashes within upstream's own tolerance", async () => {
    const name = 'pattern-sd-with-small-logo-bar';
    const upstream = readLines(path.join(VPDQ, 'files', 'vpdq', 'sample-hashes', `${name}.txt`));
    const ours = await hashes(name, 0);
    expect(ours).toHaveLength(upstream.length);
    ours.forEach((line, i) => {
      const theirs = upstream[i]!;
      expect(line.frame).toBe(theirs.frame);
      if (line.quality >= 50 && theirs.quality >= 50) {
        expect(pdqDistance(pdqFromHex(line.hex), pdqFromHex(theirs.hex))).toBeLessThan(31);
      }
    });
  }, 120_000);

  it('keeps the reference pairwise verdicts: the four sample videos do not match each other', async () => {
    const bags = new Map<string, Uint8Array[]>();
    for (const name of VIDEOS) {
      const lines = await hashes(name, 1);
      bags.set(
        name,
        distinctHashes(
          lines.map((l) => ({ hash: pdqFromHex(l.hex), quality: l.quality, seconds: l.seconds })),
          50,
        ),
      );
    }
    for (const a of VIDEOS) {
      for (const b of VIDEOS) {
        const result = compareVideos(bags.get(a)!, bags.get(b)!, 31);
        expect(result.queryShare >= 0.8, `${a} vs ${b}`).toBe(a === b);
      }
    }
  }, 120_000);
});
