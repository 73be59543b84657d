import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steadyFlags } from '#haven/signals/vpdq/vpdq-match.js';
import { analyseVideoFile } from '#haven/video/video-analyser.js';
import { jsonLines, runCli } from './support/cli.js';
import { freshDataDir } from './support/haven-fixture.js';
import { checkerboardJpeg } from './support/images.js';
import { cutClip, longVideo } from './support/videos.js';

interface Match {
  sha256: string;
  signal: string;
  similarity?: number;
  offsets?: number[];
}
interface FileLine {
  path: string;
  sha256: string;
  status: string;
  matches: Match[];
}

const SAMPLING = { scanPerSecond: 5, collapseDistance: 12, sceneDistance: 80, hashSide: 640 };
const SCENE_SECONDS = 5;
/** The fourth of five scenes pans a checkerboard: frames PDQ cannot follow (see steadyFlags). */
const CHECKER = { from: 15, to: 20 };

// A 25 s film of 5 panned scenes; the material is shared by the tests of this file.
let work: string;
let film: string;
beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'haven-offsets-'));
  film = await longVideo(work, {
    scenes: 5,
    secondsPerScene: SCENE_SECONDS,
    seed: 2,
    pictures: [undefined, undefined, undefined, await checkerboardJpeg(1280, 720, 32)],
  });
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('clips cut at any offset of a longer video', () => {
  it('tells the panned checkerboard frames (unsteady) from the frames of the other scenes', async () => {
    const frames = (await analyseVideoFile(film, SAMPLING)).frames;
    const steady = steadyFlags(frames, 31);
    const share = (inChecker: boolean): number => {
      const picked = frames.flatMap((frame, i) =>
        (frame.seconds >= CHECKER.from && frame.seconds < CHECKER.to) === inChecker ? [steady[i]!] : [],
      );
      return picked.filter(Boolean).length / picked.length;
    };
    expect(share(true)).toBeLessThanOrEqual(0.1);
    expect(share(false)).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('matches clips re-encoded and rescaled from several offsets, one inside the last scene, and not an unrelated video', async () => {
    const data = freshDataDir();
    const held = path.join(work, 'held');
    const probe = path.join(work, 'probe');
    mkdirSync(held);
    mkdirSync(probe);
    copyFileSync(film, path.join(held, 'film.mp4'));
    const cuts = [
      { name: 'early-1.37s-crf32.mp4', start: 1.37, seconds: 6, crf: 32 },
      { name: 'middle-8.63s-letterboxed.mp4', start: 8.63, seconds: 5, letterbox: true },
      // Half checkerboard, half the last scene: only the steady half can be found again.
      { name: 'across-16.7s-480x270.mp4', start: 16.7, seconds: 6, scale: '480:270' },
      { name: 'last-scene-20.9s-320x180-crf30.mp4', start: 20.9, seconds: 3.6, scale: '320:180', crf: 30 },
    ];
    for (const cut of cuts) {
      cutClip(film, path.join(probe, cut.name), cut);
    }
    const otherDir = path.join(work, 'other');
    mkdirSync(otherDir);
    const other = await longVideo(otherDir, { scenes: 2, seed: 9 });
    cutClip(other, path.join(probe, 'unrelated.mp4'), { start: 0.5, seconds: 6 });

    const ingested = await runCli(['ingest', held, '--case', 'HELD', '--data', data, '--json']);
    expect(ingested.code, ingested.stderr).toBe(0);
    const filmSha = byName(ingested.stdout).get('film.mp4')!.sha256;
    const looked = await runCli(['match', probe, '--data', data, '--json']);
    expect(looked.code, looked.stderr).toBe(0);
    const lines = byName(looked.stdout);
    for (const cut of cuts) {
      const line = lines.get(cut.name)!;
      expect(line.status, cut.name).toBe('near');
      const match = line.matches.find((m) => m.sha256 === filmSha)!;
      expect(match, cut.name).toMatchObject({ signal: 'vpdq' });
      expect(match.similarity!, cut.name).toBeGreaterThanOrEqual(0.8);
      for (const t of match.offsets!) {
        expect(t, cut.name).toBeGreaterThanOrEqual(cut.start - 1);
        expect(t, cut.name).toBeLessThanOrEqual(cut.start + cut.seconds + 1);
      }
    }
    expect(lines.get('unrelated.mp4')).toMatchObject({ status: 'new', matches: [] });
  }, 180_000);
});

function byName(stdout: string): Map<string, FileLine> {
  const lines = jsonLines(stdout).filter((line) => !('summary' in line)) as unknown as FileLine[];
  return new Map(lines.map((line) => [path.basename(line.path), line]));
}
