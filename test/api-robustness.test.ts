import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ApiClient,
  errorCode,
  expectStatus,
  seedAgency,
  seedUser,
  signedInClient,
} from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { uploadFiles } from './support/api-upload.js';
import { pictureJpeg } from './support/images.js';
import { REPO_ROOT } from './support/shared-data.js';

const server = apiServerForFile({
  HAVEN_UPLOAD_FILE_LIMIT: String(256 * 1024),
  HAVEN_IDLE_TIMEOUT_SECONDS: '2',
});

async function investigator(): Promise<ApiClient> {
  const { haven, url } = server();
  const agency = await seedAgency(haven);
  return signedInClient(url, await seedUser(haven, { agencyId: agency.id, roles: ['investigator'] }));
}

async function raw(
  path: string,
  init: RequestInit,
  client?: ApiClient,
): Promise<{ status: number; body: unknown }> {
  const headers = new Headers(init.headers);
  if (client) {
    headers.set('cookie', [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    headers.set('x-csrf-token', client.csrfToken ?? '');
  }
  const response = await fetch(`${server().url}${path}`, { ...init, headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body };
}

const code = (body: unknown): string => (body as { error?: { code?: string } }).error?.code ?? '';

describe('bad input over HTTP', () => {
  it('answers malformed, oversized and mistyped JSON with clear errors in one format', async () => {
    const client = await investigator();
    const json = { 'content-type': 'application/json' };
    const malformed = await raw(
      '/api/v1/cases',
      { method: 'POST', headers: json, body: '{"reference": ' },
      client,
    );
    expect([malformed.status, code(malformed.body)]).toEqual([400, 'INVALID_JSON']);
    const huge = await raw(
      '/api/v1/cases',
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ reference: 'x', title: 'y'.repeat(2_000_000) }),
      },
      client,
    );
    expect([huge.status, code(huge.body)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const unknown = await client.post('/cases', { reference: 'R-1', colour: 'red' });
    expect([unknown.status, errorCode(unknown)]).toEqual([400, 'VALIDATION_FAILED']);
    expect(JSON.stringify(unknown.body)).toContain('colour');
    const wrongType = await client.post('/cases', { reference: 42 });
    expect([wrongType.status, errorCode(wrongType)]).toEqual([400, 'VALIDATION_FAILED']);
    const notJson = await raw(
      '/api/v1/cases',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
      client,
    );
    expect([notJson.status, code(notJson.body)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const badId = await client.get('/cases/not-a-uuid');
    expect([badId.status, errorCode(badId)]).toEqual([400, 'VALIDATION_FAILED']);
    const badQuery = await client.get('/cases?reference=a&page=2');
    expect([badQuery.status, errorCode(badQuery)]).toEqual([400, 'VALIDATION_FAILED']);
    const noRoute = await client.get('/no-such-route');
    expect([noRoute.status, errorCode(noRoute)]).toEqual([404, 'NOT_FOUND']);
    const badHash = await client.post('/lookup', { hashes: [{ signal: 'pdq', value: 'zz' }] });
    expect([badHash.status, errorCode(badHash)]).toEqual([400, 'VALIDATION_FAILED']);
    const tooMany = await client.post('/lookup', {
      hashes: Array.from({ length: 1001 }, () => ({ signal: 'md5', value: '0'.repeat(32) })),
    });
    expect(tooMany.status).toBe(400);
    // Every one of those left the server working and unchanged.
    expect((await client.get('/cases')).status).toBe(200);
  });

  it('refuses an upload above the size limit and keeps nothing of it', async () => {
    const client = await investigator();
    const target = expectStatus(await client.post('/cases', { reference: `BIG-${Date.now()}` }), 201);
    const ingest = expectStatus(await client.post('/ingests', { caseId: target.body.id }), 201);
    const ingestId = ingest.body.id as string;
    const big = Buffer.alloc(600 * 1024, 7);
    const small = await pictureJpeg(900, 160, 120);
    const refused = await uploadFiles(client, ingestId, [{ name: 'big.bin', bytes: big }]);
    expect(refused.status).toBe(413);
    expect(code(refused.body)).toBe('PAYLOAD_TOO_LARGE');
    const accepted = await uploadFiles(client, ingestId, [{ name: 'small.jpg', bytes: small }]);
    expect(accepted.status).toBe(201);
    const progress = expectStatus(await client.get(`/ingests/${ingestId}`), 200);
    expect(progress.body.progress).toMatchObject({ files: 1 });
    const blobs = [];
    for await (const blob of server().haven.originals.list()) {
      blobs.push(blob);
    }
    const bigSha = (await import('node:crypto')).createHash('sha256').update(big).digest();
    expect(blobs.some((blob) => Buffer.from(blob).equals(bigSha))).toBe(false);
  });

  it('refuses a file that finishes streaming after its ingest was started', async () => {
    const client = await investigator();
    const target = expectStatus(await client.post('/cases', { reference: `RACE-${Date.now()}` }), 201);
    const ingestId = expectStatus(await client.post('/ingests', { caseId: target.body.id }), 201).body
      .id as string;
    const { ingests } = server().haven;
    const ingest = await ingests.get(ingestId);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slowFile(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('first half ');
      await held;
      yield Buffer.from('second half');
    }
    const upload = ingests.receiveUpload(ingest, 'late.txt', slowFile(), () => false, 1_000_000);
    expectStatus(await client.post(`/ingests/${ingestId}/start`), 202);
    release();
    await expect(upload).rejects.toMatchObject({ code: 'CONFLICT' });
    const late = await uploadFiles(client, ingestId, [{ name: 'later.txt', bytes: Buffer.from('x') }]);
    expect([late.status, code(late.body)]).toEqual([409, 'CONFLICT']);
  });

  it('drops a client that stops sending, and keeps serving others', async () => {
    const { url } = server();
    const { port, hostname } = new URL(url);
    const socket = net.connect(Number(port), hostname);
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      socket.on('close', () => {
        resolve(Date.now() - started);
      });
    });
    socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"user',
    );
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const after = await closed;
    expect(after).toBeLessThan(15_000);
  });

  it('treats forged or garbage credentials as no credentials', async () => {
    const { url } = server();
    const attempts: Record<string, string>[] = [
      { cookie: 'haven_session=forged-value-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      { cookie: 'haven_session=' },
      { authorization: 'Bearer hvn_forged' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { cookie: 'haven_session=' + 'x'.repeat(8000) },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${url}/api/v1/cases`, { headers });
      expect(response.status, JSON.stringify(headers).slice(0, 60)).toBe(401);
    }
  });
});

describe('health and the API description', () => {
  it('reports liveness and readiness', async () => {
    const { url } = server();
    const live = await fetch(`${url}/healthz`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    const body = (await ready.json()) as { ready: boolean; checks: Record<string, { ok: boolean }> };
    expect(ready.status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.checks.database!.ok).toBe(true);
    expect(body.checks.index!.ok).toBe(true);
    expect(live.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI document describing every route from the same schemas', async () => {
    const { url, haven } = server();
    const response = await fetch(`${url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const { apiParts } = await import('#haven/server/api-parts.js');
    const routes = apiParts(haven).routes;
    for (const route of routes) {
      const path = `/api/v1${route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      expect(operation?.operationId, `${route.method} ${path}`).toBe(route.operationId);
    }
    const operationIds = routes.map((route) => route.operationId);
    expect(new Set(operationIds).size).toBe(operationIds.length);
    // The committed copy (docs/openapi.json, for client generators) must not drift: `npm run openapi`.
    const committed = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8'),
    ) as unknown;
    expect(document).toEqual(committed);
  });
});
