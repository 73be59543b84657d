import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode, expectStatus, type ApiClient, type ApiResponse } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { sharedPath } from './support/shared-data.js';
import {
  agencyWithMember,
  createSeries,
  uploadCase,
  type Member,
  type Uploaded,
} from './support/workspace.js';

/** Place and object search over real HTTP: held media, clues and uploads, across sharing levels. */

const server = apiServerForFile();

interface Pair {
  query: [number, number];
  candidate: [number, number];
}
interface Result {
  restricted: boolean;
  kind: string;
  score: number;
  accepted: boolean;
  inliers: number;
  mediaId?: string;
  sha256?: string;
  width?: number;
  height?: number;
  pairs?: Pair[];
  globalSimilarity?: number | null;
  holders?: { agency: string; country: string }[];
}
interface Results {
  probe: { width: number; height: number; region: unknown; keypoints: number };
  results: Result[];
}

let nl: Member;
let de: Member;
let own: Uploaded;
let foreign: Uploaded;

const file = (...parts: string[]): Buffer => readFileSync(sharedPath('testdata', ...parts));

beforeAll(async () => {
  const { haven, url } = server();
  [nl, de] = await Promise.all([agencyWithMember(haven, url, 'NL'), agencyWithMember(haven, url, 'DE')]);
  own = await uploadCase(nl.client, [
    { name: 'box.png', bytes: file('object', 'box', 'box.png') },
    { name: 'leuvenA.jpg', bytes: file('scene', 'leuven', 'leuvenA.jpg') },
    { name: 'leuvenB.jpg', bytes: file('scene', 'leuven', 'leuvenB.jpg') },
    { name: 'home.jpg', bytes: file('negative', 'home.jpg') },
  ]);
  // Held by another agency and not shared: a match says only that it exists and whom to ask.
  foreign = await uploadCase(de.client, [
    { name: 'box_in_scene.png', bytes: file('object', 'box', 'box_in_scene.png') },
  ]);
}, 180_000);

/**
 * Features are extracted by background jobs after ingest: asks again until `ready` holds (or fails
 * after a minute), as an investigator would look again a moment later.
 */
async function searchUntil(
  send: () => Promise<ApiResponse<Results>>,
  ready: (body: Results) => boolean,
): Promise<Results> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const body = expectStatus(await send(), 200).body;
    if (ready(body) || Date.now() > deadline) {
      return body;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function uploadSearch(
  client: ApiClient,
  bytes: Uint8Array,
  query = '',
): Promise<{ status: number; body: Results & { error?: { code: string } } }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'probe.bin');
  const headers: Record<string, string> = {
    cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
  };
  if (client.csrfToken) {
    headers['x-csrf-token'] = client.csrfToken;
  }
  const response = await fetch(`${client.baseUrl}/api/v1/similar${query}`, {
    method: 'POST',
    headers,
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Results & { error?: { code: string } } };
}

function expectPairsInside(result: Result, query: { width: number; height: number }): void {
  expect(result.pairs!.length).toBe(result.inliers);
  for (const pair of result.pairs!) {
    expect(pair.query[0]).toBeGreaterThanOrEqual(-1);
    expect(pair.query[0]).toBeLessThanOrEqual(query.width);
    expect(pair.query[1]).toBeLessThanOrEqual(query.height);
    expect(pair.candidate[0]).toBeLessThanOrEqual(result.width!);
    expect(pair.candidate[1]).toBeLessThanOrEqual(result.height!);
  }
}

