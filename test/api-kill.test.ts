import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expectStatus, seedAgency, seedUser, signedInClient, type SeededUser } from './support/api-client.js';
import { apiTestEnv } from './support/api-server.js';
import { HAVEN_BIN } from './support/cli.js';
import { storeCounts, queryDataDir } from './support/db-inspect.js';
import { freshDataDir, openTestHaven, testEnv } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { databaseEnv } from './support/test-database.js';
import { uploadFiles, waitForIngest } from './support/api-upload.js';

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts `haven serve` as a real process on a free port; resolves once it listens. */
function serve(dataDir: string, env: Record<string, string>): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, 'serve', '--data', dataDir, '--port', '0'], {
      env: testEnv({ ...apiTestEnv(env), HAVEN_LOG_LEVEL: 'info', HAVEN_LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const listening = /Haven listening on (http:\/\/[^"\s]+)/.exec(log);
      if (listening) {
        resolve({ child, url: listening[1]! });
      }
    });
    child.on('exit', (code) => {
      reject(new Error(`haven serve exited with ${code}: ${log.slice(-2000)}`));
    });
  });
}

function kill(served: Served): Promise<void> {
  return new Promise((resolve) => {
    served.child.removeAllListeners('exit');
    served.child.on('exit', () => {
      resolve();
    });
    served.child.kill('SIGKILL');
  });
}

describe('server killed during an upload ingest', () => {
  it('finishes the ingest after a restart: nothing lost, nothing duplicated', async () => {
    const dataDir = freshDataDir();
    const env = {
      ...(await databaseEnv(dataDir)),
      HAVEN_JOB_LEASE_SECONDS: '3',
      HAVEN_INGEST_CONCURRENCY: '2',
    };
    let user: SeededUser;
    const haven = await openTestHaven(dataDir, env);
    try {
      const agency = await seedAgency(haven);
      user = await seedUser(haven, { agencyId: agency.id, roles: ['investigator'] });
    } finally {
      await haven.close();
    }
    const pictures = await Promise.all(Array.from({ length: 40 }, (_, i) => pictureJpeg(1200 + i, 480, 360)));

    let served = await serve(dataDir, env);
    let client = await signedInClient(served.url, user);
    const created = expectStatus(await client.post('/cases', { reference: `KILL-${Date.now()}` }), 201);
    const ingest = expectStatus(await client.post('/ingests', { caseId: created.body.id }), 201);
    const ingestId = ingest.body.id as string;
    const uploaded = await uploadFiles(
      client,
      ingestId,
      pictures.map((bytes, i) => ({ name: `img-${String(i).padStart(2, '0')}.jpg`, bytes })),
    );
    expect(uploaded.status).toBe(201);
    expectStatus(await client.post(`/ingests/${ingestId}/start`), 202);
    for (;;) {
      const progress = (await client.get(`/ingests/${ingestId}`)).body.progress as {
        files: number;
        pending: number;
      };
      if (progress.files - progress.pending >= 6) {
        expect(progress.pending).toBeGreaterThan(0);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await kill(served);

    served = await serve(dataDir, env);
    try {
      client = await signedInClient(served.url, user);
      const done = await waitForIngest(client, ingestId, 120_000);
      expect(done.progress).toMatchObject({ files: 40, pending: 0, new: 40, error: 0, distinctMedia: 40 });
    } finally {
      served.child.kill('SIGTERM');
      await new Promise((resolve) => served.child.once('exit', resolve));
    }
    const counts = await storeCounts(dataDir);
    expect(counts).toMatchObject({ media: 40, mediaFiles: 40, items: 40, originals: 40 });
    const jobs = await queryDataDir<{ state: string; attempts: number }>(
      dataDir,
      "SELECT state, attempts FROM jobs WHERE queue = 'ingest.run'",
    );
    expect(jobs.map((job) => job.state)).toEqual(['done']);
    // Reading the pictures' text followed the ingest: one job per picture in spite of the kill.
    const textJobs = await queryDataDir<{ key: string }>(
      dataDir,
      "SELECT key FROM jobs WHERE queue = 'ocr.media'",
    );
    expect(new Set(textJobs.map((job) => job.key)).size).toBe(40);
    expect(textJobs).toHaveLength(40);
  }, 180_000); // the servers also read the text of the pictures while they ingest
});
