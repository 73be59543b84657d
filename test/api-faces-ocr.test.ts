import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type ApiClient, errorCode, expectStatus, seedUser, signedInClient } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import { sharedPath } from './support/shared-data.js';
import { textPicture } from './support/text-images.js';
import { ffmpeg } from './support/videos.js';
import { agencyWithMember, createSeries, member, uploadCase } from './support/workspace.js';

const server = apiServerForFile();

const face = (name: string): Buffer => readFileSync(sharedPath('testdata', 'face', name));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    expect(Date.now(), `still waiting for ${what}`).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** POSTs a photo as multipart to the face search. */
async function searchFaces(
  client: ApiClient,
  bytes: Uint8Array,
  query = '',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'photo.jpg');
  const headers: Record<string, string> = {
    cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
  };
  if (client.csrfToken) {
    headers['x-csrf-token'] = client.csrfToken;
  }
  const response = await fetch(`${client.baseUrl}/api/v1/faces/search${query}`, {
    method: 'POST',
    headers,
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function picture(client: ApiClient, path: string): Promise<{ status: number; grey: boolean }> {
  const response = await fetch(`${client.baseUrl}/api/v1${path}`, {
    headers: { cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
  });
  if (response.status !== 200) {
    return { status: response.status, grey: false };
  }
  expect(response.headers.get('content-type')).toBe('image/webp');
  const [r, g, b] = (await sharp(Buffer.from(await response.arrayBuffer())).stats()).channels;
  return { status: 200, grey: Math.abs(r!.mean - g!.mean) + Math.abs(g!.mean - b!.mean) < 2 };
}

interface Match {
  restricted: boolean;
  mediaId?: string;
  sha256?: string;
  score: number;
  ask?: { name: string }[];
}
interface Suggestion {
  id: number;
  score: number;
  state: string;
  decidedBy: string | null;
  decidedAt: string | null;
  other: { restricted: boolean; seriesId?: string; mediaId?: string; ask?: { name: string }[] };
}

describe('faces over the API', () => {
  it('opt-in per agency, search with sharing, series people, suggestions decided by a human, blurred crops', async () => {
    const { haven, url } = server();
    const own = await agencyWithMember(haven, url, 'NL');
    const foreign = await agencyWithMember(haven, url, 'FR');
    const ownAdmin = await member(haven, url, own.agency, 'agency_admin');
    const foreignAdmin = await member(haven, url, foreign.agency, 'agency_admin');

    const ownCase = await uploadCase(own.client, [
      { name: 'paul.jpg', bytes: face('paul_rudd_1.jpg') },
      { name: 'grace.jpg', bytes: face('grace_hopper_512x512.jpg') },
      { name: 'room.jpg', bytes: await pictureJpeg(3, 320, 240) },
    ]);
    const foreignCase = await uploadCase(foreign.client, [
      { name: 'paul.jpg', bytes: face('paul_rudd_2.jpg') },
      { name: 'chris.jpg', bytes: face('chris_pratt.jpg') },
    ]);
    const ownSeries = await createSeries(own.client, [
      ownCase.media.get('paul.jpg')!,
      ownCase.media.get('grace.jpg')!,
    ]);
    const foreignSeries = await createSeries(foreign.client, [...foreignCase.media.values()]);

    // Off by default: no search, and nothing computed.
    expect(expectStatus(await own.client.get('/faces/settings'), 200).body).toMatchObject({ enabled: false });
    const refused = await searchFaces(own.client, face('paul_rudd_2.jpg'));
    expect(refused.status).toBe(403);
    expect((refused.body.error as { code: string }).code).toBe('FACES_DISABLED');
    expect(expectStatus(await own.client.get(`/series/${ownSeries.id}/faces`), 200).body.faces).toEqual([]);
    // Only an administrator turns it on.
    expect(errorCode(await own.client.put('/faces/settings', { enabled: true }))).toBe('FORBIDDEN');
    expect(errorCode(await ownAdmin.client.put('/faces/settings', { enabled: 'yes' }))).toBe(
      'VALIDATION_FAILED',
    );

    const turnedOn = expectStatus(await ownAdmin.client.put('/faces/settings', { enabled: true }), 200).body;
    expect(turnedOn.enabled).toBe(true);
    expect(typeof turnedOn.updatedBy).toBe('string');
    expectStatus(await foreignAdmin.client.put('/faces/settings', { enabled: true }), 200);

    // The scan jobs run on the server's workers.
    const people = await until('faces of the own series', async () => {
      const body = expectStatus(await own.client.get(`/series/${ownSeries.id}/faces`), 200).body;
      return (body.faces as unknown[]).length === 2 ? body : undefined;
    });
    expect(people.people).toBe(2);
    await until('faces of the foreign series', async () => {
      const body = expectStatus(await foreign.client.get(`/series/${foreignSeries.id}/faces`), 200).body;
      return (body.faces as unknown[]).length === 2 ? body : undefined;
    });

    // A photo of the man from elsewhere: our own photo of him is shown, the foreign one only says whom to ask.
    const found = await searchFaces(own.client, face('paul_rudd_2.jpg'));
    expect(found.status).toBe(200);
    expect(found.body.faces).toHaveLength(1);
    const matches = found.body.matches as Match[];
    expect(matches).toHaveLength(2);
    const mine = matches.find((m) => !m.restricted)!;
    expect(mine.mediaId).toBe(ownCase.media.get('paul.jpg'));
    const theirs = matches.find((m) => m.restricted)!;
    expect(theirs.score).toBeGreaterThan(0.9);
    expect(theirs.ask).toEqual([expect.objectContaining({ name: foreign.agency.name })]);
    expect(theirs).not.toHaveProperty('mediaId');
    expect(theirs).not.toHaveProperty('sha256');
    expect(matches.every((m) => m.score >= (found.body.threshold as number))).toBe(true);

    // Suggestions: our Paul looks like the Paul in the foreign series, which we may not see.
    const listed = expectStatus(
      await own.client.get<{ suggestions: Suggestion[] }>(`/series/${ownSeries.id}/face-suggestions`),
      200,
    ).body.suggestions;
    expect(listed).toHaveLength(1);
    const suggestion = listed[0]!;
    expect(suggestion).toMatchObject({ state: 'open', decidedBy: null, other: { restricted: true } });
    expect(suggestion.other.ask).toEqual([expect.objectContaining({ name: foreign.agency.name })]);
    expect(suggestion.other).not.toHaveProperty('seriesId');
    // The foreign agency sees the same link from its side, with nothing of ours.
    const theirSide = expectStatus(
      await foreign.client.get<{ suggestions: Suggestion[] }>(`/series/${foreignSeries.id}/face-suggestions`),
      200,
    ).body.suggestions;
    expect(theirSide).toHaveLength(1);
    expect(theirSide[0]!.other.restricted).toBe(true);
    // Neither may see or decide the other's suggestions.
    expect(errorCode(await foreign.client.get(`/series/${ownSeries.id}/face-suggestions`))).toBe('NOT_FOUND');
    expect(
      errorCode(
        await foreign.client.post(`/face-suggestions/${suggestion.id}/decision`, { decision: 'reject' }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(await own.client.post(`/face-suggestions/${suggestion.id}/decision`, { decision: 'maybe' })),
    ).toBe('VALIDATION_FAILED');

    const decided = expectStatus(
      await own.client.post<Suggestion>(`/face-suggestions/${suggestion.id}/decision`, {
        decision: 'accept',
      }),
      200,
    ).body;
    expect(decided).toMatchObject({ id: suggestion.id, state: 'accepted' });
    expect(decided.decidedBy?.length).toBeGreaterThan(0);
    expect(Date.parse(decided.decidedAt!)).toBeGreaterThan(Date.now() - 60_000);
    // The overview of every series we may see lists it too, with the threshold; a state filters it.
    const overview = expectStatus(
      await own.client.get<{ suggestions: Suggestion[]; threshold: number }>('/face-suggestions'),
      200,
    ).body;
    expect(overview.suggestions.map((s) => [s.id, s.state])).toEqual([[suggestion.id, 'accepted']]);
    expect(overview.threshold).toBeGreaterThan(0);
    expect(
      expectStatus(await own.client.get<{ suggestions: Suggestion[] }>('/face-suggestions?state=open'), 200)
        .body.suggestions,
    ).toEqual([]);
    expect(errorCode(await own.client.get('/face-suggestions?state=maybe'))).toBe('VALIDATION_FAILED');
    expect(errorCode(await own.client.get('/face-suggestions?state=open&series=x'))).toBe(
      'VALIDATION_FAILED',
    );
    // The other agency's overview holds only its own side, still open.
    expect(
      expectStatus(
        await foreign.client.get<{ suggestions: Suggestion[] }>('/face-suggestions'),
        200,
      ).body.suggestions.map((s) => s.state),
    ).toEqual(['open']);
    // Listed again: the decision stays, no duplicate appears.
    const again = expectStatus(
      await own.client.get<{ suggestions: Suggestion[] }>(`/series/${ownSeries.id}/face-suggestions`),
      200,
    ).body.suggestions;
    expect(again.map((s) => [s.id, s.state])).toEqual([[suggestion.id, 'accepted']]);
    const audit = await haven.db.query<{ action: string; details: Record<string, unknown> }>(
      "SELECT action, details FROM audit_log WHERE action LIKE 'faces.%' ORDER BY seq",
    );
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(['faces.settings', 'faces.search', 'faces.suggestion.accept']),
    );

    // Once the foreign series is shared with us, the suggestion names it.
    expectStatus(
      await foreign.client.put(`/series/${foreignSeries.id}/sharing`, {
        sharing: 'selected',
        agencies: [own.agency.id],
      }),
      200,
    );
    const shared = expectStatus(
      await own.client.get<{ suggestions: Suggestion[] }>(`/series/${ownSeries.id}/face-suggestions`),
      200,
    ).body.suggestions;
    expect(shared[0]!.other).toMatchObject({ restricted: false, seriesId: foreignSeries.id });

    // Crops: blurred and grey by default, clear on request; none of a face we may not see.
    const faceId = (people.faces as { faceId: number }[])[0]!.faceId;
    expect(await picture(own.client, `/faces/${faceId}/crop`)).toEqual({ status: 200, grey: true });
    expect(await picture(own.client, `/faces/${faceId}/crop?variant=clear`)).toEqual({
      status: 200,
      grey: false,
    });
    expect((await picture(foreign.client, `/faces/${faceId}/crop`)).status).toBe(404);
    expect((await picture(own.client, '/faces/999999/crop')).status).toBe(404);
    expect((await picture(own.client, '/faces/abc/crop')).status).toBe(404);

    // Every computation is logged.
    const runs = await haven.db.query<{ kind: string }>('SELECT kind FROM face_runs');
    expect(runs.filter((run) => run.kind === 'media')).toHaveLength(5);
    expect(runs.filter((run) => run.kind === 'search').length).toBeGreaterThanOrEqual(1);
  }, 400_000);

  it('refuses hostile uploads with clear errors', async () => {
    const { haven, url } = server();
    const own = await agencyWithMember(haven, url, 'DE');
    const admin = await member(haven, url, own.agency, 'agency_admin');
    expectStatus(await admin.client.put('/faces/settings', { enabled: true }), 200);

    const garbage = await searchFaces(own.client, Buffer.from('GIF89a this is not really an image'));
    expect(garbage.status).toBe(422);
    expect((garbage.body.error as { code: string }).code).toBe('IMAGE_UNDECODABLE');
    const empty = await searchFaces(own.client, new Uint8Array(0));
    expect(empty.status).toBe(422);
    expect(errorCode(await own.client.post('/faces/search', { image: 'x' }))).toBe('UNSUPPORTED_MEDIA_TYPE');
    const badLimit = await searchFaces(own.client, face('chris_pratt.jpg'), '?limit=100000');
    expect(badLimit.status).toBe(400);
    // A photo without a face finds nothing, and says so.
    const noFace = await searchFaces(own.client, await pictureJpeg(9, 200, 150));
    expect(noFace.status).toBe(200);
    expect(noFace.body).toMatchObject({ faces: [], matches: [] });
    // A reviewer may review but not search; a user without an agency setting cannot turn it on.
    const reviewer = await signedInClient(
      url,
      await seedUser(haven, { agencyId: own.agency.id, roles: ['reviewer'] }),
    );
    expect((await searchFaces(reviewer, face('chris_pratt.jpg'))).status).toBe(403);
  }, 200_000);
});

describe('text in images over the API', () => {
  it('reads text offline, stores it, finds it by words within sharing, and gives script and language clues', async () => {
    const { haven, url } = server();
    const own = await agencyWithMember(haven, url, 'DE');
    const foreign = await agencyWithMember(haven, url, 'UA');
    const ownCase = await uploadCase(own.client, [
      { name: 'sign.png', bytes: await textPicture(['Bahnhofstraße 12', 'Die Bäckerei ist für alle da']) },
      {
        name: 'label.jpg',
        bytes: await textPicture(['Fresh milk from the farm', 'Keep in the fridge'], {
          format: 'jpeg',
          seed: 3,
        }),
      },
      { name: 'blank.jpg', bytes: await pictureJpeg(4, 200, 150) },
    ]);
    const foreignCase = await uploadCase(foreign.client, [
      { name: 'poster.png', bytes: await textPicture(['Вулиця Хрещатик 22', 'Магазин працює до вечора']) },
      { name: 'milk.png', bytes: await textPicture(['Milk and bread'], { seed: 7 }) },
    ]);
    const sign = ownCase.media.get('sign.png')!;
    // Reading follows the ingest without anyone asking; until it is done, the text says it is pending.
    const early = expectStatus(await own.client.get(`/media/${sign}/text`), 200).body;
    if (early.state === 'pending') {
      expect(early).toMatchObject({ text: '', words: 0, readAt: null });
    }

    const read = await until('the sign to be read', async () => {
      const body = expectStatus(await own.client.get(`/media/${sign}/text`), 200).body;
      return body.state === 'read' ? body : undefined;
    });
    expect(read.text).toMatch(/Bahnhofstra(ß|ss)e 12/);
    expect(read).toMatchObject({ script: 'latin', language: 'deu', error: null });
    expect(read.countries).toContain('DE');
    expect(read.confidence as number).toBeGreaterThan(60);
    await until('every image to be read', async () => {
      const ids = [...ownCase.media.values(), ...foreignCase.media.values()];
      const rows = await haven.db.query('SELECT 1 FROM media_texts WHERE media_id = ANY($1::uuid[])', [ids]);
      return rows.length === ids.length ? true : undefined;
    });
    // Asking again is harmless: everything is read once.
    expectStatus(await own.client.post('/texts/scan'), 202);
    const poster = expectStatus(
      await foreign.client.get(`/media/${foreignCase.media.get('poster.png')}/text`),
      200,
    ).body;
    expect(poster).toMatchObject({ script: 'cyrillic', language: 'ukr' });
    expect(poster.text).toContain('Хрещатик');
    expect(
      expectStatus(await own.client.get(`/media/${ownCase.media.get('blank.jpg')}/text`), 200).body,
    ).toMatchObject({
      state: 'read',
      words: 0,
      script: 'none',
    });
    // Text of material we may not see is not ours to read.
    expect(errorCode(await own.client.get(`/media/${foreignCase.media.get('poster.png')}/text`))).toBe(
      'NOT_FOUND',
    );

    const milk = expectStatus(
      await own.client.get<{
        hits: {
          restricted: boolean;
          mediaId?: string;
          snippet?: string;
          countries?: string[];
          ask?: { name: string }[];
        }[];
      }>('/texts/search?q=milk'),
      200,
    ).body.hits;
    expect(milk).toHaveLength(2);
    const ownHit = milk.find((hit) => !hit.restricted)!;
    expect(ownHit.mediaId).toBe(ownCase.media.get('label.jpg'));
    expect(ownHit.snippet).toContain('«milk»');
    // The language of the text read, as a clue to the country, comes with the hit.
    expect(ownHit).toMatchObject({ script: 'latin', language: 'eng' });
    expect(ownHit.countries).toContain('GB');
    const foreignHit = milk.find((hit) => hit.restricted)!;
    expect(foreignHit.ask).toEqual([expect.objectContaining({ name: foreign.agency.name })]);
    expect(foreignHit).not.toHaveProperty('mediaId');
    expect(
      expectStatus(await own.client.get('/texts/search?q=%22keep%20in%20the%20fridge%22'), 200).body.hits,
    ).toHaveLength(1);
    expect(expectStatus(await own.client.get('/texts/search?q=zebra'), 200).body.hits).toEqual([]);
    // Hostile queries: refused or harmless, never a server error.
    expect(errorCode(await own.client.get(`/texts/search?q=${'x'.repeat(501)}`))).toBe('VALIDATION_FAILED');
    expect(errorCode(await own.client.get('/texts/search'))).toBe('VALIDATION_FAILED');
    for (const q of ["'); DROP TABLE media_texts; --", '!!! & | <-> :*', '"unclosed']) {
      expectStatus(await own.client.get(`/texts/search?q=${encodeURIComponent(q)}`), 200);
    }

    // As a series clue: German and English text in our series.
    const series = await createSeries(own.client, [...ownCase.media.values()]);
    const clues = expectStatus(await own.client.get(`/series/${series.id}/text-clues`), 200).body;
    expect(clues).toMatchObject({ media: 3, withText: 2 });
    expect((clues.languages as { language: string }[]).map((l) => l.language).sort()).toEqual(['deu', 'eng']);
    expect(clues.scripts).toEqual([{ script: 'latin', media: 2 }]);
  }, 400_000);
});

describe('video keyframes', () => {
  it('faces and text of a video are read from the scene pictures its analysis kept', async () => {
    const { haven, url } = server();
    const own = await agencyWithMember(haven, url, 'AT');
    const admin = await member(haven, url, own.agency, 'agency_admin');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-face-video-'));
    try {
      // Two scenes of 3 s: a man's portrait, then a street sign.
      const portrait = path.join(dir, 'portrait.png');
      const sign = path.join(dir, 'sign.png');
      writeFileSync(
        portrait,
        await sharp(face('paul_rudd_1.jpg'))
          .resize(640, 480, { fit: 'contain', background: '#808080' })
          .png()
          .toBuffer(),
      );
      // Large letters: the analysis keeps scene pictures of a few hundred pixels only.
      writeFileSync(
        sign,
        await sharp(await textPicture(['APOTHEKE', 'Straße 5'], { width: 640, fontSize: 72 }))
          .resize(640, 480, { fit: 'contain', background: '#ffffff' })
          .png()
          .toBuffer(),
      );
      const video = path.join(dir, 'film.mp4');
      ffmpeg([
        ...['-loop', '1', '-t', '3', '-i', portrait, '-loop', '1', '-t', '3', '-i', sign],
        ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0,fps=10,format=yuv420p[v]', '-map', '[v]'],
        ...['-c:v', 'libx264', '-preset', 'veryfast', video],
      ]);
      const uploaded = await uploadCase(own.client, [{ name: 'film.mp4', bytes: readFileSync(video) }]);
      const videoId = uploaded.media.get('film.mp4')!;
      await until('the video analysis', async () => {
        const body = expectStatus(await own.client.get(`/media/${videoId}`), 200).body;
        return body.analysisState === 'done' ? true : undefined;
      });
      expectStatus(await admin.client.put('/faces/settings', { enabled: true }), 200);
      expectStatus(await own.client.post('/texts/scan'), 202);
      const series = await createSeries(own.client, [videoId]);
      const faces = await until('the faces of the video', async () => {
        const body = expectStatus(await own.client.get(`/series/${series.id}/faces`), 200).body;
        return (body.faces as unknown[]).length > 0
          ? (body.faces as { faceId: number; person: number }[])
          : undefined;
      });
      // The portrait is on several kept pictures of its scene: one person.
      expect(new Set(faces.map((f) => f.person))).toEqual(new Set([1]));
      const found = await searchFaces(own.client, face('paul_rudd_2.jpg'));
      expect((found.body.matches as Match[]).map((m) => m.mediaId)).toContain(videoId);
      expect(await picture(own.client, `/faces/${faces[0]!.faceId}/crop`)).toEqual({
        status: 200,
        grey: true,
      });

      const text = await until('the text of the video', async () => {
        const body = expectStatus(await own.client.get(`/media/${videoId}/text`), 200).body;
        return body.state === 'read' ? body : undefined;
      });
      expect(text.text).toMatch(/APOTHEKE/);
      expect(text).toMatchObject({ script: 'latin' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);
});
