import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode, expectStatus, type JsonObject } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import {
  agencyWithMember,
  createSeries,
  shareSeries,
  uploadCase,
  type Member,
  type SeriesReply,
  type Uploaded,
} from './support/workspace.js';

/** Victims, offenders and visual clues over real HTTP, across two agencies. */

const server = apiServerForFile();

let nl: Member;
let be: Member;
let de: Member;
let material: Uploaded;
let textFile: string;

interface Victim {
  id: string;
  code: string;
  agencyId: string;
  own: boolean;
  sex: string;
  ageMin: number | null;
  ageMax: number | null;
  identified: boolean;
  identifiedBy: string | null;
  identifiedAt: string | null;
  safeguardedAt: string | null;
  seriesIds: string[];
}

beforeAll(async () => {
  const { haven, url } = server();
  [nl, be, de] = await Promise.all([
    agencyWithMember(haven, url, 'NL'),
    agencyWithMember(haven, url, 'BE'),
    agencyWithMember(haven, url, 'DE'),
  ]);
  material = await uploadCase(nl.client, [
    { name: 'room.jpg', bytes: await pictureJpeg(8101, 640, 480) },
    { name: 'wide.jpg', bytes: await pictureJpeg(8102, 800, 300) },
    { name: 'note.txt', bytes: new TextEncoder().encode('not an image\n') },
  ]);
  textFile = material.media.get('note.txt')!;
});

const room = (): string => material.media.get('room.jpg')!;
const wide = (): string => material.media.get('wide.jpg')!;

