import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { freshDataDir } from './support/haven-fixture.js';
import { sharedPath } from './support/shared-data.js';
import { tempDir } from './support/temp-dir.js';

const DIH = sharedPath('pdq', 'vectors', 'files', 'pdq', 'data', 'reg-test-input', 'dih');
// File numbering follows the dihedral order (SPEC §8, vectors README "Suggested test layers" 5).
const EXPECTED_TRANSFORM: Record<string, string | null> = {
  'bridge-1-original.jpg': null,
  'bridge-2-rotate-90.jpg': 'rotate90',
  'bridge-3-rotate-180.jpg': 'rotate180',
  'bridge-4-rotate-270.jpg': 'rotate270',
  'bridge-5-flipx.jpg': 'flipX',
  'bridge-6-flipy.jpg': 'flipY',
  'bridge-7-flip-plus-1.jpg': 'flipPlus1',
  'bridge-8-flip-minus-1.jpg': 'flipMinus1',
};

async function heldBridge(): Promise<string> {
  const data = freshDataDir();
  const held = tempDir();
  writeFileSync(path.join(held, 'bridge.jpg'), readFileSync(path.join(DIH, 'bridge-1-original.jpg')));
  const result = await runCli(['ingest', held, '--case', 'BRIDGE', '--data', data]);
  expect(result.code, result.stderr).toBe(0);
  return data;
}

describe('rotated and mirrored copies', () => {
  it('finds all 8 dihedral copies of a held image within distance 31, naming the transform', async () => {
    const data = await heldBridge();
    const result = await runCli(['match', DIH, '--data', data, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout).slice(0, -1) as {
      path: string;
      status: string;
      matches: { distance: number; transform: string | null }[];
    }[];
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      const name = path.basename(line.path);
      expect(line.status, name).toBe(name === 'bridge-1-original.jpg' ? 'exact' : 'near');
      const best = line.matches[0]!;
      expect(best.distance, name).toBeLessThanOrEqual(name === 'bridge-1-original.jpg' ? 0 : 8);
      expect(best.transform, name).toBe(EXPECTED_TRANSFORM[name]);
    }
  });

  it('finds only the original when dihedral matching is switched off', async () => {
    const data = await heldBridge();
    const result = await runCli(['match', DIH, '--data', data, '--json'], { HAVEN_PDQ_DIHEDRAL: 'false' });
    expect(result.code, result.stderr).toBe(0);
    const statuses = jsonLines(result.stdout)
      .slice(0, -1)
      .map((line) => line.status);
    expect(statuses).toEqual(['exact', 'new', 'new', 'new', 'new', 'new', 'new', 'new']);
  });
});

describe('haven verify', () => {
  it('passes on intact evidence and names a damaged blob', async () => {
    const data = await heldBridge();
    const intact = await runCli(['verify', '--data', data, '--json']);
    expect(intact.code, intact.stderr).toBe(0);
    expect(jsonLines(intact.stdout)).toEqual([{ summary: { checked: 3, damaged: 0 } }]);

    const originals = path.join(data, 'evidence', 'originals');
    const blob = readdirSync(originals, { recursive: true, withFileTypes: true }).find(
      (entry) => entry.isFile() && /^[0-9a-f]{64}$/.test(entry.name),
    )!;
    const file = path.join(blob.parentPath, blob.name);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100]! ^= 0x01;
    writeFileSync(file, bytes);
    const damaged = await runCli(['verify', '--data', data, '--json']);
    expect(damaged.code).toBe(1);
    const lines = jsonLines(damaged.stdout);
    expect(lines[0]).toMatchObject({ store: 'originals', sha256: blob.name });
    expect(lines[0]!.error).toMatch(/integrity check/);
    expect(lines.at(-1)).toEqual({ summary: { checked: 3, damaged: 1 } });
  });
});

describe('haven demo', () => {
  it('loads generated demo data once and shows every triage outcome', async () => {
    const data = freshDataDir();
    const first = await runCli(['demo', '--data', data, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const lines = jsonLines(first.stdout);
    const summary = (lines.at(-1) as { summary: Record<string, number> }).summary;
    expect(summary.new).toBeGreaterThan(0);
    expect(summary.near).toBeGreaterThan(0);
    expect(summary.exact).toBeGreaterThan(0);
    expect(summary.error).toBeGreaterThan(0);
    const statuses = new Map(
      lines.slice(0, -1).map((line) => [path.basename(line.path as string), line.status]),
    );
    expect(statuses.get('IMG_0004.jpg')).toBe('near');
    expect(statuses.get('IMG_0005.png')).toBe('near');
    expect(statuses.get('new-picture.jpg')).toBe('new');

    const again = await runCli(['demo', '--data', data]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Demo data is already loaded');
  });
});
