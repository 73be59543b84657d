import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, errorCode, expectStatus } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { ingestAnalysed } from './support/api-upload.js';
import { pictureJpeg } from './support/images.js';
import { cutClip, dub, filmWithSong, longVideo } from './support/videos.js';
import { agencyWithMember } from './support/workspace.js';

const server = apiServerForFile();

interface ResultItem {
  path: string;
  mediaId: string | null;
  status: string;
  kind: string | null;
  matches: Record<string, unknown>[];
}

let dir: string;
let film: Buffer;
let dubbed: Buffer;
let clip: Buffer;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'haven-api-video-'));
  const made = await filmWithSong(dir, { song: 1, film: 7, other: 8 });
  film = readFileSync(made.film);
  dubbed = readFileSync(made.dubbed);
  clip = readFileSync(cutClip(made.film, path.join(dir, 'clip.mp4'), { start: 6.4, seconds: 7 }));
}, 180_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cookie = (client: ApiClient): Record<string, string> => ({
  cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
});

/** The results of a new ingest of `files`, read once every video in it is analysed. */
async function ingest(
  client: ApiClient,
  files: { name: string; bytes: Uint8Array }[],
): Promise<ResultItem[]> {
  const { ingestId } = await ingestAnalysed(client, files);
  return (await client.get<{ items: ResultItem[] }>(`/ingests/${ingestId}/results`)).body.items;
}

