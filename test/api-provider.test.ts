import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { systemActor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { hashSetImportService } from '#haven/sharing/hash-set-import.service.js';
import { hashSetService } from '#haven/sharing/hash-set.service.js';
import { bearer, errorCode, type JsonObject } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { tempDir } from './support/temp-dir.js';
import { hashesOf, mediaFile, portalMedia, v2Context } from './support/vics-fixtures.js';

const server = apiServerForFile();
const admin = systemActor('test-admin');
const run = promisify(execFile);

/** Imports a set (with PDQs): seeds ending -a/-0 are category 1 + Baseline, -b/-1 category 2, others category 1. */
async function sharedSet(name: string, seeds: string[], providerShared = true): Promise<void> {
  const { haven } = server();
  const media = seeds.map((seed) => ({
    ...portalMedia(`${name}-${seed}`, seed, /-(b|1)$/.test(seed) ? 2 : 1),
    Baseline: /-(a|0)$/.test(seed),
    AlternativeHashes: [{ HashName: 'PDQ', HashValue: hashesOf(seed).pdq }],
  }));
  const file = path.join(tempDir(), `${name}.json`);
  writeFileSync(file, mediaFile(v2Context('US', 'Media'), media));
  await hashSetImportService.importFile(haven.db, file, {
    name,
    purpose: 'known',
    source: 'test',
    licence: null,
    trust: 'verified',
    providerShared,
    mode: 'replace',
    dryRun: false,
    bestEffort: false,
    baseline: false,
    actor: admin,
  });
}

async function providerKey(
  org: string,
  options: { classifications?: string[]; baselineOnly?: boolean; rate?: number } = {},
): Promise<string> {
  const { haven } = server();
  await haven.providers.createOrg(
    {
      name: org,
      classifications: options.classifications ?? ['csam'],
      baselineOnly: options.baselineOnly ?? false,
    },
    admin,
  );
  const { key } = await haven.providers.issueKey(
    { provider: org, name: 'main', requestsPerMinute: options.rate ?? 100, days: 30 },
    admin,
  );
  return key;
}

function flip(hex: string, bits: number): string {
  const bytes = Buffer.from(hex, 'hex');
  for (let i = 0; i < bits; i += 1) {
    bytes[i]! ^= 0x01;
  }
  return bytes.toString('hex');
}

describe('provider API', () => {
  it('matches hashes exactly and near, says only what the organisation is entitled to, and audits every call', async () => {
    await sharedSet('ncmec-like', ['p-a', 'p-b', 'p-c']);
    await sharedSet('le-only', ['p-secret'], false);
    const key = await providerKey('Example Platform');
    const client = bearer(server().url, key);
    const a = hashesOf('p-a');
    const c = hashesOf('p-c');
    const response = await client.post<{ results: JsonObject[] }>('/provider/match', {
      hashes: [
        { type: 'md5', value: a.md5.toUpperCase() },
        { type: 'sha1', value: c.sha1 },
        { type: 'pdq', value: flip(c.pdq, 5) },
        { type: 'md5', value: hashesOf('p-b').md5 },
        { type: 'md5', value: hashesOf('p-secret').md5 },
        { type: 'pdq', value: flip(c.pdq, 40) },
        { type: 'sha1', value: hashesOf('unknown').sha1 },
      ],
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.results).toEqual([
      { result: 'match', match: 'exact', distance: 0, classification: 'csam', baseline: true },
      { result: 'match', match: 'exact', distance: 0, classification: 'csam', baseline: false },
      { result: 'match', match: 'near', distance: 5, classification: 'csam', baseline: false },
      // category 2 (exploitative) is outside this organisation's entitlement
      { result: 'no-known-match' },
      // a set not shared with providers
      { result: 'no-known-match' },
      { result: 'no-known-match' },
      { result: 'no-known-match' },
    ]);
    expect(response.text).not.toMatch(/ncmec-like|le-only|MediaID|series|agency/i);

    const audit = await auditService.search(server().haven.db, { action: 'provider.match', limit: 100 });
    expect(audit[0]).toMatchObject({
      actorName: 'provider:Example Platform/main',
      outcome: 'ok',
      details: { hashes: 7, matched: 3 },
    });
  });

  it('refuses missing, unknown and user credentials, bad hashes and oversized batches, auditing refusals', async () => {
    const key = await providerKey('Refusals Inc');
    const noKey = await bearer(server().url, 'hvp_' + 'x'.repeat(43)).post('/provider/match', {
      hashes: [{ type: 'md5', value: '0'.repeat(32) }],
    });
    expect(noKey.status).toBe(401);
    expect(errorCode(noKey)).toBe('PROVIDER_KEY_INVALID');
    const denied = await auditService.search(server().haven.db, { action: 'provider.match', limit: 100 });
    expect(denied.some((row) => row.outcome === 'denied')).toBe(true);
    const client = bearer(server().url, key);
    const wrongLength = await client.post('/provider/match', { hashes: [{ type: 'md5', value: 'abc' }] });
    expect(wrongLength.status).toBe(400);
    expect(wrongLength.text).toMatch(/hashes\.0\.value.*md5 takes 32 hexadecimal digits/);
    const notHex = await client.post('/provider/match', { hashes: [{ type: 'pdq', value: 'z'.repeat(64) }] });
    expect(notHex.status).toBe(400);
    const tooMany = await client.post('/provider/match', {
      hashes: Array.from({ length: 10_001 }, () => ({ type: 'md5', value: '0'.repeat(32) })),
    });
    expect(tooMany.status).toBe(400);
    const extra = await client.post('/provider/match', {
      hashes: [{ type: 'md5', value: '0'.repeat(32), id: 1 }],
    });
    expect(extra.status).toBe(400);
    // A provider key opens nothing else.
    expect((await client.get('/cases')).status).toBe(401);
  });

  it('limits calls per key per minute', async () => {
    const key = await providerKey('Rate Limited', { rate: 2 });
    const client = bearer(server().url, key);
    const body = { hashes: [{ type: 'md5', value: '0'.repeat(32) }] };
    expect((await client.post('/provider/match', body)).status).toBe(200);
    expect((await client.post('/provider/match', body)).status).toBe(200);
    const third = await client.post('/provider/match', body);
    expect(third.status).toBe(429);
    expect(errorCode(third)).toBe('RATE_LIMITED');
  });

  it('exports the entitled list in pages, then deletions since a time, and takes feedback', async () => {
    const { haven } = server();
    const seeds = Array.from({ length: 25 }, (_, i) => `e-${i}`);
    await sharedSet('export-set', seeds);
    const key = await providerKey('Exporter', { classifications: ['csam'], baselineOnly: false });
    const client = bearer(server().url, key);
    const all: JsonObject[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/provider/hashes?limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await client.get<{ hashes: JsonObject[]; next: string | null }>(query);
      expect(page.status, page.text).toBe(200);
      all.push(...page.body.hashes);
      cursor = page.body.next;
      pages += 1;
    } while (cursor && pages < 50);
    const mine = all.filter((h) => seeds.some((seed) => h.md5 === hashesOf(seed).md5));
    // 24 of 25 are category 1; seed 1 is category 2 and not entitled.
    expect(mine).toHaveLength(24);
    expect(mine.every((h) => h.deleted === false && h.classification === 'csam')).toBe(true);
    expect(Object.keys(mine[0]!).sort()).toEqual([
      'baseline',
      'classification',
      'deleted',
      'md5',
      'pdq',
      'sha1',
    ]);

    const since = new Date(Date.now() - 1000).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const mark = new Date().toISOString();
    await sharedSet('export-set', seeds.slice(2));
    const changes = await client.get<{ hashes: JsonObject[] }>(
      `/provider/hashes?since=${encodeURIComponent(mark)}`,
    );
    expect(changes.status, changes.text).toBe(200);
    expect(changes.body.hashes).toEqual([
      { md5: hashesOf('e-0').md5, sha1: hashesOf('e-0').sha1, pdq: hashesOf('e-0').pdq, deleted: true },
      { md5: hashesOf('e-1').md5, sha1: hashesOf('e-1').sha1, pdq: hashesOf('e-1').pdq, deleted: true },
    ]);
    expect(
      (await client.get(`/provider/hashes?since=${encodeURIComponent(since)}&cursor=forged`)).status,
    ).toBe(400);

    const feedback = await client.post('/provider/feedback', {
      items: [{ type: 'md5', value: hashesOf('e-3').md5, verdict: 'false_positive', note: 'reviewed' }],
    });
    expect(feedback.status, feedback.text).toBe(200);
    const rows = await haven.db.query<{ verdict: string }>('SELECT verdict FROM provider_feedback');
    expect(rows).toContainEqual({ verdict: 'false_positive' });
    expect(
      (await auditService.search(haven.db, { action: 'provider.feedback', limit: 100 }))[0],
    ).toMatchObject({
      outcome: 'ok',
    });
  });

  it('suppresses near matches to a confirmed false positive of the set (negative bank), not exact ones', async () => {
    const { haven } = server();
    await sharedSet('negative-set', ['n-a']);
    const key = await providerKey('Negative Bank');
    const client = bearer(server().url, key);
    const a = hashesOf('n-a');
    const near = flip(a.pdq, 6);
    const before = await client.post<{ results: JsonObject[] }>('/provider/match', {
      hashes: [{ type: 'pdq', value: near }],
    });
    expect(before.body.results[0]).toMatchObject({ result: 'match', match: 'near' });
    await hashSetService.addFalsePositive(haven.db, {
      name: 'negative-set',
      pdq: near,
      reason: 'benign lookalike',
      actor: admin,
    });
    const after = await client.post<{ results: JsonObject[] }>('/provider/match', {
      hashes: [
        { type: 'pdq', value: near },
        { type: 'md5', value: a.md5 },
      ],
    });
    expect(after.body.results).toEqual([
      { result: 'no-known-match' },
      { result: 'match', match: 'exact', distance: 0, classification: 'csam', baseline: true },
    ]);
  });

  it('is usable with curl as the OpenAPI description says', async () => {
    const key = await providerKey('Curl User');
    const spec = await bearer(server().url, key).get<{ paths: Record<string, Record<string, JsonObject>> }>(
      '/openapi.json',
    );
    const operation = spec.body.paths['/api/v1/provider/match']?.post;
    expect(operation).toMatchObject({ security: [{ providerKey: [] }] });
    const { stdout } = await run('curl', [
      '-sS',
      '-X',
      'POST',
      `${server().url}/api/v1/provider/match`,
      '-H',
      `Authorization: Bearer ${key}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify({ hashes: [{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }] }),
    ]);
    expect(JSON.parse(stdout)).toEqual({ results: [{ result: 'no-known-match' }] });
  });
});
