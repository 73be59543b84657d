import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedAgency } from './support/api-client.js';
import { errorCode, expectStatus, type JsonObject } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import {
  agencyWithMember,
  createSeries,
  member,
  shareSeries,
  uploadCase,
  type Member,
  type SeriesReply,
  type Uploaded,
} from './support/workspace.js';

/**
 * A taskforce sprint over real HTTP, with four agencies: NL owns the series, BE takes part, the
 * coordinator's international agency runs the sprint, DE stays outside.
 */

const server = apiServerForFile();

let nl: Member;
let be: Member;
let de: Member;
let coordinator: Member;
let material: Uploaded;
let s1: SeriesReply;
let s2: SeriesReply;
let hidden: SeriesReply;
let sprintId: string;

interface Assignment {
  seriesId: string;
  series: { number: string } | null;
  assignedAgencyId: string;
  outcome: string;
  probableCountry: string | null;
  disseminatedAt: string | null;
}

beforeAll(async () => {
  const { haven, url } = server();
  [nl, be, de] = await Promise.all([
    agencyWithMember(haven, url, 'NL'),
    agencyWithMember(haven, url, 'BE'),
    agencyWithMember(haven, url, 'DE'),
  ]);
  const taskforce = await seedAgency(haven, {
    country: 'NL',
    type: 'international',
    contact: 'vidtf@example.org',
  });
  coordinator = await member(haven, url, taskforce, 'taskforce_coordinator');
  material = await uploadCase(nl.client, [
    { name: 'one.jpg', bytes: await pictureJpeg(5101) },
    { name: 'two.jpg', bytes: await pictureJpeg(5102) },
  ]);
  const [one, two] = [material.media.get('one.jpg')!, material.media.get('two.jpg')!];
  s1 = await createSeries(nl.client, [one]);
  s2 = await createSeries(nl.client, [two]);
  hidden = await createSeries(nl.client, [two]);
  for (const series of [s1, s2]) {
    await shareSeries(nl.client, series.id, [taskforce.id, be.agency.id]);
  }
  expectStatus(
    await nl.client.post(`/series/${s1.id}/clues`, {
      mediaId: one,
      kind: 'packaging',
      rect: { x: 10, y: 20, width: 100, height: 50 },
      note: 'Cereal box, regional brand',
    }),
    201,
  );
  expectStatus(
    await nl.client.post('/victims', { sex: 'female', ageMin: 5, ageMax: 8, seriesIds: [s1.id] }),
    201,
  );
});

