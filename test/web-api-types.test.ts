import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/shared-data.js';

describe('web app API types', () => {
  it('web/src/api/openapi.gen.ts is generated from the committed docs/openapi.json (no drift)', () => {
    let output = '';
    let failed = false;
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/web-api-types.mjs'), '--check'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      failed = true;
      output = String((error as { stderr?: Buffer }).stderr ?? error);
    }
    expect(output).toBe('');
    expect(failed).toBe(false);
  });
});
