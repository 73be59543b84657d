import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { tempDir } from './support/temp-dir.js';
import { v2Context } from './support/vics-fixtures.js';

interface Hashes {
  md5: string;
  sha1: string;
  pdq: string;
}

async function hashesOf(file: string): Promise<Hashes> {
  const result = await runCli(['hash', '--json', file]);
  expect(result.code, result.stderr).toBe(0);
  const [line] = jsonLines(result.stdout);
  return { md5: String(line!.md5), sha1: String(line!.sha1), pdq: String(line!.pdq) };
}

/** A folder as found on a seized device: two listed pictures (one recompressed), one unknown, one system file. */
async function device(): Promise<{
  dir: string;
  listed: string;
  recompressed: string;
  unknown: string;
  system: string;
}> {
  const dir = path.join(tempDir(), 'device');
  mkdirSync(path.join(dir, 'DCIM'), { recursive: true });
  const original = await pictureJpeg(11);
  const listed = path.join(dir, 'DCIM', 'a-listed.jpg');
  writeFileSync(listed, original);
  const recompressed = path.join(dir, 'DCIM', 'b-recompressed.jpg');
  writeFileSync(
    recompressed,
    await sharp(await pictureJpeg(12))
      .jpeg({ quality: 40 })
      .toBuffer(),
  );
  const unknown = path.join(dir, 'DCIM', 'c-unknown.jpg');
  writeFileSync(unknown, await pictureJpeg(13));
  const system = path.join(dir, 'system.dll');
  writeFileSync(system, Buffer.from('benign operating-system file contents'));
  return { dir, listed, recompressed, unknown, system };
}

function byName(lines: Record<string, unknown>[]): Map<string, Record<string, unknown>> {
  return new Map(
    lines.filter((line) => 'path' in line).map((line) => [path.basename(String(line.path)), line]),
  );
}

