import { createReadStream, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { auditService } from '#haven/audit/audit.service.js';
import { readVics } from '#haven/sharing/vics/vics-reader.js';
import { parseVicsMedia } from '#haven/sharing/vics/vics-record.js';
import type { VicsMedia } from '#haven/sharing/vics/vics.types.js';
import type { ApiClient } from './support/api-client.js';
import { apiServerForFile, startApiServer } from './support/api-server.js';
import { tempDir } from './support/temp-dir.js';
import { hashesOf, mediaFile, portalMedia, v2Context } from './support/vics-fixtures.js';
import { agencyWithMember, unique } from './support/workspace.js';

const server = apiServerForFile();

/** Posts files as multipart/form-data with the client's credentials (a streamed upload). */
async function upload(
  client: ApiClient,
  route: string,
  files: readonly { name: string; text: string | Buffer }[],
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const form = new FormData();
  for (const file of files) {
    form.append('file', new Blob([file.text]), file.name);
  }
  const headers: Record<string, string> = {
    cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
  };
  if (client.csrfToken) {
    headers['x-csrf-token'] = client.csrfToken;
  }
  const response = await fetch(`${client.baseUrl}/api/v1${route}`, { method: 'POST', headers, body: form });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}

async function parsedText(text: string): Promise<VicsMedia[]> {
  const file = path.join(tempDir(), 'doc.json');
  writeFileSync(file, text);
  const out: VicsMedia[] = [];
  for await (const events of readVics(createReadStream(file))) {
    for (const event of events) {
      if (event.kind === 'media') {
        out.push(parseVicsMedia(event.record, event.recordNumber, 'us'));
      }
    }
  }
  return out.sort((a, b) => a.mediaId.localeCompare(b.mediaId));
}

function portalFile(seeds: readonly string[], extra: Record<number, Record<string, unknown>> = {}): string {
  return mediaFile(
    v2Context('US', 'Media'),
    seeds.map((seed, i) => ({
      ...portalMedia(i + 1, seed, (i % 2) + 1),
      AlternativeHashes: [{ HashName: 'PDQ', HashValue: hashesOf(seed).pdq }],
      ...extra[i],
    })),
  );
}

describe('hash sets over HTTP', () => {
  it('dry-runs, imports, lists and exports a streamed VICS upload; the export imports back to the same set', async () => {
    const { haven, url } = server();
    const { client } = await agencyWithMember(haven, url, 'NL');
    const name = `portal-${unique()}`;
    const text = portalFile(['h-1', 'h-2', 'h-3']);

    const dry = await upload(client, `/hashsets/${name}/import?dryRun=true&trust=verified`, [
      { name: 'portal.json', text },
    ]);
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, records: 3, added: 3, format: 'vics', variant: 'US' });
    const listed = async (): Promise<Record<string, unknown>[]> =>
      (await client.get<{ hashSets: Record<string, unknown>[] }>('/hashsets')).body.hashSets.filter(
        (set) => set.name === name,
      );
    expect(await listed()).toEqual([]);

    const done = await upload(client, `/hashsets/${name}/import?trust=verified&licence=LE%20only`, [
      { name: 'portal.json', text },
    ]);
    expect(done.status, done.text).toBe(201);
    expect(done.body).toMatchObject({ dryRun: false, added: 3, skipped: 0 });
    expect(await listed()).toEqual([
      expect.objectContaining({
        entries: 3,
        trust: 'verified',
        licence: 'LE only',
        source: 'portal.json',
        scheme: 'vics_us',
      }),
    ]);

    const exported = await client.get(`/hashsets/${name}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await parsedText(exported.text)).toEqual(await parsedText(text));
    const again = await upload(client, `/hashsets/${name}/import`, [
      { name: 'again.json', text: exported.text },
    ]);
    expect(again.body).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 3 });

    const csv = await client.get(`/hashsets/${name}/export?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\n')).toHaveLength(4);
    const pdq = await client.get(`/hashsets/${name}/export?format=pdq`);
    expect(pdq.text).toContain(hashesOf('h-2').pdq);

    const audit = await auditService.search(haven.db, { action: 'hashset.export', limit: 50 });
    expect(audit.filter((a) => a.details.name === name).map((a) => a.details.format)).toEqual([
      'pdq',
      'csv',
      'vics',
    ]);
  });

  it('refuses a bad record with its number and field and stores nothing; best effort skips it and says so', async () => {
    const { haven, url } = server();
    const { client } = await agencyWithMember(haven, url, 'BE');
    const name = `bad-${unique()}`;
    const text = portalFile(['b-1', 'b-2', 'b-3'], { 1: { MD5: 'abc' } });
    const refused = await upload(client, `/hashsets/${name}/import`, [{ name: 'bad.json', text }]);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: 'IMPORT_INVALID' } });
    expect(refused.text).toMatch(/bad\.json/);
    expect(refused.text).toMatch(/record 2/);
    expect(refused.text).toMatch(/MD5/);
    expect(
      (await client.get<{ hashSets: { name: string }[] }>('/hashsets')).body.hashSets.map((s) => s.name),
    ).not.toContain(name);

    const best = await upload(client, `/hashsets/${name}/import?bestEffort=true`, [
      { name: 'bad.json', text },
    ]);
    expect(best.status, best.text).toBe(201);
    expect(best.body).toMatchObject({ added: 2, skipped: 1 });
    expect((best.body.problems as string[])[0]).toMatch(/record 2.*MD5/);
  });

  it('refuses hostile uploads and parameters with clear errors, leaving no set and no spooled file', async () => {
    const { haven, url } = server();
    const { client } = await agencyWithMember(haven, url, 'DE');
    const name = `hostile-${unique()}`;
    const cases: [string, { name: string; text: string | Buffer }[], number, string][] = [
      [
        `/hashsets/${name}/import`,
        [
          {
            name: 'broken.json',
            text: '{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media", "value": [{"MediaID": 1,',
          },
        ],
        422,
        'IMPORT_INVALID',
      ],
      [
        `/hashsets/${name}/import`,
        [
          {
            name: 'ctx.json',
            text: mediaFile('http://example.org/not-vics#Media', [portalMedia(1, 'x', 1)]),
          },
        ],
        422,
        'IMPORT_INVALID',
      ],
      [
        `/hashsets/${name}/import`,
        [{ name: 'latin1.txt', text: Buffer.from([0x61, 0xe9, 0xff, 0xfe, 0x0a]) }],
        422,
        'IMPORT_INVALID',
      ],
      [`/hashsets/${name}/import`, [{ name: '../../etc/passwd', text: '' }], 422, 'IMPORT_INVALID'],
      [
        `/hashsets/${name}/import`,
        [
          { name: 'a.json', text: portalFile(['t-1']) },
          { name: 'b.json', text: portalFile(['t-2']) },
        ],
        400,
        'INVALID_ARGUMENT',
      ],
      [`/hashsets/${name}/import`, [], 400, 'INVALID_ARGUMENT'],
      [
        `/hashsets/${name}/import?trust=absolute`,
        [{ name: 'a.json', text: portalFile(['t-3']) }],
        400,
        'VALIDATION_FAILED',
      ],
      [
        `/hashsets/${name}/import?dryRun=yes`,
        [{ name: 'a.json', text: portalFile(['t-3']) }],
        400,
        'VALIDATION_FAILED',
      ],
      [`/hashsets/%20%20/import`, [{ name: 'a.json', text: portalFile(['t-3']) }], 400, 'VALIDATION_FAILED'],
    ];
    for (const [route, files, status, code] of cases) {
      const response = await upload(client, route, files);
      expect(response.status, `${route} ${files.map((f) => f.name).join(',')}: ${response.text}`).toBe(
        status,
      );
      expect(response.body).toMatchObject({ error: { code } });
    }
    // A name longer than the router allows is refused before any handler runs.
    const long = await upload(client, `/hashsets/${'n'.repeat(201)}/import`, [{ name: 'a.json', text: 'x' }]);
    expect(long.status).toBe(414);
    const json = await client.post(`/hashsets/${name}/import`, { value: [] });
    expect(json.status).toBe(415);
    expect((await client.get(`/hashsets/${name}-missing/export`)).status).toBe(404);
    expect((await client.get(`/hashsets/${name}/export?format=xml`)).status).toBe(400);
    expect(
      (await client.get<{ hashSets: { name: string }[] }>('/hashsets')).body.hashSets.map((s) => s.name),
    ).not.toContain(name);
    const tmp = path.join(haven.config.dataDir, 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp).filter((f) => f.startsWith('hashset-upload-')) : []).toEqual(
      [],
    );
  });

  it('refuses an upload above the size limit with 413 and keeps nothing of it', async () => {
    const small = await startApiServer({ HAVEN_UPLOAD_FILE_LIMIT: '4096' });
    onTestFinished(() => small.close());
    const { client } = await agencyWithMember(small.haven, small.url, 'FR');
    const name = `big-${unique()}`;
    const text = portalFile(Array.from({ length: 200 }, (_, i) => `big-${i}`));
    expect(text.length).toBeGreaterThan(4096);
    const response = await upload(client, `/hashsets/${name}/import`, [{ name: 'big.json', text }]);
    expect(response.status, response.text).toBe(413);
    expect((await small.haven.db.query('SELECT 1 FROM hash_sets WHERE name = $1', [name])).length).toBe(0);
    const tmp = path.join(small.haven.config.dataDir, 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp).filter((f) => f.startsWith('hashset-upload-')) : []).toEqual(
      [],
    );
  });
});
