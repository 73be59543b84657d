import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/shared-data.js';

/** The house plan (docs/ARCHITECTURE.md), checked on the real import graph of src/. */
const SRC = path.join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      return sourceFiles(full);
    }
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
  return specifiers.flatMap((specifier) => {
    if (specifier.startsWith('#haven/')) {
      return [path.join(SRC, specifier.slice('#haven/'.length).replace(/\.js$/, '.ts'))];
    }
    if (specifier.startsWith('.')) {
      return [path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'))];
    }
    return [];
  });
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const room = (file: string): string => path.relative(SRC, file).split(path.sep)[0]!;
const rel = (file: string): string => path.relative(SRC, file);

describe('architecture', () => {
  it('every import resolves to a file', () => {
    const missing = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => !graph.has(target)).map((target) => `${rel(file)} -> ${rel(target)}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') {
        return;
      }
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) {
        visit(target, [...trail, file]);
      }
      state.set(file, 'done');
    };
    for (const file of files) {
      visit(file, []);
    }
    expect(cycles).toEqual([]);
  });

  it('platform imports no capability, and signals import only platform', () => {
    const wrong = [...graph].flatMap(([file, imports]) => {
      const from = room(file);
      const allowed =
        from === 'platform' ? ['platform'] : from === 'signals' ? ['signals', 'platform'] : undefined;
      return allowed
        ? imports.filter((target) => !allowed.includes(room(target))).map((t) => `${rel(file)} -> ${rel(t)}`)
        : [];
    });
    expect(wrong).toEqual([]);
  });

  it("a capability never uses another capability's repository", () => {
    const wrong = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => target.endsWith('.repository.ts') && room(target) !== room(file))
        .map((target) => `${rel(file)} -> ${rel(target)}`),
    );
    expect(wrong).toEqual([]);
  });

  it('the command line, the server and the composition root sit on top: nothing below imports them', () => {
    const above: Record<string, readonly string[]> = {
      cli: ['cli'],
      server: ['server', 'cli'],
      app: ['app', 'server', 'cli'],
    };
    const wrong = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => {
          const allowed = above[room(target)];
          return allowed !== undefined && !allowed.includes(room(file));
        })
        .map((target) => `${rel(file)} -> ${rel(target)}`),
    );
    expect(wrong).toEqual([]);
  });

  it('the HTTP plumbing knows no capability (only access and platform)', () => {
    const wrong = [...graph].flatMap(([file, imports]) =>
      room(file) === 'http'
        ? imports
            .filter((target) => !['http', 'access', 'platform'].includes(room(target)))
            .map((target) => `${rel(file)} -> ${rel(target)}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });

  it('only the configuration module reads the environment', () => {
    const readers = files.filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8'))).map(rel);
    expect(readers).toEqual(['platform/config/load-config.ts']);
  });
});
