import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The portal sits in a DMZ: its code may import only itself, configuration and logging (plus
 * node, fastify, zod). No capability, no database, no evidence store, no audit, no HTTP API.
 */
const ROOT = path.dirname(fileURLToPath(import.meta.url));
const ALLOWED = [
  /^#haven\/portal\//,
  /^#haven\/platform\/config\/(config\.schema|load-config)\.js$/,
  /^#haven\/platform\/log\/logger\.js$/,
  /^node:/,
  /^fastify$/,
  /^zod$/,
  /^vitest$/,
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

describe('the portal imports', () => {
  it('reach nothing but the portal itself, configuration and logging', () => {
    const files = sources(ROOT);
    expect(files.length).toBeGreaterThan(5);
    const wrong = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bfrom '([^']+)'/g)]
        .map((match) => match[1]!)
        .filter((target) => !ALLOWED.some((rule) => rule.test(target)))
        .map((target) => `${path.relative(ROOT, file)} -> ${target}`),
    );
    expect(wrong).toEqual([]);
  });
});
