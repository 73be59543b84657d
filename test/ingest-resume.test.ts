import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { HAVEN_BIN, jsonLines, runCli } from './support/cli.js';
import { queryDataDir, storeCounts } from './support/db-inspect.js';
import { freshDataDir, testEnv } from './support/haven-fixture.js';
import { databaseEnv } from './support/test-database.js';
import { pictureJpeg } from './support/images.js';
import { tempDir } from './support/temp-dir.js';

function zipOf(entries: [string, Buffer][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of entries) {
    zip.addBuffer(bytes, name);
  }
  zip.end();
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (part: Buffer) => parts.push(part));
    zip.outputStream.on('end', () => {
      resolve(Buffer.concat(parts));
    });
  });
}

/** A seized-disk-like folder: pictures, duplicates, an archive with a nested archive. */
async function evidenceFolder(): Promise<string> {
  const dir = tempDir('haven-resume-src-');
  mkdirSync(path.join(dir, 'photos'));
  const pictures = await Promise.all(Array.from({ length: 36 }, (_, i) => pictureJpeg(200 + i, 320, 240)));
  pictures.forEach((bytes, i) => {
    writeFileSync(path.join(dir, 'photos', `img-${String(i).padStart(3, '0')}.jpg`), bytes);
  });
  writeFileSync(path.join(dir, 'photos', 'dup-of-0.jpg'), pictures[0]!);
  const inner = await zipOf(pictures.slice(10, 14).map((bytes, i) => [`inner-${i}.jpg`, bytes]));
  const outer = await zipOf([
    ...pictures.slice(20, 30).map((bytes, i): [string, Buffer] => [`a/entry-${i}.jpg`, bytes]),
    ['nested.zip', inner],
    ['readme.txt', Buffer.from('text inside the archive')],
  ]);
  writeFileSync(path.join(dir, 'archive.zip'), outer);
  return dir;
}

/**
 * Starts an ingest and kills it with SIGKILL once `afterItems` items were recorded (0: at once,
 * as soon as it has opened the data directory and is starting the ingest).
 */
function ingestKilledAfter(args: string[], env: Record<string, string>, afterItems: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HAVEN_BIN, ...args], {
      // On PostgreSQL the killed process's job is taken over as soon as its connection is gone (its
      // advisory lock with it), not after its lease: the default lease stays on purpose.
      env: testEnv({ ...env, HAVEN_LOG_LEVEL: 'debug', HAVEN_INGEST_CONCURRENCY: '3' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let recorded = 0;
    let killed = false;
    const kill = (): void => {
      if (!killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      recorded += (text.match(/"item recorded"/g) ?? []).length;
      // Not a timer: how much a process does in a given time depends on the database (a server
      // starts at once, PGlite takes a second) and on the machine's load.
      const opened = /"index (built from the database|loaded from snapshot)"/.test(text);
      if (afterItems === 0 ? opened || recorded > 0 : recorded >= afterItems) {
        kill();
      }
    });
    child.on('close', () => {
      resolve();
    });
  });
}

describe('ingest after kill -9', () => {
  it('resumes where it stopped: nothing lost, nothing duplicated, same triage as an uninterrupted run', async () => {
    const source = await evidenceFolder();
    const reference = freshDataDir();
    const clean = await runCli(['ingest', source, '--case', 'R', '--data', reference, '--json']);
    expect(clean.code, clean.stderr).toBe(0);
    const expected = jsonLines(clean.stdout);

    const data = freshDataDir();
    const args = ['ingest', source, '--case', 'R', '--data', data];
    const env = await databaseEnv(data);
    for (const afterItems of [0, 4, 6, 8, 10]) {
      await ingestKilledAfter(args, env, afterItems);
    }
    const [interrupted] = await queryDataDir<{ state: string }>(data, 'SELECT state FROM ingests');
    expect(interrupted?.state, 'the killed runs must leave the ingest unfinished').not.toBe('done');
    const finished = await runCli([...args, '--json']);
    expect(finished.code, finished.stderr).toBe(0);
    const lines = jsonLines(finished.stdout);
    const comparable = (line: Record<string, unknown>): unknown => [
      line.path,
      line.sha256,
      line.status,
      line.kind,
    ];
    expect(lines.slice(0, -1).map(comparable)).toEqual(expected.slice(0, -1).map(comparable));
    expect(lines.at(-1)).toMatchObject({ summary: { files: 54, new: 54, error: 0, pending: 0 } });

    const counts = await storeCounts(data);
    const referenceCounts = await storeCounts(reference);
    expect(counts).toEqual(referenceCounts);
    expect(counts).toMatchObject({ ingests: 1, items: 54, mediaFiles: 54, media: 39, originals: 39 });
    const runs = await queryDataDir<{ runs: number }>(data, 'SELECT runs FROM ingests');
    expect(runs[0]!.runs).toBeGreaterThan(1);
    // What is left for a server's workers: reading the text of each picture, queued exactly once
    // per content in spite of the killed runs, as in the run that was never interrupted.
    const leftJobs = (dir: string) =>
      queryDataDir<{ queue: string; sha: string | null }>(
        dir,
        `SELECT j.queue, encode(m.sha256, 'hex') AS sha FROM jobs j
         LEFT JOIN media m ON j.key = 'ocr-media:' || m.id::text
         WHERE j.state <> 'done' ORDER BY sha`,
      );
    const pictures = await queryDataDir<{ sha: string }>(
      data,
      "SELECT encode(sha256, 'hex') AS sha FROM media WHERE kind = 'image' AND analysis_state = 'done' ORDER BY 1",
    );
    expect(pictures.length).toBeGreaterThan(30);
    expect(await leftJobs(data)).toEqual(pictures.map(({ sha }) => ({ queue: 'ocr.media', sha })));
    expect(await leftJobs(reference)).toEqual(await leftJobs(data));
  }, 240_000); // seven haven processes, each opening the embedded database
});
