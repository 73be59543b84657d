import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemActor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { hashSetImportService } from '#haven/sharing/hash-set-import.service.js';
import { bearer, errorCode, expectStatus, type JsonObject } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { tempDir } from './support/temp-dir.js';
import { hashesOf, mediaFile, portalMedia, v2Context } from './support/vics-fixtures.js';
import { agencyWithMember, unique } from './support/workspace.js';

const server = apiServerForFile();
const admin = systemActor('test-admin');

function flip(hex: string, bits: number): string {
  const bytes = Buffer.from(hex, 'hex');
  for (let i = 0; i < bits; i += 1) {
    bytes[i]! ^= 0x01;
  }
  return bytes.toString('hex');
}

/** A provider-shared set of category-1 entries with PDQs, and a key of a provider entitled to it. */
async function setAndProvider(seeds: string[]): Promise<{ name: string; key: string; org: string }> {
  const { haven } = server();
  const name = `fb-${unique()}`;
  const file = path.join(tempDir(), 'set.json');
  writeFileSync(
    file,
    mediaFile(
      v2Context('US', 'Media'),
      seeds.map((seed, i) => ({
        ...portalMedia(i + 1, seed, 1),
        AlternativeHashes: [{ HashName: 'PDQ', HashValue: hashesOf(seed).pdq }],
      })),
    ),
  );
  await hashSetImportService.importFile(haven.db, file, {
    name,
    purpose: 'known',
    source: 'test',
    licence: null,
    trust: 'verified',
    providerShared: true,
    mode: 'replace',
    dryRun: false,
    bestEffort: false,
    baseline: false,
    actor: admin,
  });
  const org = `Platform ${unique()}`;
  await haven.providers.createOrg({ name: org, classifications: ['csam'], baselineOnly: false }, admin);
  const { key } = await haven.providers.issueKey(
    { provider: org, name: 'main', requestsPerMinute: 100, days: 30 },
    admin,
  );
  return { name, key, org };
}