describe('place and object search', () => {
  it('finds another view of the same place among held media, with the matched keypoints', async () => {
    const leuvenA = own.media.get('leuvenA.jpg')!;
    const leuvenB = own.media.get('leuvenB.jpg')!;
    const body = await searchUntil(
      () => nl.client.post<Results>(`/media/${leuvenA}/similar`, {}),
      // Its two explanations come from two jobs: wait for both (matched points, global similarity).
      (reply) =>
        reply.results.some(
          (r) => r.mediaId === leuvenB && r.inliers >= 12 && typeof r.globalSimilarity === 'number',
        ),
    );
    expect(body.probe).toMatchObject({ width: 751, height: 563, region: null });
    const hit = body.results.find((r) => r.mediaId === leuvenB);
    expect(hit).toMatchObject({ restricted: false, kind: 'place' });
    expect(hit!.globalSimilarity).toBeGreaterThan(0);
    expect(hit!.inliers).toBeGreaterThanOrEqual(12);
    expect(hit!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expectPairsInside(hit!, body.probe);
    // The medium itself and the unrelated picture are not results.
    expect(body.results.map((r) => r.mediaId)).not.toContain(leuvenA);
    expect(body.results.map((r) => r.mediaId)).not.toContain(own.media.get('home.jpg'));
    const audit = await server().haven.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'similarity.search' AND object_id = $1`,
      [leuvenA],
    );
    expect(Number(audit[0]!.n)).toBeGreaterThan(0);
  }, 120_000);

  it('on request lists look-alike candidates after the matches, unconfirmed, and only pictures one may see', async () => {
    const leuvenA = own.media.get('leuvenA.jpg')!;
    const leuvenB = own.media.get('leuvenB.jpg')!;
    const ready = (reply: Results): boolean =>
      reply.results.some((r) => r.mediaId === leuvenB && r.accepted) &&
      reply.results.filter((r) => !r.accepted).length >= 2;
    const body = await searchUntil(
      () => nl.client.post<Results>(`/media/${leuvenA}/similar`, { unconfirmed: true }),
      ready,
    );
    expect(ready(body), JSON.stringify(body.results)).toBe(true);
    const accepted = body.results.map((r) => r.accepted);
    // Matches first, then the rest: never a match after an unconfirmed candidate.
    expect(accepted).toEqual([...accepted].sort((a, b) => Number(b) - Number(a)));
    const unconfirmed = body.results.filter((r) => !r.accepted);
    expect(unconfirmed.map((r) => r.mediaId).sort()).toEqual(
      [own.media.get('box.png'), own.media.get('home.jpg')].sort(),
    );
    for (const candidate of unconfirmed) {
      expect(candidate.restricted).toBe(false);
      expect(candidate.inliers).toBeLessThan(12);
    }
    // The other agency's unrelated picture is no reason to send anyone there: absent, not restricted.
    expect(body.results.some((r) => r.restricted)).toBe(false);
    expect(body.results.map((r) => r.mediaId)).not.toContain(leuvenA);

    const plain = expectStatus(await nl.client.post<Results>(`/media/${leuvenA}/similar`, {}), 200).body;
    expect(plain.results.every((r) => r.accepted)).toBe(true);
    expect(plain.results.map((r) => r.mediaId)).toEqual(
      body.results.filter((r) => r.accepted).map((r) => r.mediaId),
    );

    const uploaded = await uploadSearch(
      nl.client,
      file('scene', 'leuven', 'leuvenB.jpg'),
      '?unconfirmed=true',
    );
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    expect(uploaded.body.results.filter((r) => !r.accepted).map((r) => r.mediaId)).toContain(
      own.media.get('home.jpg'),
    );
    const hostile = await uploadSearch(
      nl.client,
      file('scene', 'leuven', 'leuvenB.jpg'),
      '?unconfirmed=maybe',
    );
    expect(hostile.status).toBe(400);
    expect(hostile.body.error?.code).toBe('VALIDATION_FAILED');
  }, 120_000);

  it('from a clue rectangle finds the same object held by another agency, saying only whom to ask', async () => {
    const box = own.media.get('box.png')!;
    const series = await createSeries(nl.client, [box]);
    const clue = expectStatus(
      await nl.client.post(`/series/${series.id}/clues`, {
        mediaId: box,
        kind: 'packaging',
        rect: { x: 10, y: 10, width: 300, height: 200 },
        note: 'pasta box',
      }),
      201,
    ).body.id as string;
    const body = await searchUntil(
      () => nl.client.post<Results>(`/clues/${clue}/similar`, {}),
      (reply) => reply.results.some((r) => r.restricted && r.inliers >= 12),
    );
    expect(body.probe.region).toEqual({ x: 10, y: 10, width: 300, height: 200 });
    const hit = body.results.find((r) => r.restricted && r.inliers >= 12)!;
    expect(hit).toMatchObject({ kind: 'object', holders: [{ agency: de.agency.name, country: 'DE' }] });
    expect(hit.inliers).toBeGreaterThanOrEqual(12);
    for (const hidden of ['mediaId', 'sha256', 'pairs', 'width', 'height', 'globalSimilarity']) {
      expect(hit).not.toHaveProperty(hidden);
    }
    // The holder sees its own picture in full from the same kind of search.
    const back = await searchUntil(
      () =>
        de.client.post<Results>(`/media/${foreign.media.get('box_in_scene.png')!}/similar`, {
          region: { x: 90, y: 150, width: 190, height: 160 },
        }),
      (reply) => reply.results.length > 0,
    );
    expect(back.results[0]).toMatchObject({
      restricted: true,
      kind: 'object',
      holders: [{ agency: nl.agency.name }],
    });
  }, 120_000);

  it('searches with an uploaded image, whole or by region, storing nothing', async () => {
    const leuvenB = file('scene', 'leuven', 'leuvenB.jpg');
    const whole = await uploadSearch(nl.client, leuvenB);
    expect(whole.status, JSON.stringify(whole.body)).toBe(200);
    const ids = whole.body.results.map((r) => r.mediaId);
    expect(ids).toContain(own.media.get('leuvenA.jpg'));
    expect(ids).toContain(own.media.get('leuvenB.jpg'));
    const region = await uploadSearch(
      nl.client,
      file('object', 'box', 'box_in_scene.png'),
      '?region=90,150,190,160&limit=5',
    );
    expect(region.status, JSON.stringify(region.body)).toBe(200);
    expect(region.body.results.find((r) => r.mediaId === own.media.get('box.png'))).toMatchObject({
      kind: 'object',
      restricted: false,
    });
    const media = await server().haven.db.query<{ n: string | number }>('SELECT count(*) AS n FROM media');
    expect(Number(media[0]!.n)).toBe(5);
  }, 120_000);

  it('refuses hostile input with clear errors', async () => {
    const notImage = await uploadSearch(nl.client, new TextEncoder().encode('plain text, not a picture'));
    expect(notImage.status).toBe(422);
    expect(notImage.body.error?.code).toBe('IMAGE_UNDECODABLE');
    const outside = await uploadSearch(
      nl.client,
      file('object', 'box', 'box.png'),
      '?region=300,200,100,100',
    );
    expect(outside.status).toBe(400);
    expect(outside.body.error?.code).toBe('SIMILARITY_REGION_INVALID');
    const malformed = await uploadSearch(nl.client, file('object', 'box', 'box.png'), '?region=1,2,three,4');
    expect(malformed.status).toBe(400);
    const notMultipart = await nl.client.post('/similar', {});
    expect(notMultipart.status).toBe(415);
    const tooSmall = await nl.client.post(`/media/${own.media.get('box.png')!}/similar`, {
      region: { x: 0, y: 0, width: 4, height: 4 },
    });
    expect(errorCode(tooSmall)).toBe('VALIDATION_FAILED');
    // Another agency's medium and an unknown clue are simply not found.
    const foreignMedia = await nl.client.post(`/media/${foreign.media.get('box_in_scene.png')!}/similar`, {});
    expect(foreignMedia.status).toBe(404);
    const unknownClue = await nl.client.post('/clues/00000000-0000-4000-8000-000000000000/similar', {});
    expect(unknownClue.status).toBe(404);
  }, 60_000);
});
