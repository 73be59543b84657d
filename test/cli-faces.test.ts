import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { queryDataDir } from './support/db-inspect.js';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { sharedPath } from './support/shared-data.js';
import { tempDir } from './support/temp-dir.js';

const face = (name: string): string => sharedPath('testdata', 'face', name);
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('haven faces', () => {
  it('finds held photos of the same person only after the agency opted in, logging every run', async () => {
    const data = freshDataDir();
    const source = tempDir();
    for (const name of [
      'grace_hopper_512x512.jpg',
      'paul_rudd_1.jpg',
      'chris_pratt.jpg',
      'eileen_collins_astronaut.png',
    ]) {
      copyFileSync(face(name), path.join(source, name));
    }
    writeFileSync(path.join(source, 'no-face.jpg'), await pictureJpeg(5, 320, 240));
    expect((await runCli(['ingest', source, '--case', 'F-1', '--data', data])).code).toBe(0);

    // Off by default: nothing is computed, nothing is found.
    const before = await runCli(['faces', face('paul_rudd_2.jpg'), '--data', data, '--json']);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe('');
    expect(await queryDataDir(data, "SELECT 1 FROM face_runs WHERE kind = 'media'")).toHaveLength(0);

    const optIn = await runCli(['faces-opt-in', '--agency', 'Local', '--data', data]);
    expect(optIn.code).toBe(0);

    const paul = await runCli(['faces', face('paul_rudd_2.jpg'), '--data', data, '--json']);
    expect(paul.code).toBe(0);
    const paulHits = jsonLines(paul.stdout);
    // Another photo of the same man, not a copy: found first, and alone above the threshold.
    expect(paulHits.map((hit) => hit.sha256)).toEqual([sha256(face('paul_rudd_1.jpg'))]);
    expect(paulHits[0]).toMatchObject({ inliers: 0, kind: 'face' });
    expect(Object.keys(paulHits[0]!).sort()).toEqual(['inliers', 'kind', 'score', 'sha256']);

    const grace = await runCli([
      'faces',
      face('grace_hopper_517x606.jpg'),
      '--data',
      data,
      '--json',
      '--min-score',
      '0',
      '--limit',
      '3',
    ]);
    const graceHits = jsonLines(grace.stdout);
    expect(graceHits).toHaveLength(3);
    expect(graceHits[0]!.sha256).toBe(sha256(face('grace_hopper_512x512.jpg')));
    expect(graceHits[0]!.score as number).toBeGreaterThan(0.9);
    expect(graceHits[1]!.score as number).toBeLessThan(0.55);

    const runs = await queryDataDir<{ kind: string; faces: number; error: string | null }>(
      data,
      'SELECT kind, faces, error FROM face_runs ORDER BY id',
    );
    // Five held images (one without a face), and three searches (the first before any was held).
    expect(
      runs
        .filter((run) => run.kind === 'media')
        .map((run) => run.faces)
        .sort(),
    ).toEqual([0, 1, 1, 1, 1]);
    expect(runs.filter((run) => run.kind === 'search')).toHaveLength(3);
    expect(runs.every((run) => run.error === null)).toBe(true);
    const audit = await queryDataDir<{ action: string }>(
      data,
      "SELECT action FROM audit_log WHERE action = 'faces.settings'",
    );
    expect(audit).toHaveLength(1);
  }, 240_000);

  it('refuses hostile input with a clear error and prints nothing on stdout', async () => {
    const data = freshDataDir();
    const dir = tempDir();
    const garbage = path.join(dir, 'garbage.jpg');
    writeFileSync(garbage, Buffer.from('\xff\xd8\xff\xe0 not really a JPEG at all', 'latin1'));
    const empty = path.join(dir, 'empty.png');
    writeFileSync(empty, Buffer.alloc(0));

    const cases: [string[], RegExp, number][] = [
      [['faces', path.join(dir, 'missing.jpg'), '--data', data, '--json'], /Cannot read .*missing\.jpg/, 1],
      [['faces', garbage, '--data', data, '--json'], /Cannot decode image/, 1],
      [['faces', empty, '--data', data, '--json'], /Empty file/, 1],
      [['faces', face('chris_pratt.jpg'), '--data', data, '--limit', '0'], /--limit must be/, 2],
      [['faces', face('chris_pratt.jpg'), '--data', data, '--limit', '5x'], /--limit must be/, 2],
      [['faces', face('chris_pratt.jpg'), '--data', data, '--min-score', '2'], /--min-score must be/, 2],
      [['faces-opt-in', '--agency', 'Nobody', '--data', data], /No agency named "Nobody"/, 2],
    ];
    for (const [args, message, code] of cases) {
      const result = await runCli(args);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.code, args.join(' ')).toBe(code);
    }
  }, 240_000);
});
