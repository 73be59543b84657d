import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode, expectStatus, type JsonObject } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import {
  agencyWithMember,
  createSeries,
  member,
  pictureWithGps,
  shareSeries,
  uploadCase,
  type Member,
  type Uploaded,
} from './support/workspace.js';

/**
 * Collaboration over real HTTP: comments and leads with mentions, notifications (comments, status
 * changes, another agency's upload matching a series), "already identified" on matches within and
 * outside sharing, and locations with offline reverse geocoding of EXIF GPS.
 */

const server = apiServerForFile();

let nl: Member;
let nlColleague: Member;
let be: Member;
let de: Member;
let material: Uploaded;
let original: Buffer;

interface Notification {
  id: string;
  kind: string;
  seriesId: string | null;
  message: string;
  details: JsonObject;
  read: boolean;
}

const notifications = async (
  who: Member,
  query = '',
): Promise<{ notifications: Notification[]; unread: number }> =>
  expectStatus(
    await who.client.get<{ notifications: Notification[]; unread: number }>(`/notifications${query}`),
    200,
  ).body;

beforeAll(async () => {
  const { haven, url } = server();
  [nl, be, de] = await Promise.all([
    agencyWithMember(haven, url, 'NL'),
    agencyWithMember(haven, url, 'BE'),
    agencyWithMember(haven, url, 'DE'),
  ]);
  nlColleague = await member(haven, url, nl.agency, 'reviewer');
  original = await pictureJpeg(6101);
  material = await uploadCase(nl.client, [
    { name: 'p.jpg', bytes: original },
    { name: 'paris.jpg', bytes: await pictureWithGps(6102, 48.85837, 2.294481) },
    { name: 'q.jpg', bytes: await pictureJpeg(6103) },
  ]);
});

describe('comments, leads and notifications', () => {
  it('threads comments across sharing agencies and notifies the owner and mentioned agencies', async () => {
    const series = await createSeries(nl.client, [material.media.get('q.jpg')!]);
    expect((await be.client.get(`/series/${series.id}/comments`)).status).toBe(404);
    await shareSeries(nl.client, series.id, [be.agency.id]);
    const lead = expectStatus(
      await be.client.post<{ id: string; kind: string; agencyId: string }>(`/series/${series.id}/comments`, {
        kind: 'lead',
        body: 'The wallpaper pattern was sold only in Flanders in 2019.',
      }),
      201,
    ).body;
    expect(lead).toMatchObject({ kind: 'lead', agencyId: be.agency.id });
    const ownerNews = await notifications(nl, '?unread=true');
    const commented = ownerNews.notifications.find((n) => n.seriesId === series.id);
    expect(commented?.kind).toBe('series_commented');
    expect(commented?.message).toContain(series.number);
    // A mention must not reveal the series to an agency outside its sharing.
    const outside = await nl.client.post(`/series/${series.id}/comments`, {
      body: '@DE?',
      mentions: [de.agency.id],
    });
    expect([outside.status, errorCode(outside)]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await notifications(de)).notifications.filter((n) => n.seriesId === series.id)).toEqual([]);
    await shareSeries(nl.client, series.id, [be.agency.id, de.agency.id]);
    const reply = expectStatus(
      await nl.client.post<{ id: string; parentId: string; mentions: string[] }>(
        `/series/${series.id}/comments`,
        {
          body: 'Thanks; DE, can you check the socket?',
          parentId: lead.id,
          mentions: [de.agency.id],
        },
      ),
      201,
    ).body;
    expect(reply).toMatchObject({ parentId: lead.id, mentions: [de.agency.id] });
    expect((await notifications(de)).notifications.find((n) => n.seriesId === series.id)).toMatchObject({
      kind: 'agency_mentioned',
    });
    // The owner's own comment does not notify the owner; BE was not mentioned.
    expect((await notifications(be)).notifications.filter((n) => n.kind === 'agency_mentioned')).toEqual([]);
    const thread = expectStatus(
      await de.client.get<{ comments: { id: string; parentId: string | null }[] }>(
        `/series/${series.id}/comments`,
      ),
      200,
    ).body.comments;
    expect(thread.map((c) => [c.id, c.parentId])).toEqual([
      [lead.id, null],
      [reply.id, lead.id],
    ]);
    const other = await createSeries(nl.client, [material.media.get('q.jpg')!]);
    const wrongParent = await nl.client.post(`/series/${other.id}/comments`, {
      body: 'x',
      parentId: lead.id,
    });
    expect(wrongParent.status).toBe(400);
    for (const bad of [
      { body: '' },
      { body: '   ' },
      { body: 'a\u0001b' },
      { body: 'x'.repeat(20_001) },
      { body: 'x', kind: 'rumour' },
      { body: 'x', mentions: ['DE'] },
      { body: 'x', mentions: [randomUUID()] },
      { body: 'x', extra: true },
    ]) {
      const response = await nl.client.post(`/series/${series.id}/comments`, bad);
      expect([response.status, errorCode(response)], JSON.stringify(bad).slice(0, 80)).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
  });

  it('keeps read marks per user and hides other agencies notifications like missing ones', async () => {
    const series = await createSeries(nl.client, [material.media.get('q.jpg')!]);
    await shareSeries(nl.client, series.id, [be.agency.id]);
    expectStatus(await nl.client.post(`/series/${series.id}/status`, { status: 'compared' }), 200);
    const statusNews = (await notifications(be, '?unread=true')).notifications.find(
      (n) => n.seriesId === series.id,
    );
    expect(statusNews).toMatchObject({ kind: 'series_status', details: { from: 'found', to: 'compared' } });
    expect((await notifications(nl)).notifications.find((n) => n.seriesId === series.id)).toBeUndefined();

    expectStatus(await be.client.post(`/series/${series.id}/comments`, { body: 'seen' }), 201);
    const mine = (await notifications(nl, '?unread=true')).notifications.find(
      (n) => n.seriesId === series.id,
    )!;
    const before = await notifications(nlColleague);
    expectStatus(await nl.client.post(`/notifications/${mine.id}/read`), 204);
    expect((await notifications(nl, '?unread=true')).notifications.map((n) => n.id)).not.toContain(mine.id);
    expect((await notifications(nlColleague)).unread).toBe(before.unread);
    const foreign = await de.client.post(`/notifications/${mine.id}/read`);
    const missing = await de.client.post(`/notifications/${randomUUID()}/read`);
    expect([foreign.status, (foreign.body.error as JsonObject).message]).toEqual([
      404,
      (missing.body.error as JsonObject).message,
    ]);
    const marked = expectStatus(
      await nlColleague.client.post<{ marked: number }>('/notifications/read-all'),
      200,
    ).body;
    expect(marked.marked).toBe(before.unread);
    expect((await notifications(nlColleague)).unread).toBe(0);
    expect((await nl.client.get('/notifications?limit=0')).status).toBe(400);
    expect((await nl.client.get('/notifications?unread=maybe')).status).toBe(400);
  });
});