describe('videos over the API', () => {
  it('serves the probe, frames, contact sheet, frames on demand, shared sound and ranged playback, audited', async () => {
    const { haven, url } = server();
    const { client: user } = await agencyWithMember(haven, url, 'NL');
    const items = await ingest(user, [
      { name: 'film.mp4', bytes: film },
      { name: 'dubbed.mp4', bytes: dubbed },
      { name: 'photo.jpg', bytes: await pictureJpeg(31, 640, 480) },
    ]);
    const filmId = items.find((i) => i.path.endsWith('film.mp4'))!.mediaId!;
    const dubbedId = items.find((i) => i.path.endsWith('dubbed.mp4'))!.mediaId!;
    const photoId = items.find((i) => i.path.endsWith('photo.jpg'))!.mediaId!;

    const video = expectStatus(await user.get(`/media/${filmId}/video`), 200).body;
    expect(video).toMatchObject({
      videoCodec: 'h264',
      audioCodec: 'aac',
      hasAudio: true,
      width: 640,
      height: 360,
      fps: 25,
      hasContactSheet: true,
      hasAudioFingerprint: true,
      audioMutedByDefault: true,
    });
    expect(video.durationSeconds as number).toBeCloseTo(20, 0);
    const media = expectStatus(await user.get(`/media/${filmId}`), 200).body;
    expect(media).toMatchObject({ kind: 'video', analysisState: 'done', width: 640, height: 360 });
    expect((media.hashes as { signal: string }[]).some((h) => h.signal === 'vpdq')).toBe(true);

    const frames = expectStatus(
      await user.get<{
        frames: { position: number; seconds: number; sceneChange: boolean; picture: boolean }[];
      }>(`/media/${filmId}/frames`),
      200,
    ).body.frames;
    // Four scenes: four scene changes, each with a stored picture, in time order.
    const scenes = frames.filter((f) => f.sceneChange);
    expect(scenes.map((f) => Math.round(f.seconds / 5))).toEqual([0, 1, 2, 3]);
    expect(scenes.every((f) => f.picture)).toBe(true);
    expect(frames.map((f) => f.seconds)).toEqual([...frames.map((f) => f.seconds)].sort((a, b) => a - b));

    const isGrey = async (response: Response): Promise<boolean> => {
      const stats = await sharp(Buffer.from(await response.arrayBuffer())).stats();
      const [r, g, b] = stats.channels;
      return Math.abs(r!.mean - g!.mean) + Math.abs(g!.mean - b!.mean) < 2;
    };
    const get = (p: string): Promise<Response> => fetch(`${url}/api/v1${p}`, { headers: cookie(user) });

    const sheet = await get(`/media/${filmId}/preview`);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toBe('image/webp');
    expect(await isGrey(sheet)).toBe(true);
    const clearSheet = await get(`/media/${filmId}/preview?variant=clear`);
    const sheetMeta = await sharp(Buffer.from(await clearSheet.arrayBuffer())).metadata();
    expect(sheetMeta.width).toBeGreaterThan(900);
    expect(await isGrey(await get(`/media/${filmId}/frames/${scenes[1]!.position}/picture`))).toBe(true);
    expect(
      await isGrey(await get(`/media/${filmId}/frames/${scenes[1]!.position}/picture?variant=clear`)),
    ).toBe(false);
    const atBlurred = await get(`/media/${filmId}/frame?t=12.5`);
    expect(atBlurred.status).toBe(200);
    expect(await isGrey(atBlurred)).toBe(true);
    const atClear = await get(`/media/${filmId}/frame?t=12.5&variant=clear`);
    const atMeta = await sharp(Buffer.from(await atClear.arrayBuffer())).metadata();
    expect([atMeta.width, atMeta.height]).toEqual([640, 360]);

    const range = await fetch(`${url}/api/v1/media/${filmId}/original`, {
      headers: { ...cookie(user), range: 'bytes=0-1023' },
    });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-type')).toBe('video/mp4');
    expect(range.headers.get('content-range')).toBe(`bytes 0-1023/${film.length}`);
    expect(Buffer.from(await range.arrayBuffer()).equals(film.subarray(0, 1024))).toBe(true);

    const audio = expectStatus(
      await user.get<{ matches: { mediaId: string; start: number; otherStart: number; seconds: number }[] }>(
        `/media/${filmId}/audio-matches`,
      ),
      200,
    ).body.matches;
    expect(audio).toHaveLength(1);
    expect(audio[0]!.mediaId).toBe(dubbedId);
    expect(audio[0]!.start).toBeGreaterThan(3.5);
    expect(audio[0]!.start).toBeLessThan(6.5);
    expect(audio[0]!.otherStart).toBeGreaterThan(1.8);
    expect(audio[0]!.otherStart).toBeLessThan(4.8);
    expect(audio[0]!.seconds).toBeGreaterThan(6);

    // Hostile or wrong requests: clear errors, nothing served.
    for (const [p, status] of [
      [`/media/${filmId}/frame?t=-1`, 400],
      [`/media/${filmId}/frame?t=abc`, 400],
      [`/media/${filmId}/frame?t=9999`, 400],
      [`/media/${filmId}/frame?t=1&variant=raw`, 400],
      [`/media/${filmId}/frames/abc/picture`, 400],
      [`/media/${filmId}/frames/99999/picture`, 404],
      [`/media/${photoId}/video`, 404],
      [`/media/${photoId}/frame?t=1`, 404],
      [`/media/00000000-0000-4000-8000-000000000000/frames`, 404],
    ] as const) {
      const response = await user.get(p);
      expect(response.status, p).toBe(status);
      expect(errorCode(response), p).toMatch(/^[A-Z_]+$/);
    }
    // Another agency sees none of it.
    const { client: foreign } = await agencyWithMember(haven, url, 'DE');
    for (const p of [
      `/media/${filmId}/video`,
      `/media/${filmId}/frames`,
      `/media/${filmId}/frame?t=1`,
      `/media/${filmId}/audio-matches`,
    ]) {
      expect((await foreign.get(p)).status, p).toBe(404);
    }

    const audit = await haven.db.query<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM audit_log WHERE object_id = $1 AND action LIKE 'media.preview%' ORDER BY seq`,
      [filmId],
    );
    expect(audit.map((row) => row.action)).toEqual([
      'media.preview',
      'media.preview.clear',
      'media.preview',
      'media.preview.clear',
      'media.preview',
      'media.preview.clear',
    ]);
    expect(audit[4]!.details).toMatchObject({ t: 12.5 });
  }, 300_000);

  it('lists a held video sharing a stretch of sound in the ingest results, with where it starts in each', async () => {
    // New pictures (not held yet) with 9 s of the film's song starting 3.3 s in. Made before any
    // request: a pause of about the server's keep-alive time between two requests can meet
    // the server closing the idle connection (ECONNRESET).
    const radio = readFileSync(
      dub(
        await longVideo(dir, { scenes: 3, secondsPerScene: 4, seed: 9 }),
        path.join(dir, 'melody.wav'),
        path.join(dir, 'radio.mp4'),
        { from: 5, seconds: 9, delay: 3.3 },
      ),
    );
    const { haven, url } = server();
    const { client: user } = await agencyWithMember(haven, url, 'BE');
    const held = await ingest(user, [{ name: 'film.mp4', bytes: film }]);
    const [item] = await ingest(user, [{ name: 'radio.mp4', bytes: radio }]);
    // Different pictures, the same song: linked by sound only, listed as such.
    expect(item).toMatchObject({ status: 'near', kind: 'video' });
    const sound = item!.matches.filter(
      (m) => m.signal === 'chromaprint' && m.mediaId === held[0]!.mediaId,
    ) as {
      mediaId: string;
      similarity: number;
      offsets: number[];
      probeOffsets: number[];
    }[];
    expect(sound, JSON.stringify(item!.matches)).toHaveLength(1);
    expect(sound[0]).toMatchObject({ restricted: false });
    expect(sound[0]!.offsets[0]).toBeGreaterThanOrEqual(4);
    expect(sound[0]!.offsets[0]).toBeLessThanOrEqual(7);
    expect(sound[0]!.probeOffsets[0]).toBeGreaterThanOrEqual(2.5);
    expect(sound[0]!.probeOffsets[0]).toBeLessThanOrEqual(5);
    expect(item!.matches.filter((m) => m.signal === 'vpdq')).toEqual([]);
  }, 300_000);

  it('reports a clip of a held video as near in the ingest results, with similarity and time codes', async () => {
    const { haven, url } = server();
    const { client: user } = await agencyWithMember(haven, url, 'NL');
    const held = await ingest(user, [{ name: 'film.mp4', bytes: film }]);
    const items = await ingest(user, [{ name: 'clip.mp4', bytes: clip }]);
    expect(items[0]).toMatchObject({ status: 'near', kind: 'video' });
    const match = items[0]!.matches[0] as {
      mediaId: string;
      signal: string;
      similarity: number;
      offsets: number[];
    };
    expect(match).toMatchObject({ restricted: false, mediaId: held[0]!.mediaId, signal: 'vpdq' });
    expect(match.similarity).toBeGreaterThanOrEqual(0.8);
    expect(Math.min(...match.offsets)).toBeGreaterThanOrEqual(5.4);
    expect(Math.max(...match.offsets)).toBeLessThanOrEqual(14.4);
  }, 300_000);
});