describe('taskforce sprints', () => {
  it('lets only a coordinator start a sprint, with valid dates and agencies', async () => {
    const body = {
      name: 'VIDTF 2026',
      startsOn: '2026-11-02',
      endsOn: '2026-11-13',
      agencies: [nl.agency.id, be.agency.id],
    };
    const refused = await nl.client.post('/sprints', body);
    expect([refused.status, errorCode(refused)]).toEqual([403, 'FORBIDDEN']);
    for (const bad of [
      { ...body, endsOn: '2026-11-01' },
      { ...body, startsOn: '2026-02-30' },
      { ...body, agencies: [] },
      { ...body, agencies: [randomUUID()] },
      { ...body, name: '' },
      { ...body, coordinatorId: nl.agency.id },
    ]) {
      const response = await coordinator.client.post('/sprints', bad);
      expect([response.status, errorCode(response)], JSON.stringify(bad)).toEqual([400, 'VALIDATION_FAILED']);
    }
    const created = expectStatus(
      await coordinator.client.post<{ id: string; agencies: string[]; coordinating: boolean }>(
        '/sprints',
        body,
      ),
      201,
    ).body;
    expect(created.coordinating).toBe(true);
    expect(created.agencies.sort()).toEqual([nl.agency.id, be.agency.id, coordinator.agency.id].sort());
    sprintId = created.id;
    const listed = expectStatus(
      await be.client.get<{ sprints: { id: string; coordinating: boolean }[] }>('/sprints'),
      200,
    ).body.sprints;
    expect(listed.find((s) => s.id === sprintId)).toMatchObject({ coordinating: false });
    expect(
      (await de.client.get<{ sprints: { id: string }[] }>('/sprints')).body.sprints.map((s) => s.id),
    ).not.toContain(sprintId);
    const outside = await de.client.get(`/sprints/${sprintId}`);
    const missing = await de.client.get(`/sprints/${randomUUID()}`);
    expect([outside.status, (outside.body.error as JsonObject).message]).toEqual([
      404,
      (missing.body.error as JsonObject).message,
    ]);
  });

  it('assigns visible unidentified series to participants who can see them', async () => {
    const assign = (seriesId: string, agencyId: string) =>
      coordinator.client.post(`/sprints/${sprintId}/series`, { seriesId, agencyId });
    const first = expectStatus(await assign(s1.id, be.agency.id), 200).body as unknown as Assignment;
    expect(first).toMatchObject({
      assignedAgencyId: be.agency.id,
      outcome: 'pending',
      series: { number: s1.number },
    });
    expectStatus(await assign(s2.id, nl.agency.id), 200);
    const notShared = await assign(hidden.id, nl.agency.id);
    const missing = await assign(randomUUID(), nl.agency.id);
    expect([notShared.status, errorCode(notShared)]).toEqual([400, 'VALIDATION_FAILED']);
    expect((notShared.body.error as JsonObject).message).toBe(
      ((missing.body.error as JsonObject).message as string).replace(/[0-9a-f-]{36}/, hidden.id),
    );
    const outsider = await assign(s2.id, de.agency.id);
    expect([outsider.status, errorCode(outsider)]).toEqual([400, 'VALIDATION_FAILED']);
    const byParticipant = await be.client.post(`/sprints/${sprintId}/series`, {
      seriesId: s1.id,
      agencyId: be.agency.id,
    });
    expect(byParticipant.status).toBe(403);
    const identified = await createSeries(nl.client, [material.media.get('one.jpg')!]);
    await shareSeries(nl.client, identified.id, [coordinator.agency.id]);
    expectStatus(
      await nl.client.post(`/series/${identified.id}/status`, { status: 'victim_identified' }),
      200,
    );
    const done = await assign(identified.id, coordinator.agency.id);
    expect([done.status, errorCode(done)]).toEqual([409, 'CONFLICT']);
    const news = expectStatus(
      await be.client.get<{ notifications: { kind: string; seriesId: string }[] }>('/notifications'),
      200,
    ).body.notifications;
    expect(news.find((n) => n.seriesId === s1.id)?.kind).toBe('sprint_assigned');
  });

  it('records outcomes by the assigned agency only', async () => {
    const record = (who: Member, seriesId: string, body: JsonObject) =>
      who.client.put<Assignment>(`/sprints/${sprintId}/series/${seriesId}`, body);
    const noCountry = await record(be, s1.id, { outcome: 'country_found' });
    expect([noCountry.status, errorCode(noCountry)]).toEqual([400, 'VALIDATION_FAILED']);
    const lower = await record(be, s1.id, { outcome: 'country_found', probableCountry: 'pt' });
    expect(lower.status).toBe(400);
    const notMine = await record(nl, s1.id, { outcome: 'no_country' });
    expect([notMine.status, errorCode(notMine)]).toEqual([403, 'FORBIDDEN']);
    const found = expectStatus(
      await record(be, s1.id, {
        outcome: 'country_found',
        probableCountry: 'PT',
        note: 'Socket type F, box brand',
      }),
      200,
    ).body;
    expect(found).toMatchObject({ outcome: 'country_found', probableCountry: 'PT' });
    expectStatus(await record(nl, s2.id, { outcome: 'no_country', note: 'Nothing to go on' }), 200);
    const unassigned = await record(nl, hidden.id, { outcome: 'no_country' });
    expect(unassigned.status).toBe(404);
    const foreign = await record(de, s1.id, { outcome: 'no_country' });
    expect(foreign.status).toBe(404);
  });

  it('builds the dissemination package per country without media, then disseminates it', async () => {
    const before = expectStatus(await be.client.get(`/sprints/${sprintId}/report`), 200).body;
    expect(before).toMatchObject({
      seriesAssigned: 2,
      seriesEvaluated: 2,
      countriesFound: [{ country: 'PT', series: 1 }],
      seriesDisseminated: 0,
      victimsIdentified: 0,
    });
    const response = await coordinator.client.get(`/sprints/${sprintId}/packages/PT`);
    expectStatus(response, 200);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="dissemination-PT-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const pkg = response.body as {
      format: string;
      series: {
        number: string;
        finding: JsonObject;
        clues: JsonObject[];
        victims: JsonObject[];
        hashes: { values: Record<string, string> }[];
        mediaIncluded: boolean;
      }[];
    };
    expect(pkg.format).toBe('haven-dissemination/1');
    expect(pkg.series.map((s) => s.number)).toEqual([s1.number]);
    const [series] = pkg.series;
    expect(series!.finding).toMatchObject({ country: 'PT', note: 'Socket type F, box brand' });
    expect(series!.clues).toEqual([
      expect.objectContaining({
        kind: 'packaging',
        note: 'Cereal box, regional brand',
        rect: { x: 10, y: 20, width: 100, height: 50 },
      }),
    ]);
    expect(series!.victims).toEqual([expect.objectContaining({ sex: 'female', ageMin: 5, ageMax: 8 })]);
    expect(Object.keys(series!.hashes[0]!.values).sort()).toEqual(['md5', 'pdq', 'sha1', 'sha256']);
    expect(series!.hashes[0]!.values.sha256).toBe(series!.clues[0]!.mediaSha256);
    expect(series!.mediaIncluded).toBe(false);
    // No internal identifiers travel with the package.
    expect(response.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(
      expectStatus(
        await coordinator.client.get<{ series: unknown[] }>(`/sprints/${sprintId}/packages/FR`),
        200,
      ).body.series,
    ).toEqual([]);
    expect((await be.client.get(`/sprints/${sprintId}/packages/PT`)).status).toBe(403);
    // An investigator holds no taskforce.manage (a foreign coordinator is refused by the access matrix).
    expect((await de.client.get(`/sprints/${sprintId}/packages/PT`)).status).toBe(403);
    expect((await coordinator.client.get(`/sprints/${sprintId}/packages/pt`)).status).toBe(400);
    expect((await coordinator.client.get(`/sprints/${sprintId}/packages/PRT`)).status).toBe(400);

    const sent = expectStatus(
      await coordinator.client.post<{ series: string[] }>(`/sprints/${sprintId}/packages/PT/disseminate`),
      200,
    ).body;
    expect(sent.series).toEqual([s1.number]);
    expect(expectStatus(await nl.client.get<SeriesReply>(`/series/${s1.id}`), 200).body.status).toBe(
      'disseminated',
    );
    const ownerNews = expectStatus(
      await nl.client.get<{ notifications: { kind: string; seriesId: string; details: JsonObject }[] }>(
        '/notifications',
      ),
      200,
    ).body.notifications;
    expect(ownerNews.find((n) => n.seriesId === s1.id && n.kind === 'series_status')?.details).toMatchObject({
      to: 'disseminated',
    });
    // The receiving side identifies the victim; the report counts it.
    expectStatus(await nl.client.post(`/series/${s1.id}/status`, { status: 'victim_identified' }), 200);
    const after = expectStatus(await coordinator.client.get(`/sprints/${sprintId}/report`), 200).body;
    expect(after).toMatchObject({ seriesDisseminated: 1, victimsIdentified: 1 });
    const actions = await server().haven.db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE object_type = 'sprint' AND object_id = $1 ORDER BY seq",
      [sprintId],
    );
    expect(actions.map((row) => row.action)).toEqual([
      'sprint.create',
      'sprint.assign',
      'sprint.assign',
      'sprint.outcome',
      'sprint.outcome',
      'sprint.package',
      'sprint.package',
      'sprint.disseminate',
    ]);
  });
});
