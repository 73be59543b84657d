import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { storeCounts, queryDataDir } from './support/db-inspect.js';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { sharedPath } from './support/shared-data.js';
import { tempDir } from './support/temp-dir.js';

const sha256Of = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

interface FileLine {
  path: string;
  sha256: string | null;
  status: string;
  matches: { mediaId: string; sha256: string; distance: number; transform: string | null; cases: string[] }[];
  error?: string;
}

function fileLines(stdout: string): { files: FileLine[]; summary: Record<string, unknown> } {
  const lines = jsonLines(stdout);
  const last = lines.pop();
  expect(last).toHaveProperty('summary');
  return {
    files: lines as unknown as FileLine[],
    summary: (last as { summary: Record<string, unknown> }).summary,
  };
}

async function folderOfPictures(count: number, firstSeed: number): Promise<string> {
  const dir = tempDir('haven-src-');
  mkdirSync(path.join(dir, 'sub'));
  for (let i = 0; i < count; i += 1) {
    writeFileSync(path.join(dir, `p${i}.jpg`), await pictureJpeg(firstSeed + i));
  }
  copyFileSync(path.join(dir, 'p0.jpg'), path.join(dir, 'sub', 'copy-of-p0.jpg'));
  writeFileSync(path.join(dir, 'sub', 'notes.txt'), 'not a picture\n');
  return dir;
}

