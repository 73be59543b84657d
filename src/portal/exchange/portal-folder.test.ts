import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PortalFolder } from '#haven/portal/exchange/portal-folder.js';
import type { PublishedAppeal } from '#haven/portal/exchange/portal-exchange.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function folder(): Promise<PortalFolder> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-portal-folder-'));
  dirs.push(dir);
  return new PortalFolder(dir).init();
}

const appeal = (publicId: string, publishedAt: string): PublishedAppeal => ({
  publicId,
  type: 'object',
  texts: { en: { title: 'A bottle', description: '', questions: [] } },
  person: null,
  country: null,
  region: '',
  publishedAt,
  image: { width: 10, height: 10 },
});

describe('the portal folder', () => {
  it('lists live appeals newest first and skips files that are not appeals', async () => {
    const shared = await folder();
    await shared.publish(appeal('aaaaaaaaaaaaaaaa', '2026-01-01T00:00:00.000Z'), Buffer.from('jpeg a'));
    await shared.publish(appeal('bbbbbbbbbbbbbbbb', '2026-02-01T00:00:00.000Z'), Buffer.from('jpeg b'));
    const published = path.join(shared.dir, 'published');
    writeFileSync(
      path.join(published, 'cccccccccccccccc.json'),
      '{"publicId": "cccccccccccccccc", "internal": 1',
    );
    writeFileSync(
      path.join(published, 'dddddddddddddddd.json'),
      JSON.stringify({ ...appeal('dddddddddddddddd', '2026-03-01T00:00:00.000Z'), seriesId: 'x' }),
    );
    writeFileSync(
      path.join(published, '..evil.json'),
      JSON.stringify(appeal('eeeeeeeeeeeeeeee', '2026-03-01T00:00:00.000Z')),
    );
    expect((await shared.liveAppeals()).map((a) => a.publicId)).toEqual([
      'bbbbbbbbbbbbbbbb',
      'aaaaaaaaaaaaaaaa',
    ]);
    expect(await shared.liveImage('cccccccccccccccc')).toBeUndefined();
    expect(await shared.liveAppeal('../figures')).toBeUndefined();
    await expect(
      shared.publish({ ...appeal('BAD', '2026-01-01T00:00:00.000Z') }, Buffer.from('')),
    ).rejects.toThrow();
    await expect(shared.unpublish('../../etc')).rejects.toThrow('not a public id');
    await shared.unpublish('aaaaaaaaaaaaaaaa');
    expect(readdirSync(published).filter((name) => name.startsWith('aaaa'))).toEqual([]);
  });

  it('hands over dropped tips, invalid ones marked, each removable', async () => {
    const shared = await folder();
    await shared.dropTip({
      id: '6f1c7f5e-1d7a-4a35-9f57-1f6a4b8c9d10',
      appealPublicId: 'aaaaaaaaaaaaaaaa',
      language: 'en',
      body: 'seen it',
      country: '',
      city: '',
      seenWhere: '',
      seenWhen: '',
      contact: '',
      fingerprint: 'a'.repeat(64),
      receivedAt: new Date().toISOString(),
    });
    writeFileSync(path.join(shared.dir, 'tips', 'junk.json'), 'not json');
    const waiting = await shared.waitingTips();
    expect(waiting.map((entry) => entry.tip?.body ?? 'invalid').sort()).toEqual(['invalid', 'seen it']);
    for (const entry of waiting) {
      await entry.remove();
    }
    expect(await shared.waitingTips()).toEqual([]);
  });
});
