import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startApiServer } from './support/api-server.js';
import { tempDir } from './support/temp-dir.js';

/** A built app folder as Vite writes it, plus a secret file beside it that must never be served. */
function builtApp(): { dir: string; secret: string } {
  const root = tempDir('haven-web-serve-');
  const dir = path.join(root, 'dist');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(path.join(dir, 'notes.key'), 'not a web file');
  const secret = 'outside-secret-content';
  writeFileSync(path.join(root, 'secret.txt'), secret);
  symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'assets', 'leak.txt'));
  return { dir, secret };
}

async function serveApp(dir: string): Promise<string> {
  const server = await startApiServer({ HAVEN_WEB_DIR: dir });
  onTestFinished(() => server.close());
  return server.url;
}

describe('the web app served by haven serve', () => {
  it('serves pages with the app policy, assets as immutable, and every page address as index.html', async () => {
    const { dir } = builtApp();
    const url = await serveApp(dir);
    for (const address of ['/', '/cases/1234/upload', '/admin/audit?action=media']) {
      const page = await fetch(`${url}${address}`);
      expect([address, page.status]).toEqual([address, 200]);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(await page.text()).toContain('<div id="root">');
    }
    const script = await fetch(`${url}/assets/index-abc123.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe('console.log("app")');
    const style = await fetch(`${url}/assets/index-abc123.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('keeps the API its JSON errors and policy', async () => {
    const { dir } = builtApp();
    const url = await serveApp(dir);
    for (const address of ['/api/v1/no-such-route', '/api/v1', '/api/v1/']) {
      const reply = await fetch(`${url}${address}`);
      expect([address, reply.status]).toEqual([address, 404]);
      expect(((await reply.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      expect(reply.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
    const post = await fetch(`${url}/`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('never serves anything outside the folder, unknown file types or missing files', async () => {
    const { dir, secret } = builtApp();
    const url = await serveApp(dir);
    const hostile = [
      '/assets/leak.txt',
      '/notes.key',
      '/assets/missing.js',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets/index-abc123.js%00.html',
      '/%E0%A4%A.js',
    ];
    for (const address of hostile) {
      const reply = await fetch(`${url}${address}`);
      const text = await reply.text();
      expect(text, address).not.toContain(secret);
      expect(text, address).not.toContain('not a web file');
      // A clean refusal (bad encoding 400, missing 404) or, for page-like addresses, the app's page.
      expect([400, 404, 200], address).toContain(reply.status);
      if (reply.status === 200) {
        expect(text, address).toContain('<div id="root">');
      }
    }
  });

  it('says clearly when the app has not been built', async () => {
    const url = await serveApp(tempDir('haven-web-empty-'));
    const reply = await fetch(`${url}/`);
    expect(reply.status).toBe(503);
    const body = (await reply.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NOT_READY');
    expect(body.error.message).toContain('npm run build');
  });
});
