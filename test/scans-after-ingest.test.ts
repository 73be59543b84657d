import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemActor } from '#haven/access/actor.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import type { Haven } from '#haven/app/haven.js';
import { runIngestToCompletion } from '#haven/app/run-ingest.js';
import { FACE_MEDIA_QUEUE } from '#haven/faces/face-queue.js';
import { OCR_MEDIA_QUEUE } from '#haven/ocr/ocr-queue.js';
import { freshDataDir, openTestHaven } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { sharedPath } from './support/shared-data.js';
import { tempDir } from './support/temp-dir.js';
import { textPicture } from './support/text-images.js';
import { longVideo } from './support/videos.js';

const MEDIA_QUEUES = [OCR_MEDIA_QUEUE, FACE_MEDIA_QUEUE];

/** Every text and face job, as (queue, sha256 of its medium), in a stable order. */
async function mediaJobs(haven: Haven): Promise<{ queue: string; sha: string; state: string }[]> {
  return haven.db.query(
    `SELECT j.queue, encode(m.sha256, 'hex') AS sha, j.state FROM jobs j
     JOIN media m ON j.payload->>'mediaId' = m.id::text
     WHERE j.queue = ANY($1) ORDER BY j.queue, sha`,
    [MEDIA_QUEUES],
  );
}

async function shaOf(haven: Haven, caseReference: string, name: string): Promise<string> {
  const rows = await haven.db.query<{ sha: string }>(
    `SELECT encode(m.sha256, 'hex') AS sha FROM media_files mf JOIN media m ON m.id = mf.media_id
     JOIN cases c ON c.id = mf.case_id WHERE c.reference = $1 AND mf.source_path LIKE $2`,
    [caseReference, `%${name}`],
  );
  expect(rows, `${caseReference}/${name}`).toHaveLength(1);
  return rows[0]!.sha;
}

/** A folder holding the given files. */
function folder(files: Record<string, Buffer | string>): string {
  const dir = tempDir('haven-scans-src-');
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') {
      copyFileSync(content, path.join(dir, name));
    } else {
      writeFileSync(path.join(dir, name), content);
    }
  }
  return dir;
}

