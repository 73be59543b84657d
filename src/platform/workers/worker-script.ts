import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The compiled script of a worker thread, given relative to the calling module. Worker threads run
 * plain JavaScript: when the caller itself runs from TypeScript sources (the test runner), the
 * compiled copy under dist/ is used, so `npm run build` must have run.
 */
export function workerScriptUrl(moduleUrl: string, relative: string): URL {
  const url = new URL(relative, moduleUrl);
  const file = fileURLToPath(url);
  if (existsSync(file)) {
    return url;
  }
  const marker = `${path.sep}src${path.sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) {
    return url;
  }
  const compiled = path.join(file.slice(0, at), 'dist', 'src', file.slice(at + marker.length));
  return pathToFileURL(compiled);
}