describe('provider feedback review', () => {
  it('lists feedback about a set, moves a PDQ false positive to the negative bank, confirms others, audited', async () => {
    const { haven, url } = server();
    const seeds = [`fa-${unique()}`, `fb-${unique()}`];
    const { name, key, org } = await setAndProvider(seeds);
    const provider = bearer(url, key);
    const nearPdq = flip(hashesOf(seeds[0]!).pdq, 3);
    expectStatus(
      await provider.post('/provider/feedback', {
        items: [
          { type: 'pdq', value: nearPdq, verdict: 'false_positive', note: 'a different picture' },
          { type: 'md5', value: hashesOf(seeds[1]!).md5, verdict: 'confirmed' },
          { type: 'md5', value: hashesOf(`unrelated-${unique()}`).md5, verdict: 'false_positive' },
        ],
      }),
      200,
    );
    const { client } = await agencyWithMember(haven, url, 'NL');
    const open = expectStatus(
      await client.get<{ items: JsonObject[]; next: number | null }>(`/hashsets/${name}/feedback`),
      200,
    ).body;
    expect(open.items).toEqual([
      expect.objectContaining({
        type: 'md5',
        verdict: 'confirmed',
        provider: org,
        match: { match: 'exact', distance: 0 },
        review: null,
      }),
      expect.objectContaining({
        type: 'pdq',
        value: nearPdq,
        verdict: 'false_positive',
        note: 'a different picture',
        match: { match: 'near', distance: 3 },
      }),
    ]);
    const [md5Item, pdqItem] = open.items as { id: number }[];

    const moved = expectStatus(
      await client.post(`/hashsets/${name}/feedback/${pdqItem!.id}`, {
        action: 'negative_bank',
        note: 'checked',
      }),
      200,
    ).body;
    expect(moved).toMatchObject({ review: { action: 'negative_bank', note: 'checked' } });
    // The provider's near match is now suppressed by the set's negative bank.
    const match = await provider.post<{ results: JsonObject[] }>('/provider/match', {
      hashes: [{ type: 'pdq', value: nearPdq }],
    });
    expect(match.body.results).toEqual([{ result: 'no-known-match' }]);

    const wrong = await client.post(`/hashsets/${name}/feedback/${md5Item!.id}`, { action: 'negative_bank' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/only a PDQ reported as a false positive/);
    expectStatus(
      await client.post(`/hashsets/${name}/feedback/${md5Item!.id}`, { action: 'confirmed' }),
      200,
    );
    const twice = await client.post(`/hashsets/${name}/feedback/${md5Item!.id}`, { action: 'dismissed' });
    expect(twice.status).toBe(409);

    expect((await client.get<{ items: unknown[] }>(`/hashsets/${name}/feedback`)).body.items).toEqual([]);
    const reviewed = (await client.get<{ items: JsonObject[] }>(`/hashsets/${name}/feedback?status=reviewed`))
      .body.items;
    expect(reviewed.map((item) => (item.review as { action: string }).action)).toEqual([
      'confirmed',
      'negative_bank',
    ]);
    // Moved to the negative bank, the reported PDQ no longer matches the set.
    expect(reviewed[1]).toMatchObject({ match: null });

    const audit = await auditService.search(haven.db, { action: 'hashset.feedback_review', limit: 20 });
    expect(audit.filter((a) => a.details.name === name).map((a) => a.details.action)).toEqual([
      'confirmed',
      'negative_bank',
    ]);
  });

  it('refuses hostile ids, actions and unrelated reports with clear errors, changing nothing', async () => {
    const { haven, url } = server();
    const { name, key } = await setAndProvider([`h-${unique()}`]);
    const unrelated = hashesOf(`nothing-${unique()}`).md5;
    expectStatus(
      await bearer(url, key).post('/provider/feedback', {
        items: [{ type: 'md5', value: unrelated, verdict: 'false_positive' }],
      }),
      200,
    );
    const [row] = await haven.db.query<{ id: string | number }>(
      `SELECT id FROM provider_feedback WHERE value = decode($1, 'hex')`,
      [unrelated],
    );
    const { client } = await agencyWithMember(haven, url, 'BE');
    const cases: [string, unknown, number, string][] = [
      [`/hashsets/${name}/feedback/${String(row!.id)}`, { action: 'confirmed' }, 404, 'NOT_FOUND'],
      [`/hashsets/${name}/feedback/abc`, { action: 'confirmed' }, 400, 'VALIDATION_FAILED'],
      [`/hashsets/${name}/feedback/-1`, { action: 'confirmed' }, 400, 'VALIDATION_FAILED'],
      [`/hashsets/${name}/feedback/99999999999999999999`, { action: 'confirmed' }, 400, 'VALIDATION_FAILED'],
      [`/hashsets/${name}/feedback/1`, { action: 'delete_set' }, 400, 'VALIDATION_FAILED'],
      [
        `/hashsets/${name}/feedback/1`,
        { action: 'confirmed', note: 'x'.repeat(1001) },
        400,
        'VALIDATION_FAILED',
      ],
      [`/hashsets/no-such-${unique()}/feedback/1`, { action: 'confirmed' }, 404, 'HASH_SET_NOT_FOUND'],
    ];
    for (const [route, body, status, code] of cases) {
      const response = await client.post(route, body);
      expect(response.status, route).toBe(status);
      expect(errorCode(response)).toBe(code);
    }
    for (const query of ['status=closed', 'limit=0', 'limit=501', 'before=x']) {
      expect((await client.get(`/hashsets/${name}/feedback?${query}`)).status, query).toBe(400);
    }
    expect(
      await haven.db.query(
        'SELECT 1 FROM provider_feedback_reviews r JOIN hash_sets s ON s.id = r.hash_set_id WHERE s.name = $1',
        [name],
      ),
    ).toEqual([]);
  });
});
