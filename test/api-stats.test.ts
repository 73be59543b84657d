import { beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import { agencyWithMember, createSeries, shareSeries, uploadCase, type Member } from './support/workspace.js';

/** Statistics over real HTTP, on a database holding exactly what this file puts in it. */

const server = apiServerForFile();

let nl: Member;
let be: Member;

interface Stats {
  totals: {
    media: { images: number; videos: number; other: number; total: number };
    series: { total: number; victimIdentified: number };
    victims: { total: number; identified: number };
    offenders: { total: number; identified: number };
    agencies: number;
    countries: number;
  };
  perAgency: {
    agencyId: string;
    media: number;
    images: number;
    series: number;
    victimsIdentified: number;
    offendersIdentified: number;
  }[];
  perMonth: { month: string; media: number; series: number; victimsIdentified: number }[];
}

beforeAll(async () => {
  const { haven, url } = server();
  [nl, be] = await Promise.all([agencyWithMember(haven, url, 'NL'), agencyWithMember(haven, url, 'BE')]);
  await agencyWithMember(haven, url, 'NL');
  const shared = await pictureJpeg(4101);
  const nlCase = await uploadCase(nl.client, [
    { name: 'a.jpg', bytes: shared },
    { name: 'b.jpg', bytes: await pictureJpeg(4102) },
    { name: 'c.jpg', bytes: await pictureJpeg(4103) },
    { name: 'notes.txt', bytes: new TextEncoder().encode('a text file\n') },
  ]);
  // The same picture held by BE too is one unique medium.
  await uploadCase(be.client, [
    { name: 'same.jpg', bytes: shared },
    { name: 'd.jpg', bytes: await pictureJpeg(4104) },
  ]);
  const a = nlCase.media.get('a.jpg')!;
  const first = await createSeries(nl.client, [a]);
  const second = await createSeries(nl.client, [nlCase.media.get('b.jpg')!]);
  const third = await createSeries(nl.client, [nlCase.media.get('c.jpg')!]);
  expectStatus(await nl.client.post(`/series/${first.id}/merge`, { seriesIds: [third.id] }), 200);
  await shareSeries(nl.client, second.id, [be.agency.id]);
  const victim = expectStatus(await nl.client.post('/victims', { seriesIds: [second.id] }), 201).body
    .id as string;
  expectStatus(await nl.client.post('/victims', { seriesIds: [first.id] }), 201);
  expectStatus(await be.client.post(`/victims/${victim}/identification`, {}), 200);
  expectStatus(await nl.client.post('/offenders', { identified: true }), 201);
  expectStatus(await nl.client.post('/offenders', {}), 201);
});

describe('statistics', () => {
  it('counts unique media, series, identifications, agencies and countries, per agency and month', async () => {
    const stats = expectStatus(await be.client.get<Stats>('/stats?months=3'), 200).body;
    expect(stats.totals).toEqual({
      media: { images: 4, videos: 0, other: 1, total: 5 },
      series: { total: 2, victimIdentified: 1 },
      victims: { total: 2, identified: 1 },
      offenders: { total: 2, identified: 1 },
      agencies: 3,
      countries: 2,
    });
    const figures = (member: Member) => stats.perAgency.find((row) => row.agencyId === member.agency.id);
    expect(figures(nl)).toMatchObject({
      media: 4,
      images: 3,
      series: 2,
      victimsIdentified: 0,
      offendersIdentified: 1,
    });
    expect(figures(be)).toMatchObject({
      media: 2,
      images: 2,
      series: 0,
      victimsIdentified: 1,
      offendersIdentified: 0,
    });
    expect(stats.perMonth).toHaveLength(3);
    const thisMonth = new Date().toISOString().slice(0, 7);
    expect(stats.perMonth.at(-1)).toEqual({ month: thisMonth, media: 5, series: 3, victimsIdentified: 1 });
    expect(stats.perMonth.slice(0, 2).every((m) => m.media === 0 && m.series === 0)).toBe(true);
    expect(stats.perMonth.map((m) => m.month)).toEqual([...stats.perMonth.map((m) => m.month)].sort());
  });

  it('refuses nonsense ranges', async () => {
    for (const query of ['months=0', 'months=121', 'months=abc', 'months=1.5', 'agency=x']) {
      expect((await nl.client.get(`/stats?${query}`)).status, query).toBe(400);
    }
    expect(expectStatus(await nl.client.get<Stats>('/stats'), 200).body.perMonth).toHaveLength(12);
  });
});