describe('victims and offenders', () => {
  it('records a victim in several series with a generated pseudonymous code', async () => {
    const first = await createSeries(nl.client, [room()]);
    const second = await createSeries(nl.client, [wide()]);
    const victim = expectStatus(
      await nl.client.post<Victim>('/victims', {
        sex: 'female',
        ageMin: 6,
        ageMax: 9,
        seriesIds: [first.id, second.id],
      }),
      201,
    ).body;
    expect(victim.code).toMatch(/^V-NL-\d{4}-\d{5}$/);
    expect(victim).toMatchObject({ own: true, identified: false, ageMin: 6, ageMax: 9 });
    expect(victim.seriesIds.sort()).toEqual([first.id, second.id].sort());
    const detail = expectStatus(
      await nl.client.get<{ victims: { id: string }[] }>(`/series/${first.id}`),
      200,
    ).body;
    expect(detail.victims.map((v) => v.id)).toEqual([victim.id]);
    const ofSeries = expectStatus(
      await nl.client.get<{ victims: Victim[] }>(`/victims?seriesId=${second.id}`),
      200,
    ).body.victims;
    expect(ofSeries.map((v) => v.id)).toEqual([victim.id]);

    // Another agency sees the victim only through a series shared with it, and only that series.
    expect((await be.client.get(`/victims/${victim.id}`)).status).toBe(404);
    await shareSeries(nl.client, first.id, [be.agency.id]);
    const seen = expectStatus(await be.client.get<Victim>(`/victims/${victim.id}`), 200).body;
    expect(seen).toMatchObject({ own: false, seriesIds: [first.id] });
    const change = await be.client.patch(`/victims/${victim.id}`, { notes: 'mine now' });
    expect([change.status, errorCode(change)]).toEqual([403, 'FORBIDDEN']);
  });

  it('marks both series identified when the receiving agency identifies the victim', async () => {
    const first = await createSeries(nl.client, [room()]);
    const second = await createSeries(nl.client, [wide()]);
    await shareSeries(nl.client, first.id, [be.agency.id]);
    const victim = expectStatus(
      await nl.client.post<Victim>('/victims', { sex: 'male', seriesIds: [first.id, second.id] }),
      201,
    ).body;
    const future = await be.client.post(`/victims/${victim.id}/identification`, {
      identifiedAt: '2999-01-01',
    });
    expect([future.status, errorCode(future)]).toEqual([400, 'VALIDATION_FAILED']);
    const identified = expectStatus(
      await be.client.post<Victim>(`/victims/${victim.id}/identification`, {
        identifiedAt: '2026-03-04',
        safeguardedAt: '2026-03-05',
      }),
      200,
    ).body;
    expect(identified).toMatchObject({
      identified: true,
      identifiedBy: be.agency.id,
      identifiedAt: '2026-03-04',
      safeguardedAt: '2026-03-05',
    });
    for (const id of [first.id, second.id]) {
      const series = expectStatus(await nl.client.get<SeriesReply>(`/series/${id}`), 200).body;
      expect(series.victimIdentified).toEqual({ at: '2026-03-04T00:00:00.000Z', agencyId: be.agency.id });
    }
    const again = await be.client.post(`/victims/${victim.id}/identification`, {});
    expect([again.status, errorCode(again)]).toEqual([409, 'CONFLICT']);
    // A foreign agency cannot identify what it cannot see, and cannot tell it exists.
    const foreign = await de.client.post(`/victims/${victim.id}/identification`, {});
    const missing = await de.client.post(`/victims/${randomUUID()}/identification`, {});
    expect([foreign.status, foreign.body.error]).toEqual([
      missing.status,
      { ...(missing.body.error as JsonObject), requestId: (foreign.body.error as JsonObject).requestId },
    ]);
  });

  it('links and unlinks people only in series the agency owns', async () => {
    const own = await createSeries(nl.client, [room()]);
    const offender = expectStatus(
      await nl.client.post<{ id: string; code: string; arrestedAt: string | null; identified: boolean }>(
        '/offenders',
        { identified: true, arrestedAt: '2025-12-01' },
      ),
      201,
    ).body;
    expect(offender).toMatchObject({ identified: true, arrestedAt: '2025-12-01' });
    expect(offender.code).toMatch(/^O-NL-\d{4}-\d{5}$/);
    expectStatus(await nl.client.put(`/series/${own.id}/offenders/${offender.id}`), 200);
    const detail = expectStatus(
      await nl.client.get<{ offenders: { id: string }[] }>(`/series/${own.id}`),
      200,
    ).body;
    expect(detail.offenders.map((o) => o.id)).toEqual([offender.id]);
    await shareSeries(nl.client, own.id, [be.agency.id]);
    const shared = await be.client.delete(`/series/${own.id}/offenders/${offender.id}`);
    expect([shared.status, errorCode(shared)]).toEqual([403, 'FORBIDDEN']);
    expectStatus(await nl.client.delete(`/series/${own.id}/offenders/${offender.id}`), 204);
    expect((await nl.client.delete(`/series/${own.id}/offenders/${offender.id}`)).status).toBe(404);
    const beVictim = expectStatus(await be.client.post<Victim>('/victims', {}), 201).body;
    expect(beVictim.code).toMatch(/^V-BE-/);
    // NL cannot see BE's unlinked victim, so cannot link it.
    expect((await nl.client.put(`/series/${own.id}/victims/${beVictim.id}`)).status).toBe(404);
  });

  it('refuses hostile people input', async () => {
    const bad: JsonObject[] = [
      { ageMin: 9, ageMax: 6 },
      { ageMin: -1 },
      { ageMin: 31 },
      { ageMin: 2.5 },
      { sex: 'other' },
      { arrestedAt: '2025-01-01' },
      { identifiedAt: '2025-02-30' },
      { safeguardedAt: 'yesterday' },
      { code: '' },
      { code: '../../etc' },
      { code: 'x'.repeat(65) },
      { notes: 'a\u0000b' },
      { seriesIds: ['nope'] },
      { seriesIds: [randomUUID()] },
    ];
    for (const body of bad) {
      const response = await nl.client.post('/victims', body);
      expect(response.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(response.status, JSON.stringify(body)).toBeLessThan(500);
    }
    const code = `VIC-${Date.now()}`;
    expectStatus(await nl.client.post('/victims', { code }), 201);
    const duplicate = await nl.client.post('/victims', { code });
    expect([duplicate.status, errorCode(duplicate)]).toEqual([409, 'CONFLICT']);
    const offenderWithSex = await nl.client.post('/offenders', { sex: 'male' });
    expect(offenderWithSex.status).toBe(400);
  });
});

describe('visual clues', () => {
  interface Clue {
    id: string;
    mediaId: string;
    agencyId: string;
    kind: string;
    rect: { x: number; y: number; width: number; height: number };
    note: string;
  }

  it('keeps rectangles within the image and lets sharing agencies contribute', async () => {
    const series = await createSeries(nl.client, [room(), wide(), textFile]);
    const draw = (client: Member['client'], body: JsonObject) =>
      client.post<Clue>(`/series/${series.id}/clues`, body);
    const exact = expectStatus(
      await draw(nl.client, {
        mediaId: room(),
        kind: 'electrical_fitting',
        rect: { x: 600, y: 400, width: 40, height: 80 },
        note: 'Socket, two round pins',
      }),
      201,
    ).body;
    expect(exact).toMatchObject({
      kind: 'electrical_fitting',
      rect: { x: 600, y: 400, width: 40, height: 80 },
    });
    const outside: JsonObject[] = [
      { mediaId: room(), kind: 'object', rect: { x: 601, y: 400, width: 40, height: 80 } },
      { mediaId: wide(), kind: 'object', rect: { x: 0, y: 0, width: 10, height: 301 } },
      { mediaId: room(), kind: 'object', rect: { x: -1, y: 0, width: 10, height: 10 } },
      { mediaId: room(), kind: 'object', rect: { x: 0, y: 0, width: 0, height: 10 } },
      { mediaId: room(), kind: 'object', rect: { x: 0, y: 0, width: 1.5, height: 10 } },
      { mediaId: room(), kind: 'weapon', rect: { x: 0, y: 0, width: 10, height: 10 } },
      { mediaId: room(), kind: 'object', rect: { x: 0, y: 0, width: 10 } },
      { mediaId: textFile, kind: 'text', rect: { x: 0, y: 0, width: 1, height: 1 } },
      { mediaId: randomUUID(), kind: 'text', rect: { x: 0, y: 0, width: 1, height: 1 } },
      { mediaId: room(), kind: 'text', rect: { x: 0, y: 0, width: 1, height: 1 }, note: 'x'.repeat(5001) },
    ];
    for (const body of outside) {
      const response = await draw(nl.client, body);
      expect([response.status, errorCode(response)], JSON.stringify(body)).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    // Hidden from BE until shared; then BE may draw, but not remove NL's clue.
    const hidden = await draw(be.client, {
      mediaId: room(),
      kind: 'text',
      rect: { x: 0, y: 0, width: 5, height: 5 },
    });
    expect(hidden.status).toBe(404);
    await shareSeries(nl.client, series.id, [be.agency.id]);
    const theirs = expectStatus(
      await draw(be.client, {
        mediaId: wide(),
        kind: 'clothing',
        rect: { x: 10, y: 10, width: 50, height: 50 },
      }),
      201,
    ).body;
    expect(theirs.agencyId).toBe(be.agency.id);
    const refused = await be.client.delete(`/series/${series.id}/clues/${exact.id}`);
    expect([refused.status, errorCode(refused)]).toEqual([403, 'FORBIDDEN']);
    const listed = expectStatus(await be.client.get<{ clues: Clue[] }>(`/series/${series.id}/clues`), 200)
      .body.clues;
    expect(listed.map((c) => c.id)).toEqual([exact.id, theirs.id]);
    // The series owner tidies up any clue; a clue of another series is not found here.
    expectStatus(await nl.client.delete(`/series/${series.id}/clues/${theirs.id}`), 204);
    const other = await createSeries(nl.client, [room()]);
    expect((await nl.client.delete(`/series/${other.id}/clues/${exact.id}`)).status).toBe(404);
    expect((await de.client.get(`/series/${series.id}/clues`)).status).toBe(404);
  });
});
