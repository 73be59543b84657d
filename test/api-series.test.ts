import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode, expectStatus, type JsonObject } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import {
  agencyWithMember,
  createSeries,
  shareSeries,
  unique,
  uploadCase,
  type Member,
  type SeriesReply,
  type Uploaded,
} from './support/workspace.js';

/** Series over real HTTP: numbering, sharing, the status process, media, merge and split, history. */

const server = apiServerForFile();

let nl: Member;
let be: Member;
let de: Member;
let material: Uploaded;
let foreignMaterial: Uploaded;
const FILES = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'];

const media = (name: string): string => material.media.get(name)!;

interface Detail extends SeriesReply {
  media: { mediaId: string; sha256: string; viewable: boolean; width: number | null }[];
  history: { kind: string; details: JsonObject; agencyId: string | null }[];
  victims: { id: string; code: string }[];
}

beforeAll(async () => {
  const { haven, url } = server();
  [nl, be, de] = await Promise.all([
    agencyWithMember(haven, url, 'NL'),
    agencyWithMember(haven, url, 'BE'),
    agencyWithMember(haven, url, 'DE'),
  ]);
  const pictures = await Promise.all(FILES.map((_, index) => pictureJpeg(7100 + index)));
  material = await uploadCase(
    nl.client,
    FILES.map((name, index) => ({ name, bytes: pictures[index]! })),
  );
  foreignMaterial = await uploadCase(de.client, [{ name: 'x.jpg', bytes: await pictureJpeg(7199) }]);
});

