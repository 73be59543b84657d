import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Terminology (Luxembourg Guidelines): "child sexual abuse material" (CSAM) or "child sexual
 * exploitation material", never the terms below, anywhere in the repository: source, UI strings,
 * docs. The patterns are assembled from pieces so that this file does not contain them itself.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

const FORBIDDEN: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  // Also catches "...pornography", hyphens, underscores and camelCase joins.
  {
    name: ['child', 'porn(ography)'].join(' '),
    pattern: new RegExp(['child', 'porn'].join('[\\s_-]*'), 'i'),
  },
  { name: ['kid', 'die'].join(''), pattern: new RegExp(['kid', 'die'].join(''), 'i') },
];

/** Every line of `text` that uses a forbidden term, as "file:line: term". */
function offences(file: string, text: string): string[] {
  const found: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    for (const { name, pattern } of FORBIDDEN) {
      if (pattern.test(line)) {
        found.push(`${file}:${index + 1}: ${name}`);
      }
    }
  }
  return found;
}

/** Files git tracks, and new ones it would track (so the check holds before a commit too). */
function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return [...new Set(listed.split('\0').filter((file) => file.length > 0))];
}

describe('terminology', () => {
  it('finds the forbidden terms in any spelling it knows (the check can fail)', () => {
    const samples = [
      ['child', 'porn'].join(' '),
      ['Child', 'Pornography'].join(' '),
      ['child', 'porn'].join('-'),
      ['CHILD', 'PORN'].join('_'),
      ['Kid', 'dies'].join(''),
    ];
    for (const sample of samples) {
      expect(offences('sample', `a line with ${sample} in it`), sample).toHaveLength(1);
    }
    expect(offences('sample', 'child sexual abuse material (CSAM); children; kids; portrait')).toEqual([]);
  });

  it('appears nowhere in source, UI strings or docs', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path.join(REPO_ROOT, file));
      } catch {
        continue; // deleted in the working tree
      }
      if (bytes.includes(0)) {
        continue; // binary
      }
      found.push(...offences(file, bytes.toString('utf8')));
    }
    expect(found).toEqual([]);
  });
});