describe('scans follow ingest', () => {
  it('queues text reading for every picture and faces only where the holding agency opted in, once per content', async () => {
    const dataDir = freshDataDir();
    let haven = await openTestHaven(dataDir);
    try {
      const optedIn = await agencyService.ensureLocal(haven.db, 'Agency Faces', 'NL');
      const notOptedIn = await agencyService.ensureLocal(haven.db, 'Agency Plain', 'BE');
      await haven.db.transaction((tx) =>
        haven.faces.setEnabled(tx, systemActor('test'), optedIn.id, true, {}),
      );
      const sign = await textPicture(['Bakery open until six', 'Fresh bread every morning']);
      const own = folder({
        'paul.jpg': sharedPath('testdata', 'face', 'paul_rudd_1.jpg'),
        'sign.png': sign,
        'room.jpg': await pictureJpeg(41, 320, 240),
      });
      const foreign = folder({
        'paul.jpg': sharedPath('testdata', 'face', 'paul_rudd_2.jpg'),
        'room.jpg': await pictureJpeg(42, 320, 240),
        'broken.jpg': Buffer.from('not a picture at all'),
      });
      await runIngestToCompletion(haven, { caseReference: 'OWN', sources: [own], agencyId: optedIn.id });
      await runIngestToCompletion(haven, {
        caseReference: 'FOREIGN',
        sources: [foreign],
        agencyId: notOptedIn.id,
      });

      const ownShas = await Promise.all(
        ['paul.jpg', 'sign.png', 'room.jpg'].map((n) => shaOf(haven, 'OWN', n)),
      );
      const foreignShas = await Promise.all(['paul.jpg', 'room.jpg'].map((n) => shaOf(haven, 'FOREIGN', n)));
      const expected = [
        ...ownShas.map((sha) => ({ queue: FACE_MEDIA_QUEUE, sha, state: 'queued' })),
        ...[...ownShas, ...foreignShas].map((sha) => ({ queue: OCR_MEDIA_QUEUE, sha, state: 'queued' })),
      ].sort((a, b) => a.queue.localeCompare(b.queue) || a.sha.localeCompare(b.sha));
      // The unreadable file has no job: there is nothing to read in it.
      expect(await mediaJobs(haven)).toEqual(expected);

      // Ingesting the same pictures again, in another case and by the other agency, queues nothing new.
      await runIngestToCompletion(haven, {
        caseReference: 'OWN-AGAIN',
        sources: [own],
        agencyId: optedIn.id,
      });
      await runIngestToCompletion(haven, {
        caseReference: 'OWN-COPY',
        sources: [own],
        agencyId: notOptedIn.id,
      });
      expect(await mediaJobs(haven)).toEqual(expected);

      // A restart keeps the queue as it was; the server's workers then run the jobs.
      await haven.close();
      haven = await openTestHaven(dataDir);
      expect(await mediaJobs(haven)).toEqual(expected);
      await haven.jobs.runUntil(
        async () => (await mediaJobs(haven)).every((job) => job.state === 'done'),
        undefined,
        MEDIA_QUEUES,
      );
      const texts = await haven.db.query<{ sha: string; text: string }>(
        `SELECT encode(m.sha256, 'hex') AS sha, t.text FROM media_texts t JOIN media m ON m.id = t.media_id`,
      );
      expect(texts.map((t) => t.sha).sort()).toEqual([...ownShas, ...foreignShas].sort());
      expect(texts.find((t) => t.sha === ownShas[1])!.text).toMatch(/Fresh bread/);
      const hits = await haven.db.query<{ media_id: string }>(
        "SELECT media_id FROM media_texts WHERE to_tsvector('simple', text) @@ websearch_to_tsquery('simple', 'bakery')",
      );
      expect(hits).toHaveLength(1);
      // Faces of the opted-in agency's pictures only: one run each, and the face of the portrait.
      const runs = await haven.db.query<{ sha: string; faces: number; actor: string }>(
        `SELECT encode(m.sha256, 'hex') AS sha, r.faces, r.actor FROM face_runs r JOIN media m ON m.id = r.media_id
         WHERE r.kind = 'media' ORDER BY sha`,
      );
      expect(runs.map((r) => r.sha)).toEqual([...ownShas].sort());
      expect(runs.every((r) => r.actor === 'faces.ingest')).toBe(true);
      expect(runs.find((r) => r.sha === ownShas[0])!.faces).toBe(1);

      // Run again (a retry after a crash, another worker): nothing is read or computed twice.
      await haven.faces.analyseMedia(
        (await haven.db.query<{ id: string }>('SELECT media_id AS id FROM face_runs LIMIT 1'))[0]!.id,
        'again',
      );
      await runIngestToCompletion(haven, {
        caseReference: 'OWN-THIRD',
        sources: [own],
        agencyId: optedIn.id,
      });
      expect((await mediaJobs(haven)).filter((job) => job.state !== 'done')).toEqual([]);
      expect(await haven.db.query("SELECT 1 FROM face_runs WHERE kind = 'media'")).toHaveLength(3);
    } finally {
      await haven.close();
    }
  }, 240_000);

  it("queues a video's scans once its analysis has kept its keyframes", async () => {
    const dataDir = freshDataDir();
    const haven = await openTestHaven(dataDir);
    try {
      const agency = await agencyService.ensureLocal(haven.db, 'Agency Video', 'AT');
      await haven.db.transaction((tx) =>
        haven.faces.setEnabled(tx, systemActor('test'), agency.id, true, {}),
      );
      const source = tempDir('haven-scans-video-');
      mkdirSync(source, { recursive: true });
      await longVideo(source, { scenes: 2, secondsPerScene: 2, seed: 8 });
      const ingest = await haven.ingests.start({
        caseReference: 'VID',
        sources: [source],
        operator: 'tester',
        agencyId: agency.id,
      });
      // Recorded but not analysed yet: there is nothing to read until its keyframes exist.
      await haven.jobs.runUntil(
        async () => (await haven.ingests.get(ingest.id)).state === 'done',
        undefined,
        ['ingest.run'],
      );
      const video = (await haven.ingests.results(ingest.id)).find((item) => item.kind === 'video')!;
      const videoSha = (
        await haven.db.query<{ sha: string }>(
          "SELECT encode(sha256, 'hex') AS sha FROM media WHERE id = $1",
          [video.mediaId],
        )
      )[0]!.sha;
      expect((await mediaJobs(haven)).filter((job) => job.sha === videoSha)).toEqual([]);
      await haven.jobs.runUntil(async () => (await haven.videos.pendingJobs(ingest.id)) === 0, undefined, [
        'video.analyse',
      ]);
      expect((await mediaJobs(haven)).filter((job) => job.sha === videoSha)).toEqual([
        { queue: FACE_MEDIA_QUEUE, sha: videoSha, state: 'queued' },
        { queue: OCR_MEDIA_QUEUE, sha: videoSha, state: 'queued' },
      ]);
    } finally {
      await haven.close();
    }
  }, 180_000);
});
