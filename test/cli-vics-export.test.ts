import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVics } from '#haven/sharing/vics/vics-reader.js';
import { parseVicsMedia, type CategoryRule } from '#haven/sharing/vics/vics-record.js';
import type { VicsMedia } from '#haven/sharing/vics/vics.types.js';
import { jsonLines, runCli } from './support/cli.js';
import { queryDataDir } from './support/db-inspect.js';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { tempDir } from './support/temp-dir.js';
import { longVideo } from './support/videos.js';

async function parsed(file: string, rule: CategoryRule): Promise<{ media: VicsMedia[]; cases: number }> {
  const media: VicsMedia[] = [];
  let cases = 0;
  for await (const events of readVics(createReadStream(file))) {
    for (const event of events) {
      if (event.kind === 'media') {
        media.push(parseVicsMedia(event.record, event.recordNumber, rule));
      } else if (event.kind === 'case') {
        cases += 1;
      }
    }
  }
  return { media, cases };
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await runCli(args, env);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

type HeldRow = {
  sha256: string;
  size: string;
  mime: string;
  kind: string;
  md5: string | null;
  sha1: string | null;
  pdq: string | null;
  vpdq: number;
  paths: string[];
};

/** What the database holds of each medium, read with SQL of the test's own (not the exporter's). */
async function held(data: string): Promise<Map<string, HeldRow>> {
  const rows = await queryDataDir<HeldRow>(
    data,
    `SELECT encode(m.sha256, 'hex') AS sha256, m.size::text AS size, m.mime, m.kind,
            (SELECT encode(value, 'hex') FROM media_signals s WHERE s.media_id = m.id AND s.signal = 'md5') AS md5,
            (SELECT encode(value, 'hex') FROM media_signals s WHERE s.media_id = m.id AND s.signal = 'sha1') AS sha1,
            (SELECT encode(value, 'hex') FROM media_signals s WHERE s.media_id = m.id AND s.signal = 'pdq'
              ORDER BY quality DESC LIMIT 1) AS pdq,
            (SELECT count(*)::int FROM media_signals s WHERE s.media_id = m.id AND s.signal = 'vpdq') AS vpdq,
            (SELECT array_agg(f.source_path ORDER BY f.source_path) FROM media_files f WHERE f.media_id = m.id) AS paths
       FROM media m`,
  );
  return new Map(rows.map((row) => [row.sha256, row]));
}

// Each test runs a dozen `haven` child processes (ingest with a video among them): minutes on a loaded machine.
describe('haven hashset export-case / export-series and haven categorise', () => {
  it('exports a held case as VICS 2.0 that imports back to the same hashes, categories, paths, EXIF and videos', async () => {
    const dir = path.join(tempDir(), 'seized');
    mkdirSync(path.join(dir, 'DCIM', 'Camera'), { recursive: true });
    const camera = path.join(dir, 'DCIM', 'Camera', 'IMG_0001.jpg');
    writeFileSync(camera, await pictureJpeg(801, 800, 600));
    execFileSync('exiftool', [
      '-q',
      '-Make=Canon',
      '-Model=Canon EOS 5D Mark IV',
      '-GPSLatitude=48.858370',
      '-GPSLatitudeRef=N',
      '-GPSLongitude=2.294481',
      '-GPSLongitudeRef=E',
      '-overwrite_original',
      camera,
    ]);
    writeFileSync(path.join(dir, 'plain "quoted", name é.jpg'), await pictureJpeg(802));
    const video = await longVideo(dir, { scenes: 2, secondsPerScene: 2, seed: 803 });
    execFileSync('rm', [path.join(dir, 'scene-803-0.jpg'), path.join(dir, 'scene-803-1.jpg')]);
    const data = freshDataDir();
    await cli(['ingest', dir, '--case', 'VICS-EXPORT-1', '--data', data]);
    const holdings = await held(data);
    expect([...holdings.values()].map((m) => m.kind).sort()).toEqual(['image', 'image', 'video']);
    const cameraRow = [...holdings.values()].find((m) => m.paths[0]!.endsWith('IMG_0001.jpg'))!;
    const videoRow = [...holdings.values()].find((m) => m.kind === 'video')!;
    expect(videoRow.vpdq).toBeGreaterThan(1);

    // Two people disagree on the camera picture: the export keeps the latest and shows the conflict.
    await cli(['categorise', cameraRow.sha256, '--scheme', 'vics_us', '--code', '2', '--data', data], {
      HAVEN_OPERATOR: 'reviewer-a',
    });
    const shown = jsonLines(
      await cli(
        [
          'categorise',
          cameraRow.sha256,
          '--scheme',
          'vics_us',
          '--code',
          '1',
          '--baseline',
          '--json',
          '--data',
          data,
        ],
        { HAVEN_OPERATOR: 'reviewer-b' },
      ),
    )[0]!;
    expect(shown).toMatchObject({ verdict: { conflict: true } });
    expect((shown.history as unknown[]).length).toBe(2);
    await cli(['categorise', videoRow.sha256, '--scheme', 'uk', '--code', 'C', '--data', data]);

    const out = path.join(tempDir(), 'case.json');
    expect(await cli(['hashset', 'export-case', 'VICS-EXPORT-1', '--out', out, '--data', data])).toContain(
      'Exported 3 media',
    );
    const document = JSON.parse(readFileSync(out, 'utf8')) as {
      '@odata.context': string;
      value: { CaseNumber: string; TotalMediaFiles: number; SourceApplicationName: string }[];
    };
    expect(document['@odata.context']).toBe(
      'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases',
    );
    expect(document.value[0]).toMatchObject({
      CaseNumber: 'VICS-EXPORT-1',
      TotalMediaFiles: 3,
      SourceApplicationName: 'Haven',
    });
    expect(readFileSync(out, 'utf8')).not.toMatch(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
    );

    const { media, cases } = await parsed(out, 'us');
    expect(cases).toBe(1);
    expect(media).toHaveLength(3);
    for (const record of media) {
      const row = holdings.get(record.sha256!)!;
      expect(row, record.sha256!).toBeDefined();
      expect(record).toMatchObject({
        md5: row.md5,
        sha1: row.sha1,
        mediaSize: Number(row.size),
        mimeType: row.mime,
        relativeFilePath: row.paths[0],
        pdq: row.kind === 'video' ? null : row.pdq,
      });
      expect(record.mediaFiles.map((f) => path.posix.join(f.filePath!, f.fileName!))).toEqual(row.paths);
      expect(record.mediaFiles.every((f) => f.md5 === row.md5 && f.written !== null)).toBe(true);
      expect(record.alternativeHashes.filter((h) => h.name === 'vPDQ')).toHaveLength(row.vpdq);
    }
    const cameraRecord = media.find((m) => m.sha256 === cameraRow.sha256)!;
    expect(cameraRecord).toMatchObject({
      category: '1',
      baseline: true,
      comments: 'Categorisations disagree: 1, 2',
    });
    expect(cameraRecord.exifs).toEqual(
      expect.arrayContaining([
        { name: 'make', value: 'Canon' },
        { name: 'model', value: 'Canon EOS 5D Mark IV' },
      ]),
    );
    expect(Number(cameraRecord.exifs.find((e) => e.name === 'gpsLatitude')!.value)).toBeCloseTo(48.85837, 5);
    // The video's category is in the UK scheme only: a US export leaves it uncategorised.
    expect(media.find((m) => m.sha256 === videoRow.sha256)).toMatchObject({ category: null, pdq: null });
    expect(media.find((m) => m.sha256 === videoRow.sha256)!.mediaFiles.map((f) => f.fileName)).toEqual([
      path.basename(video),
    ]);

    // import(export(x)) == x: the export imported as a hash set and exported again says the same.
    await cli(['hashset', 'import', out, '--name', 'from-case', '--data', data]);
    const again = path.join(tempDir(), 'again.json');
    await cli(['hashset', 'export', 'from-case', '--out', again, '--data', data]);
    const back = await parsed(again, 'us');
    const byId = (list: VicsMedia[]): VicsMedia[] =>
      [...list].sort((a, b) => a.mediaId.localeCompare(b.mediaId));
    expect(byId(back.media)).toEqual(byId(media));

    // The UK variant carries the UK categories.
    const uk = path.join(tempDir(), 'uk.json');
    await cli(['hashset', 'export-case', 'VICS-EXPORT-1', '--variant', 'UK', '--out', uk, '--data', data]);
    const ukMedia = (await parsed(uk, 'free')).media;
    expect(ukMedia.find((m) => m.sha256 === videoRow.sha256)).toMatchObject({ category: 'C' });
    expect(ukMedia.find((m) => m.sha256 === cameraRow.sha256)).toMatchObject({ category: null });

    // The export is audited.
    const audit = await queryDataDir<{ action: string; details: { variant: string; media: number } }>(
      data,
      `SELECT action, details FROM audit_log WHERE action = 'case.export_vics' ORDER BY seq`,
    );
    expect(audit.map((a) => a.details)).toEqual([
      { variant: 'US', media: 3 },
      { variant: 'UK', media: 3 },
    ]);
  }, 300_000);

  it('refuses unknown cases, series, variants, media and categories with clear errors, changing nothing', async () => {
    const data = freshDataDir();
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.jpg'), await pictureJpeg(811));
    await cli(['ingest', dir, '--case', 'C-1', '--data', data]);
    const refusals: [string[], number, RegExp][] = [
      [['hashset', 'export-case', 'NO-SUCH-CASE', '--data', data], 1, /No case with reference NO-SUCH-CASE/],
      [['hashset', 'export-case', 'C-1', '--variant', 'FR', '--data', data], 2, /--variant must be one of/],
      [
        ['hashset', 'export-series', "XX-2026-1'; DROP TABLE media;--", '--data', data],
        2,
        /no series numbered/,
      ],
      [['categorise', 'not-a-medium', '--scheme', 'vics_us', '--code', '1', '--data', data], 2, /UUID/],
      [['categorise', 'ab'.repeat(32), '--scheme', 'vics_us', '--code', '1', '--data', data], 2, /no medium/],
      [['categorise', 'ab'.repeat(32), '--data', data], 2, /--scheme and --code are required/],
      [
        ['categorise', 'ab'.repeat(32), '--scheme', 'icse', '--code', '1', '--data', data],
        2,
        /--scheme must be/,
      ],
    ];
    for (const [args, code, message] of refusals) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr).toMatch(message);
    }
    const [medium] = await queryDataDir<{ sha256: string }>(
      data,
      `SELECT encode(sha256, 'hex') AS sha256 FROM media`,
    );
    const badCode = await runCli([
      'categorise',
      medium!.sha256,
      '--scheme',
      'uk',
      '--code',
      '7',
      '--data',
      data,
    ]);
    expect(badCode.code).not.toBe(0);
    expect(badCode.stderr).toMatch(/7 is not a uk category/);
    const badBaseline = await runCli([
      'categorise',
      medium!.sha256,
      '--scheme',
      'vics_us',
      '--code',
      '5',
      '--baseline',
      '--data',
      data,
    ]);
    expect(badBaseline.stderr).toMatch(/Baseline applies only to child sexual abuse material/);
    expect(await queryDataDir(data, 'SELECT 1 FROM categorisations')).toEqual([]);
    expect(await queryDataDir(data, `SELECT 1 FROM audit_log WHERE action LIKE '%export_vics'`)).toEqual([]);
  }, 300_000);
});