describe('haven ingest', () => {
  it('stores, hashes and triages a folder, and a second run adds nothing', async () => {
    const data = freshDataDir();
    const source = await folderOfPictures(3, 10);
    const first = await runCli(['ingest', source, '--case', 'OP-1', '--data', data, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const { files, summary } = fileLines(first.stdout);
    expect(files.map((f) => path.relative(source, f.path))).toEqual([
      'p0.jpg',
      'p1.jpg',
      'p2.jpg',
      'sub/copy-of-p0.jpg',
      'sub/notes.txt',
    ]);
    for (const file of files) {
      expect(Object.keys(file).slice(0, 4)).toEqual(['path', 'sha256', 'status', 'matches']);
      expect(file.sha256).toBe(sha256Of(file.path));
      expect(file.status).toBe('new');
      expect(file.matches).toEqual([]);
    }
    expect(summary).toMatchObject({
      case: 'OP-1',
      files: 5,
      new: 5,
      exact: 0,
      near: 0,
      error: 0,
      distinctMedia: 4,
    });
    const afterFirst = await storeCounts(data);
    expect(afterFirst).toMatchObject({
      media: 4,
      mediaFiles: 5,
      originals: 4,
      previews: 6,
      cases: 1,
      ingests: 1,
    });

    const second = await runCli(['ingest', source, '--case', 'OP-1', '--data', data, '--json']);
    expect(second.code, second.stderr).toBe(0);
    const again = fileLines(second.stdout);
    expect(again.files.map((f) => f.status)).toEqual(['exact', 'exact', 'exact', 'exact', 'exact']);
    const copy = again.files[3]!;
    expect(copy.matches).toHaveLength(1);
    expect(copy.matches[0]).toMatchObject({
      sha256: sha256Of(path.join(source, 'p0.jpg')),
      distance: 0,
      cases: ['OP-1'],
    });
    const afterSecond = await storeCounts(data);
    expect({ ...afterSecond, ingests: 1, items: afterFirst.items }).toEqual(afterFirst);
    expect(afterSecond.ingests).toBe(2);
  });

  it('records where and when every occurrence was found', async () => {
    const data = freshDataDir();
    const source = await folderOfPictures(1, 30);
    const result = await runCli([
      'ingest',
      source,
      '--case',
      'OP-2',
      '--data',
      data,
      '--operator',
      'analyst-7',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const occurrences = await queryDataDir<{ source_path: string; modified_at: Date; size: number }>(
      data,
      'SELECT source_path, modified_at, size FROM media_files ORDER BY source_path',
    );
    expect(occurrences.map((o) => path.relative(source, o.source_path))).toEqual([
      'p0.jpg',
      'sub/copy-of-p0.jpg',
      'sub/notes.txt',
    ]);
    expect(occurrences.every((o) => o.modified_at instanceof Date && o.size > 0)).toBe(true);
    const ingests = await queryDataDir<{ operator: string; host: string; state: string; sources: string[] }>(
      data,
      'SELECT operator, host, state, sources FROM ingests',
    );
    expect(ingests).toHaveLength(1);
    expect(ingests[0]).toMatchObject({ operator: 'analyst-7', state: 'done', sources: [source] });
    expect(ingests[0]!.host.length).toBeGreaterThan(0);
  });

  it('finds exact copies and near duplicates held in other cases, and shows where', async () => {
    const data = freshDataDir();
    const nd = (name: string): string => sharedPath('testdata', 'neardup', name);
    const reference = tempDir();
    copyFileSync(nd('getty_32499201__orig.jpg'), path.join(reference, 'orig.jpg'));
    expect((await runCli(['ingest', reference, '--case', 'REF', '--data', data])).code).toBe(0);

    const seized = tempDir();
    for (const edit of ['orig', 'resize40', 'jpeg_q12', 'gray', 'mirror', 'rot90', 'contrast', 'thumb']) {
      copyFileSync(nd(`getty_32499201__${edit}.jpg`), path.join(seized, `${edit}.jpg`));
    }
    copyFileSync(sharedPath('testdata', 'negative', 'building.jpg'), path.join(seized, 'unrelated.jpg'));
    const result = await runCli(['ingest', seized, '--case', 'SEIZED', '--data', data, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const byName = new Map(fileLines(result.stdout).files.map((f) => [path.basename(f.path), f]));
    expect(byName.get('orig.jpg')).toMatchObject({ status: 'exact' });
    for (const edit of ['resize40', 'jpeg_q12', 'gray', 'contrast', 'thumb']) {
      const line = byName.get(`${edit}.jpg`)!;
      expect(line.status, edit).toBe('near');
      expect(line.matches[0]!.distance).toBeLessThanOrEqual(31);
      expect(line.matches[0]!.cases).toEqual(['REF']);
      expect(line.matches[0]!.sha256).toBe(sha256Of(nd('getty_32499201__orig.jpg')));
    }
    expect(byName.get('mirror.jpg')!.matches[0]).toMatchObject({ transform: 'flipY' });
    expect(byName.get('rot90.jpg')!.status).toBe('near');
    expect(byName.get('rot90.jpg')!.matches[0]!.transform).toMatch(/^rotate/);
    expect(byName.get('unrelated.jpg')).toMatchObject({ status: 'new', matches: [] });
  });

  it('prints the triage as text and as CSV with new images first', async () => {
    const data = freshDataDir();
    const held = tempDir();
    writeFileSync(path.join(held, 'a.jpg'), await pictureJpeg(50));
    expect((await runCli(['ingest', held, '--case', 'H', '--data', data])).code).toBe(0);
    const seized = tempDir();
    writeFileSync(path.join(seized, '1-copy.jpg'), readFileSync(path.join(held, 'a.jpg')));
    writeFileSync(
      path.join(seized, '2-small.jpg'),
      await sharp(path.join(held, 'a.jpg')).resize(300).toBuffer(),
    );
    writeFileSync(path.join(seized, '3-new.jpg'), await pictureJpeg(51));
    const csv = await runCli(['ingest', seized, '--case', 'S', '--data', data, '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = csv.stdout.trim().split('\r\n');
    expect(rows[0]).toMatch(
      /^review_order,path,status,kind,mime,sha256,best_match_sha256,best_match_distance/,
    );
    expect(rows.slice(1).map((row) => row.split(',')[2])).toEqual(['new', 'near', 'exact']);
    const text = await runCli(['triage', '--case', 'S', '--data', data]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/files: 3 {3}new: 1 \(new images to review: 1\) {3}near: 1 {3}exact: 1/);
    expect(text.stdout.indexOf('Review first')).toBeLessThan(text.stdout.indexOf('Near duplicates'));
    expect(text.stdout).toContain('3-new.jpg');
  });

  it('refuses a data directory another process is using', async () => {
    const data = freshDataDir();
    writeFileSync(
      path.join(data, 'haven.lock'),
      JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), since: 'now' }),
    );
    const result = await runCli(['ingest', tempDir(), '--case', 'X', '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATA_DIR_LOCKED');
    expect(result.stderr).toContain(`process ${process.pid}`);
  });
});

describe('haven match', () => {
  it('triages against held media and stores nothing', async () => {
    const data = freshDataDir();
    const held = await folderOfPictures(2, 60);
    expect((await runCli(['ingest', held, '--case', 'H', '--data', data])).code).toBe(0);
    const before = await storeCounts(data);
    const probe = tempDir();
    writeFileSync(path.join(probe, 'same.jpg'), readFileSync(path.join(held, 'p1.jpg')));
    writeFileSync(path.join(probe, 'edited.jpg'), await sharp(path.join(held, 'p0.jpg')).flop().toBuffer());
    writeFileSync(path.join(probe, 'other.jpg'), await pictureJpeg(99));
    const result = await runCli(['match', probe, '--data', data, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { files, summary } = fileLines(result.stdout);
    expect(files.map((f) => [path.basename(f.path), f.status])).toEqual([
      ['edited.jpg', 'near'],
      ['other.jpg', 'new'],
      ['same.jpg', 'exact'],
    ]);
    expect(files[0]!.matches[0]).toMatchObject({ transform: 'flipY', cases: ['H'] });
    expect(summary).toMatchObject({ files: 3, new: 1, near: 1, exact: 1 });
    expect(await storeCounts(data)).toEqual(before);
  });
});