describe('series', () => {
  it('numbers series by country and year, unique even when created at once', async () => {
    const created = await Promise.all(
      Array.from({ length: 12 }, () => createSeries(nl.client, [media('a.jpg')])),
    );
    const year = new Date().getUTCFullYear();
    for (const series of created) {
      expect(series.number).toMatch(new RegExp(`^NL-${year}-\\d{5}$`));
      expect(series).toMatchObject({ status: 'found', own: true, sharing: 'agency', mediaCount: 1 });
    }
    const numbers = created.map((series) => series.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    const sequence = numbers.map((number) => Number(number.slice(-5))).sort((a, b) => a - b);
    expect(sequence.at(-1)! - sequence[0]!).toBe(numbers.length - 1);
  });

  it('creates a series from an ingest triage result, optionally from chosen paths', async () => {
    const all = expectStatus(
      await nl.client.post<SeriesReply>('/series/from-ingest', {
        ingestId: material.ingestId,
        title: 'From upload',
      }),
      201,
    ).body;
    expect(all.mediaCount).toBe(FILES.length);
    const some = expectStatus(
      await nl.client.post<SeriesReply>('/series/from-ingest', {
        ingestId: material.ingestId,
        title: 'Two files',
        paths: ['upload/a.jpg', 'upload/c.jpg'],
      }),
      201,
    ).body;
    const detail = expectStatus(await nl.client.get<Detail>(`/series/${some.id}`), 200).body;
    expect(detail.media.map((m) => m.mediaId).sort()).toEqual([media('a.jpg'), media('c.jpg')].sort());
    expect(detail.history[0]).toMatchObject({ kind: 'create', details: { ingestId: material.ingestId } });
    // An agency the series is shared with sees its history, never the owner's internal ingest id.
    await shareSeries(nl.client, some.id, [be.agency.id]);
    const shared = expectStatus(await be.client.get<Detail>(`/series/${some.id}`), 200).body;
    expect(shared.history[0]).toMatchObject({ kind: 'create', details: { number: some.number, media: 2 } });
    expect(shared.history[0]!.details).not.toHaveProperty('ingestId');
    expect(JSON.stringify(shared)).not.toContain(material.ingestId);
    expect(
      expectStatus(await nl.client.get<Detail>(`/series/${some.id}`), 200).body.history[0]!.details,
    ).toMatchObject({ ingestId: material.ingestId });
    // Another agency's ingest looks exactly like a missing one.
    const foreign = await nl.client.post('/series/from-ingest', {
      ingestId: foreignMaterial.ingestId,
      title: 'x',
    });
    const missing = await nl.client.post('/series/from-ingest', { ingestId: randomUUID(), title: 'x' });
    expect([foreign.status, errorCode(foreign)]).toEqual([404, 'NOT_FOUND']);
    expect(foreign.body).toMatchObject({ error: { message: (missing.body.error as JsonObject).message } });
    const none = await nl.client.post('/series/from-ingest', {
      ingestId: material.ingestId,
      title: 'Nothing',
      paths: ['upload/none.jpg'],
    });
    expect([none.status, errorCode(none)]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('follows the sharing rule: hidden as not found, shared read-only, owner changes', async () => {
    const series = await createSeries(nl.client, [media('a.jpg'), media('b.jpg')]);
    const hidden = await be.client.get(`/series/${series.id}`);
    const missing = await be.client.get(`/series/${randomUUID()}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toMatchObject({
      code: 'NOT_FOUND',
      message: (missing.body.error as JsonObject).message,
    });
    expect(
      expectStatus(await be.client.get<{ series: SeriesReply[] }>('/series'), 200).body.series.map(
        (s) => s.id,
      ),
    ).not.toContain(series.id);

    await shareSeries(nl.client, series.id, [be.agency.id]);
    const shared = expectStatus(await be.client.get<Detail>(`/series/${series.id}`), 200).body;
    expect(shared).toMatchObject({ own: false, sharing: 'selected', number: series.number });
    // The case is not shared: hashes and shape are, the media themselves are not viewable.
    expect(shared.media.every((m) => !m.viewable && /^[0-9a-f]{64}$/.test(m.sha256))).toBe(true);
    const change = await be.client.patch(`/series/${series.id}`, { title: 'Not mine' });
    expect([change.status, errorCode(change)]).toEqual([403, 'FORBIDDEN']);
    expect((await de.client.get(`/series/${series.id}`)).status).toBe(404);
    const listed = expectStatus(await be.client.get<{ series: SeriesReply[] }>('/series'), 200).body.series;
    expect(listed.map((s) => s.id)).toContain(series.id);
    const own = expectStatus(await be.client.get<{ series: SeriesReply[] }>('/series?own=true'), 200).body
      .series;
    expect(own.map((s) => s.id)).not.toContain(series.id);
  });

  it('moves through the process with validated transitions and records history', async () => {
    const series = await createSeries(nl.client, [media('a.jpg')]);
    const move = (status: string, note?: string) =>
      nl.client.post<SeriesReply>(`/series/${series.id}/status`, { status, ...(note ? { note } : {}) });
    expect(expectStatus(await move('compared'), 200).body.status).toBe('compared');
    expect(expectStatus(await move('country_identified'), 200).body.status).toBe('country_identified');
    const same = await move('country_identified');
    expect([same.status, errorCode(same)]).toEqual([409, 'CONFLICT']);
    const backNoNote = await move('analysed');
    expect([backNoNote.status, errorCode(backNoNote)]).toEqual([400, 'VALIDATION_FAILED']);
    const twoBack = await move('compared', 'wrong');
    expect([twoBack.status, errorCode(twoBack)]).toEqual([400, 'VALIDATION_FAILED']);
    expect(expectStatus(await move('analysed', 'country was a guess'), 200).body.status).toBe('analysed');
    const bogus = await move('solved');
    expect(bogus.status).toBe(400);
    const identified = expectStatus(await move('victim_identified'), 200).body;
    expect(identified.victimIdentified).toMatchObject({ agencyId: nl.agency.id });
    const detail = expectStatus(await nl.client.get<Detail>(`/series/${series.id}`), 200).body;
    expect(detail.history.filter((e) => e.kind === 'status').map((e) => e.details.to)).toEqual([
      'compared',
      'country_identified',
      'analysed',
      'victim_identified',
    ]);
    const unidentified = expectStatus(
      await nl.client.get<{ series: SeriesReply[] }>('/series?unidentified=true'),
      200,
    ).body.series;
    expect(unidentified.map((s) => s.id)).not.toContain(series.id);
  });

  it('adds and removes media the owner may see, refusing foreign media like missing ones', async () => {
    const series = await createSeries(nl.client, [media('a.jpg')]);
    const added = expectStatus(
      await nl.client.post<{ mediaIds: string[] }>(`/series/${series.id}/media`, {
        mediaIds: [media('b.jpg'), media('a.jpg')],
      }),
      200,
    ).body;
    expect(added.mediaIds).toEqual([media('b.jpg')]);
    const foreign = await nl.client.post(`/series/${series.id}/media`, {
      mediaIds: [foreignMaterial.media.get('x.jpg')],
    });
    const missing = await nl.client.post(`/series/${series.id}/media`, { mediaIds: [randomUUID()] });
    expect([foreign.status, errorCode(foreign)]).toEqual([400, 'VALIDATION_FAILED']);
    expect((foreign.body.error as JsonObject).message).toBe(
      ((missing.body.error as JsonObject).message as string).replace(
        /[0-9a-f-]{36}/,
        foreignMaterial.media.get('x.jpg')!,
      ),
    );
    const removed = expectStatus(
      await nl.client.post<{ mediaIds: string[] }>(`/series/${series.id}/media/remove`, {
        mediaIds: [media('a.jpg')],
      }),
      200,
    ).body;
    expect(removed.mediaIds).toEqual([media('a.jpg')]);
    const detail = expectStatus(await nl.client.get<Detail>(`/series/${series.id}`), 200).body;
    expect(detail.media.map((m) => m.mediaId)).toEqual([media('b.jpg')]);
    expect(detail.history.map((e) => e.kind)).toEqual(['create', 'media.add', 'media.remove']);
  });

  it('merges series into one and splits media out again, keeping history on both sides', async () => {
    const target = await createSeries(nl.client, [media('a.jpg')]);
    const source = await createSeries(nl.client, [media('b.jpg'), media('c.jpg')]);
    const clue = expectStatus(
      await nl.client.post(`/series/${source.id}/clues`, {
        mediaId: media('c.jpg'),
        kind: 'logo',
        rect: { x: 1, y: 2, width: 30, height: 40 },
        note: 'brand on a mug',
      }),
      201,
    ).body;
    const merged = expectStatus(
      await nl.client.post<SeriesReply>(`/series/${target.id}/merge`, { seriesIds: [source.id] }),
      200,
    ).body;
    expect(merged.mediaCount).toBe(3);
    const gone = expectStatus(await nl.client.get<Detail>(`/series/${source.id}`), 200).body;
    expect(gone).toMatchObject({ mergedInto: target.id, mediaCount: 0 });
    expect(gone.history.at(-1)).toMatchObject({ kind: 'merged_into', details: { into: target.id } });
    const afterMerge = await nl.client.patch(`/series/${source.id}`, { title: 'late' });
    expect([afterMerge.status, errorCode(afterMerge)]).toEqual([409, 'CONFLICT']);
    const list = expectStatus(await nl.client.get<{ series: SeriesReply[] }>('/series'), 200).body.series;
    expect(list.map((s) => s.id)).not.toContain(source.id);
    const self = await nl.client.post(`/series/${target.id}/merge`, { seriesIds: [target.id] });
    expect(self.status).toBe(400);

    const split = expectStatus(
      await nl.client.post<SeriesReply>(`/series/${target.id}/split`, {
        mediaIds: [media('c.jpg')],
        title: 'Second child',
      }),
      201,
    ).body;
    expect(split).toMatchObject({ mediaCount: 1, title: 'Second child', own: true });
    expect(split.number).not.toBe(target.number);
    const clues = expectStatus(
      await nl.client.get<{ clues: { id: string }[] }>(`/series/${split.id}/clues`),
      200,
    ).body.clues;
    expect(clues.map((c) => c.id)).toEqual([clue.id]);
    const left = expectStatus(await nl.client.get<Detail>(`/series/${target.id}`), 200).body;
    expect(left.media.map((m) => m.mediaId).sort()).toEqual([media('a.jpg'), media('b.jpg')].sort());
    expect(left.history.map((e) => e.kind)).toEqual(['create', 'merge', 'split']);
    const all = await nl.client.post(`/series/${split.id}/split`, { mediaIds: [media('c.jpg')], title: 'x' });
    expect(all.status).toBe(400);
    const outside = await nl.client.post(`/series/${target.id}/split`, {
      mediaIds: [media('d.jpg')],
      title: 'x',
    });
    expect(outside.status).toBe(400);
    // Merging another agency's series: it is not visible, so not found.
    const foreign = await createSeries(de.client, [foreignMaterial.media.get('x.jpg')!]);
    const cross = await nl.client.post(`/series/${target.id}/merge`, { seriesIds: [foreign.id] });
    expect([cross.status, errorCode(cross)]).toEqual([404, 'NOT_FOUND']);
  });

  it('records the probable country of production with confidence and evidence', async () => {
    const series = await createSeries(nl.client, [media('d.jpg')]);
    const set = expectStatus(
      await nl.client.put<SeriesReply>(`/series/${series.id}/country`, {
        country: 'PT',
        confidence: 'medium',
        evidence: 'Socket type F; label text in Portuguese',
      }),
      200,
    ).body;
    expect(set.probableCountry).toEqual({
      country: 'PT',
      confidence: 'medium',
      evidence: 'Socket type F; label text in Portuguese',
    });
    for (const bad of [{ country: 'pt' }, { country: 'PRT' }, { country: 'PT', confidence: 'sure' }]) {
      expect((await nl.client.put(`/series/${series.id}/country`, bad)).status).toBe(400);
    }
  });

  it('refuses hostile input with clear errors and keeps what it stores literal', async () => {
    const bad: unknown[] = [
      { title: '', mediaIds: [media('a.jpg')] },
      { title: '   ', mediaIds: [media('a.jpg')] },
      { title: 'x'.repeat(201), mediaIds: [media('a.jpg')] },
      { title: 'bell\u0007', mediaIds: [media('a.jpg')] },
      { title: 'two\nlines', mediaIds: [media('a.jpg')] },
      { title: 'ok', mediaIds: [] },
      { title: 'ok', mediaIds: ['not-a-uuid'] },
      { title: 'ok', mediaIds: [media('a.jpg')], agencyId: de.agency.id },
      { title: 'ok', mediaIds: [media('a.jpg')], sharing: 'selected' },
      { title: 'ok', mediaIds: Array.from({ length: 5001 }, () => randomUUID()) },
      { title: 42, mediaIds: [media('a.jpg')] },
      [],
      null,
    ];
    for (const body of bad) {
      const response = await nl.client.post('/series', body);
      expect(response.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(errorCode(response)).toMatch(/^(VALIDATION_FAILED|INVALID_JSON)$/);
    }
    const raw = await fetch(`${server().url}/api/v1/series`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': nl.client.csrfToken!,
        cookie: [...nl.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: '{"title": "x", "mediaIds": [',
    });
    expect(raw.status).toBe(400);
    const literal = `'); DROP TABLE series; -- ${unique()}`;
    const stored = await createSeries(nl.client, [media('a.jpg')], {
      title: literal,
      notes: '<script>x</script>',
    });
    expect(stored.title).toBe(literal);
    expect((await nl.client.get(`/series/not-a-uuid`)).status).toBe(400);
    expect((await nl.client.get(`/series?status=bogus`)).status).toBe(400);
    expect((await nl.client.patch(`/series/${stored.id}`, {})).status).toBe(400);
    expect(expectStatus(await nl.client.get<SeriesReply>(`/series/${stored.id}`), 200).body.title).toBe(
      literal,
    );
  });
});
