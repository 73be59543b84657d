import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency } from '#haven/accounts/agency.types.js';
import { type ApiClient, errorCode, expectStatus } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { ingestAnalysed } from './support/api-upload.js';
import { cutClip, ffmpeg, filmWithSong } from './support/videos.js';
import { agencyWithMember, type Member } from './support/workspace.js';

/**
 * A held medium's own matches (GET /media/:id/matches): a film, a clip cut from it, a still taken
 * from it and another picture carrying the film's song, held by one agency; another cut of the film
 * held by a foreign agency. Video-to-video, video-to-image, image-to-video and shared sound, with
 * time codes, under the sharing rule.
 */
const server = apiServerForFile();

interface Match {
  restricted: boolean;
  mediaId?: string;
  sha256?: string;
  cases?: string[];
  signal: string;
  kind: string;
  distance: number;
  similarity?: number;
  heldSimilarity?: number;
  offsets?: number[];
  probeOffsets?: number[];
  segmentSeconds?: number;
  holders?: { agency: string; country: string }[];
  here: number[];
}
interface Matches {
  mediaId: string;
  kind: string;
  matches: Match[];
}

/** The still is taken at this time code of the film; the clip starts at CLIP_START. */
const STILL_AT = 12.5;
const CLIP_START = 6.4;
const CLIP_SECONDS = 7;
const FOREIGN_START = 1;
const FOREIGN_SECONDS = 6;
/** Frames are sampled and collapsed, sound in short items: a time code may sit a little off the cut. */
const SLACK = 1.5;

let dir: string;
let files: Record<'film' | 'clip' | 'still' | 'dubbed' | 'foreignClip', Buffer>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'haven-medium-matches-'));
  const { film: filmPath, dubbed } = await filmWithSong(dir, { song: 3, film: 17, other: 18 });
  ffmpeg([
    '-ss',
    String(STILL_AT),
    '-i',
    filmPath,
    '-frames:v',
    '1',
    '-q:v',
    '2',
    path.join(dir, 'still.jpg'),
  ]);
  files = {
    film: readFileSync(filmPath),
    clip: readFileSync(
      cutClip(filmPath, path.join(dir, 'clip.mp4'), { start: CLIP_START, seconds: CLIP_SECONDS }),
    ),
    still: readFileSync(path.join(dir, 'still.jpg')),
    dubbed: readFileSync(dubbed),
    foreignClip: readFileSync(
      cutClip(filmPath, path.join(dir, 'foreign.mp4'), {
        start: FOREIGN_START,
        seconds: FOREIGN_SECONDS,
        scale: '480:270',
      }),
    ),
  };
}, 180_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An investigator in a new agency of `country`. */
function member(country: string): Promise<Member> {
  const { haven, url } = server();
  return agencyWithMember(haven, url, country);
}

/** Ingests files into a new case and waits until every video is analysed; media ids by file name. */
async function holdInCase(
  client: ApiClient,
  named: Partial<Record<keyof typeof files, Buffer>>,
): Promise<{ caseId: string; ids: Map<string, string> }> {
  const upload = Object.entries(named).map(([name, bytes]) => ({ name, bytes }));
  const { caseId, ingestId } = await ingestAnalysed(client, upload, 180_000);
  const items = (
    await client.get<{ items: { path: string; mediaId: string; kind: string }[] }>(
      `/ingests/${ingestId}/results`,
    )
  ).body.items;
  const ids = new Map(items.map((item) => [path.basename(item.path), item.mediaId]));
  expect(ids.size).toBe(upload.length);
  for (const item of items.filter((i) => i.kind === 'video')) {
    expect((await client.get(`/media/${item.mediaId}`)).body.analysisState).toBe('done');
  }
  return { caseId, ids };
}

const matchesOf = async (client: ApiClient, id: string): Promise<Matches> =>
  expectStatus(await client.get<Matches>(`/media/${id}/matches`), 200).body;

const within = (values: readonly number[], from: number, to: number): void => {
  expect(values.length).toBeGreaterThan(0);
  for (const value of values) {
    expect(value).toBeGreaterThanOrEqual(from - SLACK);
    expect(value).toBeLessThanOrEqual(to + SLACK);
  }
};

function only(list: Match[], predicate: (match: Match) => boolean): Match {
  const found = list.filter(predicate);
  expect(found, JSON.stringify(list)).toHaveLength(1);
  return found[0]!;
}

function expectRestricted(match: Match, holder: Agency): void {
  expect(match).toMatchObject({
    restricted: true,
    holders: [{ agency: holder.name, country: holder.country }],
  });
  for (const key of ['mediaId', 'sha256', 'cases', 'offsets', 'probeOffsets']) {
    expect(match).not.toHaveProperty(key);
  }
}

