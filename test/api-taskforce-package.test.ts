import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode, expectStatus, seedAgency, seedUser, signedInClient } from './support/api-client.js';
import type { ApiClient } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import { zipEntries } from './support/unzip.js';
import { readVics } from '#haven/sharing/vics/vics-reader.js';
import {
  agencyWithMember,
  createSeries,
  shareSeries,
  uploadCase,
  type Member,
  type SeriesReply,
} from './support/workspace.js';

/**
 * The dissemination package as a zip over real HTTP: NL owns two series found to be produced in
 * PT, one shared with the whole network (its media travel), one with selected agencies only (its
 * media stay home); a coordinator who may take originals out and one who may not download it.
 */

const server = apiServerForFile();

let nl: Member;
let be: Member;
let coordinator: ApiClient;
let coordinatorWithoutOriginals: ApiClient;
let pictures: Buffer[];
let networkSeries: SeriesReply;
let selectedSeries: SeriesReply;
let sprintId: string;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function download(client: ApiClient, path: string): Promise<Response> {
  return fetch(`${client.baseUrl}/api/v1${path}`, {
    headers: { cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
  });
}

beforeAll(async () => {
  const { haven, url } = server();
  [nl, be] = await Promise.all([agencyWithMember(haven, url, 'NL'), agencyWithMember(haven, url, 'BE')]);
  const taskforce = await seedAgency(haven, { country: 'NL', type: 'international' });
  coordinator = await signedInClient(
    url,
    await seedUser(haven, { agencyId: taskforce.id, roles: ['taskforce_coordinator', 'investigator'] }),
  );
  coordinatorWithoutOriginals = await signedInClient(
    url,
    await seedUser(haven, { agencyId: taskforce.id, roles: ['taskforce_coordinator'] }),
  );
  pictures = await Promise.all([6101, 6102].map((seed) => pictureJpeg(seed)));
  const material = await uploadCase(
    nl.client,
    pictures.map((bytes, index) => ({ name: `p${index}.jpg`, bytes })),
    { sharing: 'network' },
  );
  networkSeries = await createSeries(nl.client, [material.media.get('p0.jpg')!]);
  expectStatus(
    await nl.client.put(`/series/${networkSeries.id}/sharing`, { sharing: 'network', agencies: [] }),
    200,
  );
  selectedSeries = await createSeries(nl.client, [material.media.get('p1.jpg')!]);
  await shareSeries(nl.client, selectedSeries.id, [taskforce.id, be.agency.id]);
  expectStatus(
    await nl.client.post(`/series/${networkSeries.id}/clues`, {
      mediaId: material.media.get('p0.jpg')!,
      kind: 'text',
      rect: { x: 5, y: 6, width: 70, height: 20 },
      note: '=HYPERLINK("http://x"), "quoted", two\nlines',
    }),
    201,
  );
  sprintId = expectStatus(
    await coordinator.post<{ id: string }>('/sprints', {
      name: 'VIDTF zip',
      startsOn: '2026-11-02',
      endsOn: '2026-11-13',
      agencies: [be.agency.id],
    }),
    201,
  ).body.id;
  for (const series of [networkSeries, selectedSeries]) {
    expectStatus(
      await coordinator.post(`/sprints/${sprintId}/series`, { seriesId: series.id, agencyId: be.agency.id }),
      200,
    );
    expectStatus(
      await be.client.put(`/sprints/${sprintId}/series/${series.id}`, {
        outcome: 'country_found',
        probableCountry: 'PT',
        note: `Plug type F; ${series.number}`,
      }),
      200,
    );
  }
});

describe('dissemination package as a zip', () => {
  it('carries summaries, the hash list as CSV and VICS, and media only for network-shared series', async () => {
    const response = await download(coordinator, `/sprints/${sprintId}/packages/PT/zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="dissemination-PT-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    const entries = await zipEntries(Buffer.from(await response.arrayBuffer()));
    const networkFile = `media/${networkSeries.number}/${sha256(pictures[0]!)}.jpg`;
    expect([...entries.keys()].sort()).toEqual(
      [
        'README.txt',
        'clues.csv',
        'hashes.csv',
        'hashes.vics.json',
        'media.csv',
        'package.json',
        'series.csv',
        networkFile,
      ].sort(),
    );
    // The original, byte for byte; the selected-only series' picture is not there.
    expect(sha256(entries.get(networkFile)!)).toBe(sha256(pictures[0]!));
    const mediaCsv = entries.get('media.csv')!.toString('utf8');
    expect(mediaCsv).toContain(`${selectedSeries.number},${sha256(pictures[1]!)},image/jpeg,,`);
    expect(mediaCsv).toContain('not with the whole network');

    const pkg = JSON.parse(entries.get('package.json')!.toString('utf8')) as {
      country: string;
      series: { number: string }[];
    };
    expect(pkg.country).toBe('PT');
    expect(pkg.series.map((s) => s.number).sort()).toEqual(
      [networkSeries.number, selectedSeries.number].sort(),
    );

    const hashes = entries.get('hashes.csv')!.toString('utf8').trim().split('\r\n');
    expect(hashes[0]).toBe('series,kind,md5,sha1,sha256,pdq,width,height');
    expect(hashes).toHaveLength(3);
    for (const [index, picture] of pictures.entries()) {
      const md5 = createHash('md5').update(picture).digest('hex');
      const line = hashes.find((row) => row.includes(sha256(picture)))!;
      expect(line.startsWith(`${[networkSeries, selectedSeries][index]!.number},image,${md5},`)).toBe(true);
      expect(line.split(',')[5]).toMatch(/^[0-9a-f]{64}$/);
    }

    // The VICS file reads back with Haven's own streaming reader: one record per medium.
    const records: Record<string, unknown>[] = [];
    const vics = entries.get('hashes.vics.json')!;
    for await (const batch of readVics(
      (async function* () {
        yield await Promise.resolve(vics);
      })(),
    )) {
      for (const event of batch) {
        if (event.kind === 'media') {
          records.push(event.record as Record<string, unknown>);
        }
      }
    }
    expect(records.map((record) => record.SHA1)).toEqual(
      expect.arrayContaining(pictures.map((p) => createHash('sha1').update(p).digest('hex').toUpperCase())),
    );
    expect(records.map((record) => record.Series).sort()).toEqual(
      [networkSeries.number, selectedSeries.number].sort(),
    );

    // A hostile note stays one CSV cell and reads as text in a spreadsheet.
    const clues = entries.get('clues.csv')!.toString('utf8');
    expect(clues).toContain(`"'=HYPERLINK(""http://x""), ""quoted"", two\nlines"`);
    expect(clues).toContain(',5,6,70,20\r\n');
    expect(entries.get('series.csv')!.toString('utf8')).toContain('Plug type F');

    // No internal identifier leaves in any text file.
    for (const [name, bytes] of entries) {
      if (!name.startsWith('media/')) {
        expect(bytes.toString('utf8'), name).not.toMatch(UUID);
      }
    }
    const audit = await server().haven.db.query<{ details: { format: string; mediaIncluded: string[] } }>(
      "SELECT details FROM audit_log WHERE action = 'sprint.package' AND object_id = $1 ORDER BY seq",
      [sprintId],
    );
    expect(audit.at(-1)?.details).toMatchObject({ format: 'zip', mediaIncluded: [sha256(pictures[0]!)] });
  });

  it('keeps the media home for a coordinator whose role may not take originals out', async () => {
    const response = await download(coordinatorWithoutOriginals, `/sprints/${sprintId}/packages/PT/zip`);
    expect(response.status).toBe(200);
    const entries = await zipEntries(Buffer.from(await response.arrayBuffer()));
    expect([...entries.keys()].filter((name) => name.startsWith('media/'))).toEqual([]);
    expect(entries.get('media.csv')!.toString('utf8')).toContain('your role may not take originals out');
  });

  it('refuses participants, bad countries and unknown sprints with clear errors', async () => {
    expect((await download(be.client, `/sprints/${sprintId}/packages/PT/zip`)).status).toBe(403);
    for (const country of ['pt', 'PRT', 'P1', '%00', 'P%2F']) {
      const response = await coordinator.get(`/sprints/${sprintId}/packages/${country}/zip`);
      expect([response.status, errorCode(response)], country).toEqual([400, 'VALIDATION_FAILED']);
    }
    const unknown = await coordinator.get('/sprints/00000000-0000-4000-8000-000000000000/packages/PT/zip');
    expect(unknown.status).toBe(404);
    const empty = await download(coordinator, `/sprints/${sprintId}/packages/FR/zip`);
    const entries = await zipEntries(Buffer.from(await empty.arrayBuffer()));
    expect(entries.get('series.csv')!.toString('utf8').trim().split('\r\n')).toHaveLength(1);
  });
});
