import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  type ApiClient,
  bearer,
  createToken,
  errorCode,
  expectStatus,
  seedAgency,
  seedUser,
  signedInClient,
} from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { uploadFiles, waitForIngest } from './support/api-upload.js';
import { pictureJpeg } from './support/images.js';
import { rawZip } from './support/raw-zip.js';

const server = apiServerForFile();

interface ResultItem {
  path: string;
  sha256: string | null;
  mediaId: string | null;
  status: string;
  matches: Record<string, unknown>[];
}

/** Three agencies: A owns the material, B is the one A shares with, C is foreign. */
async function world() {
  const { haven, url } = server();
  const [a, b, c] = await Promise.all([
    seedAgency(haven, { country: 'NL', contact: 'vic-a@example.org' }),
    seedAgency(haven, { country: 'BE' }),
    seedAgency(haven, { country: 'DE' }),
  ]);
  const investigator = async (agencyId: string): Promise<ApiClient> =>
    signedInClient(url, await seedUser(haven, { agencyId, roles: ['investigator'] }));
  return {
    haven,
    url,
    a,
    b,
    c,
    userA: await investigator(a.id),
    userB: await investigator(b.id),
    userC: await investigator(c.id),
  };
}

async function ingestUploads(
  client: ApiClient,
  reference: string,
  files: { name: string; bytes: Uint8Array }[],
): Promise<{ caseId: string; ingestId: string; items: ResultItem[] }> {
  const created = expectStatus(await client.post('/cases', { reference, title: 'Test series' }), 201);
  const caseId = created.body.id as string;
  const ingest = expectStatus(await client.post('/ingests', { caseId }), 201);
  const ingestId = ingest.body.id as string;
  expect(ingest.body.state).toBe('uploading');
  const uploaded = await uploadFiles(client, ingestId, files);
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  expectStatus(await client.post(`/ingests/${ingestId}/start`), 202);
  await waitForIngest(client, ingestId);
  const results = expectStatus(
    await client.get<{ items: ResultItem[] }>(`/ingests/${ingestId}/results`),
    200,
  );
  return { caseId, ingestId, items: results.body.items };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('material over the API', () => {
  it('uploads, triages, shows metadata, previews and originals, all audited', async () => {
    const { haven, url, a, userA } = await world();
    const one = await pictureJpeg(700, 640, 480);
    const two = await pictureJpeg(701, 640, 480);
    const zip = rawZip([{ name: 'inside/three.jpg', data: await pictureJpeg(702, 320, 240), deflate: true }]);
    const { ingestId, items } = await ingestUploads(userA, `A-${Date.now()}`, [
      { name: 'DCIM/one.jpg', bytes: one },
      { name: 'two.jpg', bytes: two },
      { name: 'copy/one-again.jpg', bytes: one },
      { name: '../../etc/evil.zip', bytes: zip },
    ]);
    expect(items.map((item) => [item.path, item.status])).toEqual([
      ['upload/DCIM/one.jpg', 'new'],
      ['upload/copy/one-again.jpg', 'new'],
      ['upload/etc/evil.zip', 'new'],
      ['upload/etc/evil.zip!/inside/three.jpg', 'new'],
      ['upload/two.jpg', 'new'],
    ]);
    const first = items[0]!;
    expect(first.sha256).toBe(sha256(one));
    expect(items[1]!.mediaId).toBe(first.mediaId);

    const media = expectStatus(await userA.get(`/media/${first.mediaId}`), 200).body;
    expect(media).toMatchObject({
      sha256: sha256(one),
      mime: 'image/jpeg',
      width: 640,
      height: 480,
      kind: 'image',
    });
    expect((media.hashes as { signal: string }[]).map((hash) => hash.signal).sort()).toEqual([
      'md5',
      'pdq',
      'sha1',
      'sha256',
    ]);
    expect((media.occurrences as { path: string }[]).map((o) => o.path)).toEqual([
      'upload/DCIM/one.jpg',
      'upload/copy/one-again.jpg',
    ]);

    const blurred = await fetch(`${url}/api/v1/media/${first.mediaId}/preview`, {
      headers: cookieHeaders(userA),
    });
    expect(blurred.status).toBe(200);
    expect(blurred.headers.get('content-type')).toBe('image/webp');
    expect(blurred.headers.get('cache-control')).toContain('no-store');
    const blurredStats = await sharp(Buffer.from(await blurred.arrayBuffer())).stats();
    const [r, g, b] = blurredStats.channels;
    expect(Math.abs(r!.mean - g!.mean) + Math.abs(g!.mean - b!.mean)).toBeLessThan(2);
    const clear = await fetch(`${url}/api/v1/media/${first.mediaId}/preview?variant=clear`, {
      headers: cookieHeaders(userA),
    });
    expect(clear.status).toBe(200);

    const original = await fetch(`${url}/api/v1/media/${first.mediaId}/original`, {
      headers: cookieHeaders(userA),
    });
    expect(original.status).toBe(200);
    expect(Buffer.from(await original.arrayBuffer()).equals(Buffer.from(one))).toBe(true);
    const range = await fetch(`${url}/api/v1/media/${first.mediaId}/original`, {
      headers: { ...cookieHeaders(userA), range: 'bytes=10-19' },
    });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 10-19/${one.length}`);
    expect(Buffer.from(await range.arrayBuffer()).equals(Buffer.from(one.subarray(10, 20)))).toBe(true);

    const audit = await haven.db.query<{ action: string; object_id: string | null; agency_id: string }>(
      `SELECT action, object_id, agency_id FROM audit_log
       WHERE action IN ('media.preview', 'media.preview.clear', 'media.original', 'ingest.upload', 'ingest.start')
       ORDER BY seq`,
    );
    expect(audit.map((row) => row.action)).toEqual([
      'ingest.upload',
      'ingest.start',
      'media.preview',
      'media.preview.clear',
      'media.original',
      'media.original',
    ]);
    expect(audit.every((row) => row.agency_id === a.id)).toBe(true);
    expect(
      audit.filter((row) => row.action.startsWith('media')).every((row) => row.object_id === first.mediaId),
    ).toBe(true);
    const ingest = expectStatus(await userA.get(`/ingests/${ingestId}`), 200).body;
    expect(ingest.progress).toMatchObject({ files: 5, pending: 0, new: 5, distinctMedia: 4 });
  });

  it('tells other agencies that a match exists and who holds it, and details only within sharing', async () => {
    const { a, b, userA, userB, userC, url } = await world();
    const picture = await pictureJpeg(710, 640, 480);
    const reference = `SHARE-${Date.now()}`;
    const { caseId, items } = await ingestUploads(userA, reference, [{ name: 'p.jpg', bytes: picture }]);
    const mediaId = items[0]!.mediaId!;

    // C (foreign) uploads a resized copy: told it is held, by whom, but not what or where.
    const resized = await sharp(picture).resize(320).jpeg({ quality: 80 }).toBuffer();
    const foreign = await ingestUploads(userC, `C-${Date.now()}`, [{ name: 'found.jpg', bytes: resized }]);
    expect(foreign.items[0]!.status).toBe('near');
    const restricted = foreign.items[0]!.matches[0]!;
    expect(restricted).toMatchObject({ restricted: true, signal: 'pdq', kind: 'image' });
    expect(restricted.holders).toEqual([{ agency: a.name, country: 'NL', contact: 'vic-a@example.org' }]);
    expect(restricted).not.toHaveProperty('mediaId');
    expect(restricted).not.toHaveProperty('sha256');
    expect(restricted).not.toHaveProperty('cases');

    // A foreign id answers exactly like an id that does not exist.
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/cases/${caseId}`, `/media/${mediaId}`, `/media/${mediaId}/preview`]) {
      const seen = await userC.get(path);
      const none = await userC.get(path.replace(/[0-9a-f-]{36}/, missing));
      expect(seen.status, path).toBe(404);
      expect(strip(seen.body)).toEqual(strip(none.body));
    }
    expect(errorCode(await userB.get(`/media/${mediaId}`))).toBe('NOT_FOUND');

    // Lookup by hash: B learns it exists but not more, until A shares the case with B.
    const lookup = { hashes: [{ signal: 'sha256', value: sha256(picture) }] };
    const before = expectStatus(await userB.post('/lookup', lookup), 200).body as {
      results: { status: string; matches: Record<string, unknown>[] }[];
    };
    expect(before.results[0]).toMatchObject({ status: 'exact', matches: [{ restricted: true }] });
    expectStatus(await userA.put(`/cases/${caseId}/sharing`, { sharing: 'selected', agencies: [b.id] }), 200);
    const after = expectStatus(await userB.post('/lookup', lookup), 200).body as typeof before;
    expect(after.results[0]!.matches[0]).toMatchObject({ restricted: false, mediaId, cases: [reference] });
    expectStatus(await userB.get(`/media/${mediaId}`), 200);
    expect((await userC.get(`/media/${mediaId}`)).status).toBe(404);

    // Shared, but not theirs: B may look, not add material or change sharing.
    expect(errorCode(await userB.post('/ingests', { caseId }))).toBe('FORBIDDEN');
    expect(errorCode(await userB.put(`/cases/${caseId}/sharing`, { sharing: 'network', agencies: [] }))).toBe(
      'FORBIDDEN',
    );
    expectStatus(await userA.put(`/cases/${caseId}/sharing`, { sharing: 'network', agencies: [] }), 200);
    expectStatus(await userC.get(`/media/${mediaId}`), 200);

    // Tokens carry their user's agency scope.
    const tokenC = await createToken(userC, { scopes: ['media.read', 'lookup.hash'] });
    expectStatus(await userA.put(`/cases/${caseId}/sharing`, { sharing: 'agency', agencies: [] }), 200);
    expect((await bearer(url, tokenC).get(`/media/${mediaId}`)).status).toBe(404);
  });

  it('stores hostile text verbatim and returns it as inert JSON', async () => {
    const { userA, haven } = await world();
    const title = `'); DROP TABLE cases; -- <script>alert("x")</script> \u202e`;
    const created = expectStatus(await userA.post('/cases', { reference: `INJ-${Date.now()}`, title }), 201);
    const fetched = await userA.get(`/cases/${created.body.id as string}`);
    expect(fetched.body.title).toBe(title);
    expect(fetched.headers.get('content-type')).toContain('application/json');
    expect(fetched.headers.get('x-content-type-options')).toBe('nosniff');
    expect(fetched.text).not.toContain('<script>alert("x")</script>'.replace(/"/g, "'"));
    const tables = await haven.db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'cases'");
    expect(tables).toHaveLength(1);
  });
});

function cookieHeaders(client: ApiClient): Record<string, string> {
  return { cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
}

/** An error body without its request id (which differs per request by design). */
function strip(body: Record<string, unknown>): unknown {
  const error = (body as { error?: Record<string, unknown> }).error ?? {};
  return { code: error.code, message: error.message };
}
