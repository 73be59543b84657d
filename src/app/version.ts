import { readFileSync } from 'node:fs';

/** Haven's version from package.json, recorded with every ingest. */
export const HAVEN_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();
