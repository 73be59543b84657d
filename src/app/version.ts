import { readFileSync } from 'node:fs';

/** Haven's version from package.json (found from src/app or dist/src/app), recorded with every ingest. */
export const HAVEN_VERSION: string = (() => {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'haven' && pkg.version) {
        return pkg.version;
      }
    } catch {
      // Try the next location.
    }
  }
  return 'unknown';
})();