describe('matches touching series', () => {
  interface Match {
    restricted: boolean;
    mediaId?: string;
    series: JsonObject[];
    holders?: { agency: string }[];
  }

  it('notifies the owner once, and says "already identified" without identifying the series', async () => {
    const mediaId = material.media.get('p.jpg')!;
    const series = await createSeries(nl.client, [mediaId]);
    const victim = expectStatus(
      await nl.client.post<{ id: string }>('/victims', { seriesIds: [series.id] }),
      201,
    ).body;
    expectStatus(
      await nl.client.post(`/victims/${victim.id}/identification`, { identifiedAt: '2026-02-01' }),
      200,
    );

    // BE uploads a near copy into its own case: NL's case is not shared with BE.
    const near = await sharp(original).resize(320).jpeg({ quality: 80 }).toBuffer();
    const upload = await uploadCase(be.client, [{ name: 'near.jpg', bytes: near }]);
    const match = upload.items[0]!.matches[0] as Match;
    expect(match).toMatchObject({ restricted: true });
    expect(match.series).toEqual([
      {
        restricted: true,
        status: 'found',
        identified: {
          agency: nl.agency.name,
          country: 'NL',
          at: '2026-02-01',
          note: `Already identified by ${nl.agency.name} on 2026-02-01`,
        },
        ask: { agency: nl.agency.name, country: 'NL', contact: nl.agency.contact },
      },
    ]);
    expect(JSON.stringify(match)).not.toContain(series.number);
    expect(JSON.stringify(match)).not.toContain(series.id);

    const news = (await notifications(nl)).notifications.filter(
      (n) => n.seriesId === series.id && n.kind === 'series_matched',
    );
    expect(news).toHaveLength(1);
    expect(news[0]!.details).toMatchObject({ agency: be.agency.name, country: 'BE' });
    // Matching one's own series is no news.
    await uploadCase(nl.client, [{ name: 'again.jpg', bytes: near }]);
    expect(
      (await notifications(nl)).notifications.filter(
        (n) => n.seriesId === series.id && n.kind === 'series_matched',
      ),
    ).toHaveLength(1);

    // Once the series is shared with BE, BE learns which series it is (the case stays closed).
    await shareSeries(nl.client, series.id, [be.agency.id]);
    const again = expectStatus(
      await be.client.get<{ items: { matches: Match[] }[] }>(`/ingests/${upload.ingestId}/results`),
      200,
    ).body.items[0]!.matches[0]!;
    expect(again.restricted).toBe(true);
    expect(again.series[0]).toMatchObject({
      restricted: false,
      id: series.id,
      number: series.number,
      status: 'found',
      identified: { agency: nl.agency.name, at: '2026-02-01' },
    });

    // Hash lookup and the medium itself carry the same facts.
    const sha256 = createHash('sha256').update(original).digest('hex');
    const lookup = expectStatus(
      await de.client.post<{ results: { matches: Match[] }[] }>('/lookup', {
        hashes: [{ signal: 'sha256', value: sha256 }],
      }),
      200,
    ).body.results[0]!.matches[0]!;
    expect(lookup.series[0]).toMatchObject({ restricted: true, identified: { at: '2026-02-01' } });
    const detail = expectStatus(await nl.client.get<{ series: JsonObject[] }>(`/media/${mediaId}`), 200).body;
    expect(detail.series).toEqual([expect.objectContaining({ restricted: false, id: series.id })]);
  });
});

