// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { fileDatabase } from '../../test/support/factories.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../test/support/temp-dir.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import {
  V13_CASES,
  casesFile,
  desktopMedia,
  hashesOf,
  mediaFile,
  portalMedia,
  v2Context,
} from '../../test/support/vics-fixtures.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemActor } from '#haven/access/actor.js';
import { isHavenError } from '#haven/platform/errors/haven-error.js';
import { hashSetImportService, type ImportOptions } from '#haven/sharing/hash-set-import.service.js';
import { hashSetRepository } from '#haven/sharing/hash-set.repository.js';

const db = fileDatabase('hashset-import');

function options(name: string, overrides: Partial<ImportOptions> = {}): ImportOptions {
  return {
    name,
    purpose: 'known',
    source: 'Fixture portal',
    licence: 'LE only',
    trust: 'verified',
    providerShared: false,
    mode: 'replace',
    dryRun: false,
    bestEffort: false,
    baseline: false,
    actor: systemActor('test'),
    ...overrides,
  };
}

function file(text: string | Buffer, name = 'set.json'): string {
  const target = path.join(tempDir(), name);
  writeFileSync(target, text);
  return target;
}

async function entryCount(name: string): Promise<number> {
  const rows = await db().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM hash_set_entries e JOIN hash_sets s ON s.id = e.hash_set_id WHERE s.name = $1`,
    [name],
  );
  return rows[0]!.n;
}

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    expect(isHavenError(error, 'IMPORT_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the import to be refused');
}

describe('hashSetImportService', () => {
  it('imports a 1.3 case file, reports a dry run without writing, and re-imports idempotently', async () => {
    const media = Array.from({ length: 2500 }, (_, i) => desktopMedia(i + 1, `s${i}`, i % 6));
    const source = file(casesFile(V13_CASES, media, 'odata.metadata'));
    const dry = await hashSetImportService.importFile(db(), source, options('griffeye', { dryRun: true }));
    expect(dry).toMatchObject({
      dryRun: true,
      records: 2500,
      added: 2500,
      miniaturesDropped: 2500,
      cases: 1,
    });
    expect(await hashSetRepository.byName(db(), 'griffeye')).toBeUndefined();

    const first = await hashSetImportService.importFile(db(), source, options('griffeye'));
    expect(first).toMatchObject({
      dryRun: false,
      records: 2500,
      added: 2500,
      changed: 0,
      removed: 0,
      version: '1.3',
    });
    const set = await hashSetRepository.byName(db(), 'griffeye');
    expect(set).toMatchObject({ scheme: 'vics_us', entries: 2500, source: 'Fixture portal' });
    const again = await hashSetImportService.importFile(db(), source, options('griffeye'));
    expect(again).toMatchObject({ added: 0, changed: 0, unchanged: 2500, removed: 0 });
    expect((await hashSetRepository.byName(db(), 'griffeye'))!.revision).toBe(set!.revision);

    // A newer edition: one record changed, one gone.
    const edited = media.slice(1).map((m, i) => (i === 0 ? { ...m, Category: 5 } : m));
    const next = await hashSetImportService.importFile(
      db(),
      file(casesFile(V13_CASES, edited, 'odata.metadata')),
      options('griffeye'),
    );
    expect(next).toMatchObject({ added: 0, changed: 1, removed: 1, unchanged: 2498 });
    const hit = await hashSetRepository.exactHits(db(), 'sha256', [
      Buffer.from(hashesOf('s1').sha256, 'hex'),
    ]);
    expect(hit).toMatchObject([{ setName: 'griffeye', category: '5', purpose: 'known' }]);
    expect(await hashSetRepository.exactHits(db(), 'md5', [Buffer.from(hashesOf('s0').md5, 'hex')])).toEqual(
      [],
    );
  });

  it('refuses a file with a bad record and keeps nothing of it, naming record and field', async () => {
    const media = [
      portalMedia(1, 'a', 1),
      portalMedia(2, 'b', 1),
      { ...portalMedia(3, 'c', 1), SHA1: 'abc' },
    ];
    const source = file(mediaFile(v2Context('US', 'Media'), media));
    expect(await refusal(hashSetImportService.importFile(db(), source, options('bad-record')))).toMatch(
      /nothing was imported: media record 3 \(MediaID 3\), field SHA1: "abc" is not a SHA1 hash/,
    );
    expect(await hashSetRepository.byName(db(), 'bad-record')).toBeUndefined();
    expect(await entryCount('bad-record')).toBe(0);

    const best = await hashSetImportService.importFile(
      db(),
      source,
      options('bad-record', { bestEffort: true }),
    );
    expect(best).toMatchObject({ records: 3, added: 2, skipped: 1 });
    expect(best.problems[0]).toMatch(/media record 3/);
  });

  it('refuses duplicate MediaIDs, in one batch or far apart', async () => {
    const near = [portalMedia(1, 'a', 1), portalMedia(1, 'b', 1)];
    expect(
      await refusal(
        hashSetImportService.importFile(
          db(),
          file(mediaFile(v2Context('US', 'Media'), near)),
          options('dups'),
        ),
      ),
    ).toMatch(/media record 2: MediaID 1 appears twice/);
    const far = [
      portalMedia('x', 'a', 1),
      ...Array.from({ length: 4500 }, (_, i) => portalMedia(i + 10, `f${i}`, 1)),
      portalMedia('x', 'b', 1),
    ];
    expect(
      await refusal(
        hashSetImportService.importFile(
          db(),
          file(mediaFile(v2Context('US', 'Media'), far)),
          options('dups'),
        ),
      ),
    ).toMatch(/MediaID x appears twice/);
    expect(await entryCount('dups')).toBe(0);
  });

  it('refuses malformed, wrongly encoded and truncated files without a trace', async () => {
    const good = mediaFile(v2Context('US', 'Media'), [portalMedia(1, 'a', 1), portalMedia(2, 'b', 2)]);
    expect(
      await refusal(hashSetImportService.importFile(db(), file(good.slice(0, -10)), options('broken'))),
    ).toMatch(/ends/);
    const latin1 = Buffer.from(good.replace('"MediaID":2', '"MediaID":"caf_"'));
    latin1[latin1.indexOf('caf_') + 3] = 0xe9;
    expect(await refusal(hashSetImportService.importFile(db(), file(latin1), options('broken')))).toMatch(
      /not valid UTF-8/,
    );
    expect(
      await refusal(
        hashSetImportService.importFile(db(), file(mediaFile('http://example.org/x', [])), options('broken')),
      ),
    ).toMatch(/wrong OData context/);
    expect(await hashSetRepository.byName(db(), 'broken')).toBeUndefined();
  });

  it('imports NSRL-style and plain hash lists as known-good sets, merging repeated hashes', async () => {
    const a = hashesOf('os-file-a');
    const b = hashesOf('os-file-b');
    const nsrl = [
      '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"',
      `"${a.sha1.toUpperCase()}","${a.md5.toUpperCase()}","00000000","kernel.dll",1024,1,"WIN",""`,
      `"${a.sha1.toUpperCase()}","${a.md5.toUpperCase()}","00000000","kernel.dll",1024,2,"WIN",""`,
      `"${b.sha1.toUpperCase()}","${b.md5.toUpperCase()}","00000000","readme.txt",10,1,"WIN",""`,
    ].join('\r\n');
    const report = await hashSetImportService.importFile(
      db(),
      file(nsrl, 'NSRLFile.txt'),
      options('nsrl', { purpose: 'known_good', trust: 'trusted' }),
    );
    expect(report).toMatchObject({ format: 'list', records: 3, added: 2 });
    const hits = await hashSetRepository.exactHits(db(), 'md5', [Buffer.from(a.md5, 'hex')]);
    expect(hits).toMatchObject([{ setName: 'nsrl', purpose: 'known_good' }]);

    const plain = `${a.sha256}\n\n# comment\n${b.md5}\n`;
    expect(
      await hashSetImportService.importFile(db(), file(plain, 'list.txt'), options('plain')),
    ).toMatchObject({
      added: 2,
    });
    expect(
      await refusal(
        hashSetImportService.importFile(db(), file(`${a.md5}\nnot-a-hash\n`, 'l.txt'), options('plain2')),
      ),
    ).toMatch(/line 2: "not-a-hash" is not a hexadecimal hash/);
    expect(
      await refusal(
        hashSetImportService.importFile(db(), file(`${a.md5.slice(0, 30)}\n`, 'l.txt'), options('plain2')),
      ),
    ).toMatch(/line 1: 30 hexadecimal digits/);
  });
});
