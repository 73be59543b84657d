import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { readTsv, sharedPath } from './support/shared-data.js';
import { tempDir } from './support/temp-dir.js';

const digest = (algorithm: string, file: string): string =>
  createHash(algorithm).update(readFileSync(file)).digest('hex');

describe('haven hash', () => {
  it('prints exactly the documented fields, with the reference PDQ of real images', async () => {
    const vectors = readTsv(sharedPath('pdq', 'vectors', 'expected', 'images.tsv')).filter(
      (row) => row.core_hash !== 'NA' && !row.file!.includes('CMYK'),
    );
    const files = vectors.map((row) => sharedPath('pdq', 'vectors', 'files', row.file!));
    const result = await runCli(['hash', '--json', ...files]);
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines).toHaveLength(files.length);
    lines.forEach((line, i) => {
      const row = vectors[i]!;
      const file = files[i]!;
      expect(Object.keys(line)).toEqual([
        'path',
        'mime',
        'size',
        'md5',
        'sha1',
        'sha256',
        'pdq',
        'pdqQuality',
        'width',
        'height',
      ]);
      expect(line).toEqual({
        path: file,
        mime: row.format === 'PNG' ? 'image/png' : 'image/jpeg',
        size: readFileSync(file).length,
        md5: digest('md5', file),
        sha1: digest('sha1', file),
        sha256: row.file_sha256,
        pdq: row.core_hash,
        pdqQuality: Number(row.core_quality),
        width: Number(row.width),
        height: Number(row.height),
      });
    });
  });

  it('gives null image fields for other files and an error for damaged or missing ones', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.txt'), 'hello\n');
    const jpeg = readFileSync(sharedPath('pdq', 'vectors', 'files', 'pdq', 'data', 'misc-images', 'wee.jpg'));
    writeFileSync(path.join(dir, 'b-cut.jpg'), jpeg.subarray(0, 600));
    const result = await runCli([
      'hash',
      '--json',
      path.join(dir, 'a.txt'),
      path.join(dir, 'b-cut.jpg'),
      path.join(dir, 'nope'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [text, cut, missing] = jsonLines(result.stdout);
    expect(text).toMatchObject({
      mime: 'application/octet-stream',
      size: 6,
      md5: 'b1946ac92492d2347c6235b4d2611184',
      pdq: null,
      pdqQuality: null,
      width: null,
      height: null,
    });
    expect(cut).toMatchObject({ mime: 'image/jpeg', size: 600, pdq: null });
    expect(cut!.error).toMatch(/Cannot decode image/);
    expect(missing).toMatchObject({ sha256: null, error: 'no such file or directory' });
  });

  it('prints a readable block per file without --json', async () => {
    const file = sharedPath(
      'pdq',
      'vectors',
      'files',
      'pdq',
      'data',
      'reg-test-input',
      'dih',
      'bridge-1-original.jpg',
    );
    const result = await runCli(['hash', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22 q100',
    );
    expect(result.stdout).toContain('1600x1004');
  });
});
