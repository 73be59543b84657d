import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root (the folder holding package.json). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The reference material beside the repository: ../shared (never copied into the repo). */
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');

/** Absolute path of a file under ../shared; fails with a clear message when the folder is missing. */
export function sharedPath(...parts: string[]): string {
  const full = path.join(SHARED_DIR, ...parts);
  if (!existsSync(full)) {
    throw new Error(
      `Test data missing: ${full}. The tests read reference data from ../shared beside the repository ` +
        '(see README); it is not part of the repository.',
    );
  }
  return full;
}

/** Reads a tab-separated file with a header line into objects keyed by column name. */
export function readTsv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  const header = (lines.shift() ?? '').split('\t');
  return lines
    .filter((line) => !line.startsWith('#'))
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
    });
}
