import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the built app, ready to send. */
export interface SiteFile {
  readonly body: Buffer;
  readonly contentType: string;
  /** Vite names assets by content hash: they never change under the same name. */
  readonly immutable: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Reads the built single-page app from its folder (the file-system adapter behind `GET /`): only
 * files inside the folder, only known types, and index.html for every page address.
 */
export class StaticSite {
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  get root(): string {
    return this.#root;
  }

  /** True when the app has been built (`npm run build`). */
  isBuilt(): boolean {
    return existsSync(path.join(this.#root, 'index.html'));
  }

  async index(): Promise<SiteFile | null> {
    return this.file('/index.html');
  }

  /** The file at a URL path, or null (missing, outside the folder, a folder, or an unknown type). */
  async file(urlPath: string): Promise<SiteFile | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0')) {
      return null;
    }
    const contentType = CONTENT_TYPES[path.extname(decoded).toLowerCase()];
    if (!contentType) {
      return null;
    }
    const candidate = path.resolve(this.#root, `.${path.posix.normalize(`/${decoded}`)}`);
    try {
      // realpath: a symbolic link inside the folder may not lead out of it.
      const [real, root] = await Promise.all([realpath(candidate), realpath(this.#root)]);
      if (!real.startsWith(`${root}${path.sep}`) || !(await stat(real)).isFile()) {
        return null;
      }
      return {
        body: await readFile(real),
        contentType,
        immutable: decoded.startsWith('/assets/'),
      };
    } catch {
      return null;
    }
  }
}

/** web/dist of the package this code belongs to (from src/ or from the compiled dist/src/). */
export function defaultWebAppDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) {
      return path.join(dir, 'web', 'dist');
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return path.resolve('web', 'dist');
    }
    dir = parent;
  }
}
