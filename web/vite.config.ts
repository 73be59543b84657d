import { defineConfig } from 'vite';

const root = new URL('.', import.meta.url).pathname;

// The investigators' app; `haven serve` serves web/dist at `/` (API under /api/v1).
export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: `${root}dist`,
    emptyOutDir: true,
    sourcemap: false,
    // The policy forbids inline code: no asset may be inlined as a data: script.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
