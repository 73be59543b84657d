import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/shared-data.js';

/**
 * Luxembourg Guidelines: the material is "child sexual abuse material" (CSAM). The terms below are
 * refused anywhere in the repository's source, UI strings, tests and docs. They are assembled from
 * parts so that this file does not contain them itself.
 */
const CHILD = 'child';
const PORN = 'porn';
const KID = 'kid';
const REFUSED = [`${CHILD}[\\s_-]*${PORN}(ography)?`, `${KID}die`, `${KID}dy[\\s_-]*${PORN}`];
const PATTERN = new RegExp(`(${REFUSED.join('|')})`, 'i');

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\0')
    .filter((file) => file.length > 0)
    .filter(
      (file) => /\.(ts|tsx|js|mjs|json|md|html|css|sh|yml|yaml|txt)$/.test(file) || !path.extname(file),
    );
}

describe('terminology', () => {
  it('no source, UI string, test or document uses a refused term', () => {
    const offending: string[] = [];
    for (const file of trackedTextFiles()) {
      let text: string;
      try {
        text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
      } catch {
        continue;
      }
      for (const [index, line] of text.split('\n').entries()) {
        if (PATTERN.test(line)) {
          offending.push(`${file}:${index + 1}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('the check recognises each refused term, whatever its case or spacing', () => {
    const samples = [
      `Child ${PORN}ography`,
      `${CHILD}-${PORN}`,
      `${CHILD}_${PORN}`.toUpperCase(),
      `${KID}die`.toUpperCase(),
      `${KID}dy ${PORN}`,
    ];
    expect(samples.filter((sample) => !PATTERN.test(sample))).toEqual([]);
    expect(PATTERN.test('child sexual abuse material')).toBe(false);
  });
});
