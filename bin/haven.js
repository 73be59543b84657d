#!/usr/bin/env node
// The built CLI lives in dist/; `npm run build` (or `npm ci`, via prepare) produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('haven: the build is missing; run `npm run build` first.\n');
  process.exit(1);
}
await import(entry.href);
