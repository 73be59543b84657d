import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { storeCounts } from './support/db-inspect.js';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { databaseUrlFor, onPostgres } from './support/test-database.js';
import { tempDir } from './support/temp-dir.js';

// The flag names a server; in the pglite project there is none (the other tests cover the embedded
// database, and the postgres project runs every CLI test with DATABASE_URL).
describe.runIf(onPostgres())('--database-url', () => {
  it('every command on a data directory takes the server from the flag; the directory keeps no database', async () => {
    const data = freshDataDir();
    const url = (await databaseUrlFor(data))!;
    const source = tempDir('haven-src-');
    writeFileSync(path.join(source, 'a.jpg'), await pictureJpeg(501));
    writeFileSync(path.join(source, 'b.jpg'), await pictureJpeg(502));
    // An empty DATABASE_URL counts as unset: only the flag points at the server.
    const noEnv = { DATABASE_URL: '' };
    const flags = ['--data', data, '--database-url', url];

    const ingest = await runCli(['ingest', source, '--case', 'URL-1', ...flags, '--json'], noEnv);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(jsonLines(ingest.stdout).at(-1)).toMatchObject({ summary: { files: 2, new: 2 } });

    const match = await runCli(['match', path.join(source, 'a.jpg'), ...flags, '--json'], noEnv);
    expect(match.code, match.stderr).toBe(0);
    expect(jsonLines(match.stdout)[0]).toMatchObject({ status: 'exact' });

    const triage = await runCli(['triage', '--case', 'URL-1', ...flags, '--json'], noEnv);
    expect(triage.code, triage.stderr).toBe(0);
    expect(jsonLines(triage.stdout).at(-1)).toMatchObject({ summary: { files: 2 } });

    const cases = await runCli(['cases', ...flags, '--json'], noEnv);
    expect(cases.code, cases.stderr).toBe(0);
    expect(jsonLines(cases.stdout).map((line) => line.reference)).toEqual(['URL-1']);

    const verify = await runCli(['verify', ...flags, '--json'], noEnv);
    expect(verify.code, verify.stderr).toBe(0);
    expect(jsonLines(verify.stdout).at(-1)).toMatchObject({ summary: { damaged: 0 } });

    const demo = await runCli(['demo', ...flags], noEnv);
    expect(demo.code, demo.stderr).toBe(0);

    // Rows on the server, evidence and indexes in the directory, and no embedded database beside them.
    const counts = await storeCounts(data);
    expect(counts.media).toBeGreaterThan(2);
    expect(counts.originals).toBe(counts.media);
    expect(existsSync(path.join(data, 'db'))).toBe(false);
    expect(existsSync(path.join(data, 'indexes'))).toBe(true);
  });

  it('refuses a URL that is not postgres://', async () => {
    const result = await runCli(['cases', '--data', freshDataDir(), '--database-url', 'mysql://x/y']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/postgres:\/\//);
  });
});
