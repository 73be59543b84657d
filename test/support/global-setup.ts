import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from './shared-data.js';
import { createPgliteTemplate } from './pglite-template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated embedded database to copy instead of running initdb in every test. */
    pgliteTemplate: string;
    /** Where the web app is built once per run and bundle kind, for the browser tests to copy. */
    webBuildRoot: string;
  }
}

/**
 * Runs once before the suite: compiles the sources (CLI tests and worker threads run the compiled
 * JavaScript) and prepares a migrated database template.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
  const root = mkdtempSync(path.join(os.tmpdir(), 'haven-test-template-'));
  const template = path.join(root, 'db');
  await createPgliteTemplate(template);
  project.provide('pgliteTemplate', template);
  const webBuildRoot = path.join(root, 'web');
  mkdirSync(webBuildRoot);
  project.provide('webBuildRoot', webBuildRoot);
  return () => {
    rmSync(root, { recursive: true, force: true });
  };
}