describe("a held medium's matches", () => {
  it('lists video-to-video, video-to-image, image-to-video and shared-sound matches with time codes, within sharing', async () => {
    const nl = await member('NL');
    const de = await member('DE');
    const own = await holdInCase(nl.client, {
      film: files.film,
      clip: files.clip,
      still: files.still,
      dubbed: files.dubbed,
    });
    const foreign = await holdInCase(de.client, { foreignClip: files.foreignClip });
    const id = (name: string): string => own.ids.get(name)!;
    const foreignClipId = foreign.ids.get('foreignClip')!;

    // The film's page: the clip (both ways), the still (in the film's time codes), the song, and the
    // foreign cut as a restricted match that still says where in the film it lies.
    const film = await matchesOf(nl.client, id('film'));
    expect(film).toMatchObject({ mediaId: id('film'), kind: 'video' });
    expect(film.matches.some((m) => !m.restricted && m.mediaId === id('film'))).toBe(false);
    const clip = only(film.matches, (m) => m.mediaId === id('clip') && m.signal === 'vpdq');
    expect(clip).toMatchObject({ restricted: false, kind: 'video' });
    expect(clip.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(clip.heldSimilarity).toBeGreaterThanOrEqual(0.8);
    expect(clip.similarity).toBeLessThan(0.7);
    within(clip.offsets!, 0, CLIP_SECONDS);
    within(clip.probeOffsets!, CLIP_START, CLIP_START + CLIP_SECONDS);
    expect(clip.here).toEqual(clip.probeOffsets);
    const still = only(film.matches, (m) => m.mediaId === id('still'));
    expect(still).toMatchObject({ restricted: false, kind: 'image', signal: 'pdq' });
    within(still.offsets!, STILL_AT, STILL_AT);
    expect(still.here).toEqual(still.offsets);
    const song = only(film.matches, (m) => m.mediaId === id('dubbed'));
    expect(song).toMatchObject({ restricted: false, kind: 'video', signal: 'chromaprint' });
    // The song's stretch starts 5 s into the film and 3.3 s into the other: its ends blur by a second
    // or two (fingerprint items overlap), the alignment between the two does not.
    within(song.here, 4, 5);
    within(song.offsets!, 2.3, 3.3);
    expect(Math.abs(song.here[0]! - song.offsets![0]! - (5 - 3.3))).toBeLessThanOrEqual(0.3);
    expect(song.segmentSeconds).toBeGreaterThan(6);
    const foreignCut = only(film.matches, (m) => m.restricted && m.signal === 'vpdq');
    expectRestricted(foreignCut, de.agency);
    within(foreignCut.here, FOREIGN_START, FOREIGN_START + FOREIGN_SECONDS);
    expect(JSON.stringify(film)).not.toContain(foreignClipId);

    // The clip's page: the film (most of the clip's frames), and the still inside the clip.
    const fromClip = await matchesOf(nl.client, id('clip'));
    const inFilm = only(fromClip.matches, (m) => m.mediaId === id('film') && m.signal === 'vpdq');
    expect(inFilm.similarity).toBeGreaterThanOrEqual(0.8);
    within(inFilm.offsets!, CLIP_START, CLIP_START + CLIP_SECONDS);
    within(inFilm.here, 0, CLIP_SECONDS);
    const stillInClip = only(fromClip.matches, (m) => m.mediaId === id('still'));
    within(stillInClip.here, STILL_AT - CLIP_START, STILL_AT - CLIP_START);

    // The still's page: the videos that show it and where; an image has no time codes of its own.
    const fromStill = await matchesOf(nl.client, id('still'));
    expect(fromStill.kind).toBe('image');
    const stillFilm = only(fromStill.matches, (m) => m.mediaId === id('film'));
    expect(stillFilm).toMatchObject({ restricted: false, kind: 'video', signal: 'vpdq', here: [] });
    within(stillFilm.offsets!, STILL_AT, STILL_AT);
    const stillClip = only(fromStill.matches, (m) => m.mediaId === id('clip'));
    within(stillClip.offsets!, STILL_AT - CLIP_START, STILL_AT - CLIP_START);
    // The foreign cut (1 s to 7 s) does not contain the still.
    expect(fromStill.matches.filter((m) => m.restricted)).toEqual([]);

    // The other agency: not the film's page; on its own cut, the film is held elsewhere, nothing more.
    expect(errorCode(await de.client.get(`/media/${id('film')}/matches`))).toBe('NOT_FOUND');
    const fromForeign = await matchesOf(de.client, foreignClipId);
    const hidden = fromForeign.matches.filter((m) => m.signal === 'vpdq');
    expect(hidden.length).toBe(1);
    for (const match of hidden) {
      expectRestricted(match, nl.agency);
    }
    const text = JSON.stringify(fromForeign);
    for (const name of ['film', 'clip', 'still', 'dubbed']) {
      expect(text).not.toContain(id(name));
    }
    expect(text).not.toContain(own.caseId);

    // Once the case is shared with them, they see the film in full.
    expectStatus(
      await nl.client.put(`/cases/${own.caseId}/sharing`, { sharing: 'selected', agencies: [de.agency.id] }),
      200,
    );
    const shared = await matchesOf(de.client, foreignClipId);
    const sharedFilm = only(shared.matches, (m) => m.mediaId === id('film') && m.signal === 'vpdq');
    expect(sharedFilm.restricted).toBe(false);
    expect(sharedFilm.similarity).toBeGreaterThanOrEqual(0.8);
    within(sharedFilm.offsets!, FOREIGN_START, FOREIGN_START + FOREIGN_SECONDS);
    within(sharedFilm.here, 0, FOREIGN_SECONDS);

    // Each view is audited.
    const { haven } = server();
    const audited = await haven.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE object_id = $1 AND action = 'media.read' AND details->>'view' = 'matches'`,
      [id('film')],
    );
    expect(audited[0]!.n).toBe(1);
  }, 600_000);

  it('refuses hostile ids with a clear error', async () => {
    const { client } = await member('FR');
    for (const [id, code] of [
      ['not-a-uuid', 'VALIDATION_FAILED'],
      ['00000000-0000-4000-8000-000000000000', 'NOT_FOUND'],
      ["1' OR '1'='1", 'VALIDATION_FAILED'],
    ] as const) {
      const response = await client.get(`/media/${encodeURIComponent(id)}/matches`);
      expect(errorCode(response), id).toBe(code);
    }
  });
});
