import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { tempDir } from './support/temp-dir.js';
import { cutClip, ffmpeg, longVideo, stillVideo } from './support/videos.js';

interface Match {
  mediaId: string;
  sha256: string;
  distance: number;
  signal: string;
  similarity?: number;
  heldSimilarity?: number;
  offsets?: number[];
}
interface FileLine {
  path: string;
  sha256: string;
  status: string;
  kind: string;
  matches: Match[];
  error?: string;
  errorCode?: string;
}

function files(stdout: string): Map<string, FileLine> {
  const lines = jsonLines(stdout).filter((line) => !('summary' in line)) as unknown as FileLine[];
  return new Map(lines.map((line) => [path.basename(line.path), line]));
}

// Generated once for the file: a 20 s film of 4 panned scenes, its clips and a still-photo video.
let work: string;
let long: string;
let photo: string;
beforeAll(async () => {
  work = path.join(tempDirOnce(), 'material');
  mkdirSync(work);
  long = await longVideo(work, { scenes: 4, secondsPerScene: 5 });
  photo = path.join(work, 'photo.jpg');
  writeFileSync(photo, await pictureJpeg(4242, 800, 600));
}, 120_000);

let shared: string;
function tempDirOnce(): string {
  // tempDir() is removed after each test; the material is shared by the tests of this file.
  shared = mkdtempSync(path.join(os.tmpdir(), 'haven-video-'));
  return shared;
}
afterAll(() => {
  rmSync(shared, { recursive: true, force: true });
});