describe('locations', () => {
  interface Locations {
    probableCountry: JsonObject | null;
    places: { id: string; country: string | null; latitude: number | null; description: string }[];
    gps: { mediaId: string; latitude: number; longitude: number; country: { code: string; name: string } }[];
  }

  it('shows EXIF GPS with its country offline, and records known places', async () => {
    const paris = material.media.get('paris.jpg')!;
    const series = await createSeries(nl.client, [paris, material.media.get('q.jpg')!]);
    const found = expectStatus(await nl.client.get<Locations>(`/series/${series.id}/locations`), 200).body;
    expect(found.gps).toHaveLength(1);
    expect(found.gps[0]).toMatchObject({ mediaId: paris, country: { code: 'FR', name: 'France' } });
    expect(found.gps[0]!.latitude).toBeCloseTo(48.85837, 4);
    const media = expectStatus(await nl.client.get<{ gps: JsonObject | null }>(`/media/${paris}`), 200).body;
    expect(media.gps).toMatchObject({ country: { code: 'FR' } });

    const lisbon = expectStatus(
      await nl.client.post<Locations['places'][number]>(`/series/${series.id}/places`, {
        description: 'Tram stop seen through the window',
        mediaId: paris,
        latitude: 38.7223,
        longitude: -9.1393,
      }),
      201,
    ).body;
    expect(lisbon.country).toBe('PT');
    const sea = expectStatus(
      await nl.client.post<Locations['places'][number]>(`/series/${series.id}/places`, {
        description: 'Mid-Atlantic',
        latitude: 30,
        longitude: -40,
      }),
      201,
    ).body;
    expect(sea.country).toBeNull();
    const words = expectStatus(
      await nl.client.post<Locations['places'][number]>(`/series/${series.id}/places`, {
        description: 'A campsite by a lake',
      }),
      201,
    ).body;
    expect(words).toMatchObject({ latitude: null, country: null });
    for (const bad of [
      { description: 'half', latitude: 10 },
      { description: 'north', latitude: 91, longitude: 0 },
      { description: 'east', latitude: 0, longitude: 180.5 },
      { description: 'nan', latitude: 'NaN', longitude: 0 },
      { description: '' },
      { description: 'elsewhere', mediaId: randomUUID() },
    ]) {
      const response = await nl.client.post(`/series/${series.id}/places`, bad);
      expect([response.status, errorCode(response)], JSON.stringify(bad)).toEqual([400, 'VALIDATION_FAILED']);
    }
    await shareSeries(nl.client, series.id, [be.agency.id]);
    const theirs = expectStatus(
      await be.client.post<{ id: string }>(`/series/${series.id}/places`, {
        description: 'Flemish street sign',
      }),
      201,
    ).body;
    const refused = await be.client.delete(`/series/${series.id}/places/${lisbon.id}`);
    expect([refused.status, errorCode(refused)]).toEqual([403, 'FORBIDDEN']);
    expectStatus(await be.client.delete(`/series/${series.id}/places/${theirs.id}`), 204);
    const listed = expectStatus(await be.client.get<Locations>(`/series/${series.id}/locations`), 200).body;
    expect(listed.places.map((p) => p.id)).toEqual([lisbon.id, sea.id, words.id]);
    expect((await de.client.get(`/series/${series.id}/locations`)).status).toBe(404);
  });
});
