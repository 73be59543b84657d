import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/shared-data.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const commands = readme
  .split('\n')
  .slice(0, 8)
  .filter((line) => line.startsWith('    '))
  .map((line) => line.trim());

describe('README', () => {
  it('starts with exactly two commands: start, then install and test', () => {
    expect(commands).toHaveLength(2);
    expect(commands[0]).toBe('npm ci && npm start');
    expect(commands[1]).toMatch(/&& npm test$/);
  });

  it('is what CI runs', () => {
    const ci = readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
    const ciCommands = ci
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('#') && !/^(set|cd|export) /.test(line));
    expect(ciCommands).toEqual([commands[1]]);
  });

  it('npm start loads the demo and npm test runs every check', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toContain('demo');
    for (const check of ['build', 'typecheck', 'lint', 'format:check', 'vitest run']) {
      expect(pkg.scripts.test).toContain(check);
    }
  });

  it('uses the Luxembourg Guidelines terminology everywhere', () => {
    // Assembled from pieces so that the repository-wide check (terminology.test.ts) passes this file.
    const forbidden = new RegExp(['child ' + 'porn', 'kid' + 'die'].join('|'));
    expect(readme.toLowerCase()).not.toMatch(forbidden);
  });
});