describe('haven ingest with videos', () => {
  it('reports clips cut at any offset, re-encoded, rescaled, a frame grab and a still-photo video as near, with time codes', async () => {
    const data = freshDataDir();
    const held = tempDir('haven-held-');
    ffmpeg(['-i', long, '-c', 'copy', path.join(held, 'film.mp4')]);
    writeFileSync(path.join(held, 'photo.jpg'), await pictureJpeg(4242, 800, 600));
    const first = await runCli(['ingest', held, '--case', 'HELD', '--data', data, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const heldLines = files(first.stdout);
    expect(heldLines.get('film.mp4')).toMatchObject({ status: 'new', kind: 'video' });
    const heldSummary = jsonLines(first.stdout).find((line) => 'summary' in line)!.summary;
    expect(heldSummary).toMatchObject({
      files: 2,
      new: 2,
      newImages: 1,
      newVideos: 1,
      byKind: { image: 1, video: 1 },
    });
    const filmId = heldLines.get('film.mp4')!.sha256;
    const photoSha = heldLines.get('photo.jpg')!.sha256;

    const probe = tempDir('haven-probe-');
    const cuts = [
      { name: 'cut-1.3s.mp4', start: 1.3, seconds: 6 },
      { name: 'cut-7.5s-crf32.mp4', start: 7.5, seconds: 6, crf: 32 },
      { name: 'cut-11.1s-320x180.mp4', start: 11.1, seconds: 6, scale: '320:180' },
      { name: 'cut-15.55s-960x540.mp4', start: 15.55, seconds: 4, scale: '960:540' },
      { name: 'cut-3.2s-letterboxed.mp4', start: 3.2, seconds: 6, letterbox: true },
    ];
    for (const cut of cuts) {
      cutClip(long, path.join(probe, cut.name), cut);
    }
    stillVideo(photo, path.join(probe, 'still-photo.mp4'));
    // A frame grab of the film at 12.3 s, as a photo.
    ffmpeg(['-ss', '12.3', '-i', long, '-frames:v', '1', path.join(probe, 'grab.png')]);
    // `haven match` stores nothing and reports the same.
    const looked = await runCli(['match', probe, '--data', data, '--json']);
    expect(looked.code, looked.stderr).toBe(0);
    const lookedLines = files(looked.stdout);
    for (const cut of cuts) {
      const line = lookedLines.get(cut.name)!;
      expect(line.status, `match ${cut.name}`).toBe('near');
      expect(line.matches[0]).toMatchObject({ sha256: filmId, signal: 'vpdq' });
    }
    expect(lookedLines.get('still-photo.mp4')!.matches[0]).toMatchObject({ sha256: photoSha, signal: 'pdq' });

    const second = await runCli(['ingest', probe, '--case', 'PROBE', '--data', data, '--json']);
    expect(second.code, second.stderr).toBe(0);
    const lines = files(second.stdout);
    for (const cut of cuts) {
      const line = lines.get(cut.name)!;
      expect(line.status, cut.name).toBe('near');
      const match = line.matches.find((m) => m.sha256 === filmId)!;
      expect(match, cut.name).toBeDefined();
      expect(match.signal).toBe('vpdq');
      expect(match.similarity!, cut.name).toBeGreaterThanOrEqual(0.8);
      expect(match.heldSimilarity!).toBeLessThan(match.similarity!);
      // Time codes point into the cut's stretch of the film.
      for (const t of match.offsets!) {
        expect(t, cut.name).toBeGreaterThanOrEqual(cut.start - 1);
        expect(t, cut.name).toBeLessThanOrEqual(cut.start + cut.seconds + 1);
      }
    }
    const still = lines.get('still-photo.mp4')!;
    expect(still.status).toBe('near');
    const photoMatch = still.matches.find((m) => m.sha256 === photoSha)!;
    expect(photoMatch).toMatchObject({ signal: 'pdq' });
    expect(photoMatch.offsets!.length).toBeGreaterThan(0);
    expect(photoMatch.offsets![0]).toBeLessThan(1);

    const grab = lines.get('grab.png')!;
    expect(grab.status).toBe('near');
    const inFilm = grab.matches.find((m) => m.sha256 === filmId)!;
    expect(inFilm).toMatchObject({ signal: 'vpdq', similarity: 1 });
    expect(inFilm.offsets!.some((t) => Math.abs(t - 12.3) <= 1)).toBe(true);
  }, 300_000);

  it('marks corrupt and truncated videos as errors with the reason, and keeps them', async () => {
    const data = freshDataDir();
    const dir = tempDir('haven-bad-');
    const good = cutClip(long, path.join(dir, 'source.mp4'), { start: 0, seconds: 3 });
    const bytes = readFileSync(good);
    writeFileSync(path.join(dir, 'truncated.mp4'), bytes.subarray(0, Math.floor(bytes.length / 3)));
    const garbled = Buffer.from(bytes);
    garbled.fill(0x5a, 64, garbled.length);
    writeFileSync(path.join(dir, 'garbled.mp4'), garbled);
    // Index first (as phones and web players write them): cut off, it still opens but ends early.
    ffmpeg(['-i', good, '-c', 'copy', '-movflags', '+faststart', path.join(dir, 'indexed-first.mp4')]);
    const indexed = readFileSync(path.join(dir, 'indexed-first.mp4'));
    writeFileSync(
      path.join(dir, 'truncated-indexed-first.mp4'),
      indexed.subarray(0, Math.floor(indexed.length / 2)),
    );
    // A name the tools must not read as an option, a protocol or shell syntax.
    const run = await runCli(['ingest', dir, '--case', 'BAD', '--data', data, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const lines = files(run.stdout);
    for (const name of ['truncated.mp4', 'garbled.mp4', 'truncated-indexed-first.mp4']) {
      const line = lines.get(name)!;
      expect(line.status, name).toBe('error');
      expect(line.errorCode).toBe('VIDEO_UNREADABLE');
      expect(line.error).toMatch(/^Cannot read video: .+/);
      expect(line.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(lines.get('truncated-indexed-first.mp4')!.error).toMatch(/truncated: frames end at/);
    expect(lines.get('source.mp4')!.status).toBe('new');
    expect(lines.get('indexed-first.mp4')!.status).toBe('new');
    // `haven match` hands the file itself to ffprobe, ffmpeg and fpcalc: a name they must not read
    // as an option, a protocol or shell syntax (the content is a remux: analysed, not an exact copy).
    const hostileName = "-y concat:x|$(touch pwned) 'q'.mp4";
    ffmpeg(['-i', good, '-c', 'copy', '-f', 'mov', path.join(dir, hostileName)]);
    writeFileSync(path.join(dir, 'garbled-other.mp4'), Buffer.from(garbled).fill(0x5b, 64));
    const looked = await runCli(['match', dir, '--data', data, '--json']);
    expect(looked.code, looked.stderr).toBe(0);
    const lookedLines = files(looked.stdout);
    expect(lookedLines.get(hostileName)).toMatchObject({ status: 'near', kind: 'video' });
    expect(lookedLines.get('garbled.mp4')!.status).toBe('exact');
    expect(lookedLines.get('garbled-other.mp4')).toMatchObject({
      status: 'error',
      errorCode: 'VIDEO_UNREADABLE',
    });
    expect(readdirSync(dir)).not.toContain('pwned');
    expect(readdirSync(process.cwd())).not.toContain('pwned');
  }, 300_000);
});