describe('haven hashset and offline triage', () => {
  it('imports VICS and NSRL-style lists, shows them in match, exports them and triages offline with no database', async () => {
    const files = await device();
    const listed = await hashesOf(files.listed);
    // The set holds picture 12's original; the device has a recompressed copy: a near match.
    const originalOf12 = path.join(tempDir(), 'o.jpg');
    writeFileSync(originalOf12, await pictureJpeg(12));
    const near = await hashesOf(originalOf12);
    const vics = JSON.stringify({
      '@odata.context': v2Context('US', 'Media'),
      value: [
        {
          MediaID: 1,
          Category: 1,
          MD5: listed.md5.toUpperCase(),
          SHA1: listed.sha1.toUpperCase(),
          IsDistributed: 'true',
        },
        {
          MediaID: 2,
          Category: 2,
          MD5: near.md5,
          AlternativeHashes: [{ HashName: 'PDQ', HashValue: near.pdq }],
        },
      ],
    });
    const work = tempDir();
    const vicsFile = path.join(work, 'portal.json');
    writeFileSync(vicsFile, vics);
    const systemMd5 = createHash('md5').update(readFileSync(files.system)).digest('hex');
    const nsrl = path.join(work, 'NSRLFile.txt');
    writeFileSync(
      nsrl,
      `"SHA-1","MD5","FileName"\r\n"${'0'.repeat(40)}","${systemMd5.toUpperCase()}","system.dll"\r\n`,
    );
    const data = freshDataDir();

    const dry = await runCli([
      'hashset',
      'import',
      vicsFile,
      '--name',
      'portal',
      '--dry-run',
      '--json',
      '--data',
      data,
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(jsonLines(dry.stdout)[0]).toMatchObject({ dryRun: true, added: 2, variant: 'US' });
    const imported = await runCli([
      'hashset',
      'import',
      vicsFile,
      '--name',
      'portal',
      '--trust',
      'verified',
      '--licence',
      'LE only',
      '--data',
      data,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Imported VICS 2.0 US into portal\n {2}records: 2 {3}added: 2/);
    const good = await runCli(['hashset', 'import', nsrl, '--name', 'nsrl', '--known-good', '--data', data]);
    expect(good.code, good.stderr).toBe(0);
    const list = await runCli(['hashset', 'list', '--data', data]);
    expect(list.stdout).toMatch(/^nsrl {2}known_good {2}1 entries/m);
    expect(list.stdout).toMatch(
      /^portal {2}known {2}2 entries {2}scheme vics_us {2}trust verified .* licence LE only$/m,
    );

    const match = await runCli(['match', '--json', files.dir, '--data', data]);
    expect(match.code, match.stderr).toBe(0);
    const online = byName(jsonLines(match.stdout));
    expect(online.get('a-listed.jpg')).toMatchObject({
      status: 'exact',
      hashSets: [{ list: 'portal', match: 'exact', signal: 'md5', classification: 'csam', category: '1' }],
    });
    expect(online.get('b-recompressed.jpg')).toMatchObject({
      status: 'near',
      hashSets: [{ list: 'portal', match: 'near', signal: 'pdq', classification: 'exploitative' }],
    });
    expect(online.get('c-unknown.jpg')).toMatchObject({ status: 'new' });
    expect(online.get('c-unknown.jpg')).not.toHaveProperty('hashSets');
    expect(online.get('system.dll')).toMatchObject({
      status: 'new',
      hashSets: [{ list: 'nsrl', purpose: 'known_good' }],
    });
    const text = await runCli(['match', files.dir, '--data', data]);
    expect(text.stdout).toMatch(
      /Known good \(ignorable: in a known-good hash set\) \(1\):\n {2}.*system\.dll {2}\(nsrl\)/,
    );
    expect(text.stdout).toMatch(/a-listed\.jpg {2}= hash set portal \(same md5; csam\)/);
    expect(text.stdout).toMatch(/Review first: new images \(1\):\n {2}\S*c-unknown\.jpg\n/);

    // Export, then triage offline on "a laptop": no data directory, no database in the environment.
    const csv = path.join(work, 'portal.csv');
    const exportCsv = await runCli([
      'hashset',
      'export',
      'portal',
      '--format',
      'csv',
      '--out',
      csv,
      '--data',
      data,
    ]);
    expect(exportCsv.code, exportCsv.stderr).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('md5,sha1,sha256,pdq,category,baseline');
    const exportVics = await runCli(['hashset', 'export', 'portal', '--data', data]);
    expect(JSON.parse(exportVics.stdout)).toMatchObject({ '@odata.context': v2Context('US', 'Media') });
    const vicsOut = path.join(work, 'portal-export.json');
    writeFileSync(vicsOut, exportVics.stdout);
    for (const exported of [csv, vicsOut]) {
      const offline = await runCli(
        ['triage', '--hashset', exported, '--known-good', nsrl, '--json', files.dir],
        {
          HAVEN_DATA_DIR: path.join(tempDir(), 'never-created'),
        },
      );
      expect(offline.code, offline.stderr).toBe(0);
      const results = byName(jsonLines(offline.stdout));
      expect(results.get('a-listed.jpg')).toMatchObject({
        status: 'exact',
        hashSets: [{ match: 'exact', classification: 'csam' }],
      });
      expect(results.get('b-recompressed.jpg')).toMatchObject({
        status: 'near',
        hashSets: [{ match: 'near' }],
      });
      expect(results.get('c-unknown.jpg')).toMatchObject({ status: 'new' });
      expect(results.get('system.dll')).toMatchObject({ hashSets: [{ purpose: 'known_good' }] });
    }

    // A false positive in the negative bank stops the near match, and only for that set.
    const fp = await runCli([
      'hashset',
      'false-positive',
      'portal',
      '--pdq',
      (await hashesOf(files.recompressed)).pdq,
      '--reason',
      'reviewed: different picture',
      '--data',
      data,
    ]);
    expect(fp.code, fp.stderr).toBe(0);
    const after = byName(jsonLines((await runCli(['match', '--json', files.dir, '--data', data])).stdout));
    expect(after.get('b-recompressed.jpg')).toMatchObject({ status: 'new' });
    expect(after.get('a-listed.jpg')).toMatchObject({ status: 'exact' });
    const audit = await runCli(['audit', 'list', '--json', '--data', data]);
    expect(audit.stdout).toMatch(/hashset\.false_positive/);
    expect(audit.stdout).toMatch(/hashset\.import/);
  }, 300_000);

  it('refuses broken input with a clear message and stores nothing', async () => {
    const data = freshDataDir();
    const work = tempDir();
    const broken = path.join(work, 'broken.json');
    writeFileSync(
      broken,
      `{"@odata.context": "${v2Context('US', 'Media')}", "value": [{"MediaID": 1, "MD5": "12"}]}`,
    );
    const result = await runCli(['hashset', 'import', broken, '--name', 'x', '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Cannot import broken\.json, nothing was imported: media record 1 \(MediaID 1\), field MD5: "12" is not a MD5 hash .* \[IMPORT_INVALID\]/,
    );
    const list = await runCli(['hashset', 'list', '--data', data]);
    expect(list.stdout).toBe('');
    const offline = await runCli(['triage', '--hashset', path.join(work, 'missing.csv'), work]);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/Cannot read .*missing\.csv/);
    const badList = path.join(work, 'bad.txt');
    writeFileSync(badList, 'zz-not-hex\n');
    const offlineBad = await runCli(['triage', '--hashset', badList, work]);
    expect(offlineBad.stderr).toMatch(
      /Cannot use the hash list bad\.txt: line 1: "zz-not-hex" is not a hexadecimal hash/,
    );
    const withData = await runCli(['triage', '--hashset', badList, '--data', data, work]);
    expect(withData.code).toBe(2);
    expect(withData.stderr).toMatch(/offline/);
  }, 120_000);
});
