import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agencyService } from '#haven/accounts/agency.service.js';
import { runIngestToCompletion } from '#haven/app/run-ingest.js';
import { ingestJobKey } from '#haven/ingest/ingest.service.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';
import { enqueueVideoAnalysis, videoJobKey } from '#haven/video/video-queue.js';
import { freshDataDir, openTestHaven } from './support/haven-fixture.js';
import { tempDir } from './support/temp-dir.js';
import { longVideo } from './support/videos.js';

describe('the video analysis job', () => {
  it('is enqueued with the video, survives a stop before it ran, and runs once however often it is asked', async () => {
    const dataDir = freshDataDir();
    const source = tempDir('haven-video-job-');
    await longVideo(source, { scenes: 2, secondsPerScene: 3, seed: 5 });

    // Ingest only (the video job is left queued), then stop, as a process killed at that point would.
    const first = await openTestHaven(dataDir);
    let mediaId: string;
    try {
      const agency = await agencyService.ensureLocal(first.db, 'Local', 'XX');
      const ingest = await first.ingests.start({
        caseReference: 'JOB-1',
        sources: [source],
        operator: 'tester',
        agencyId: agency.id,
      });
      await first.jobs.runUntil(
        async () => (await first.ingests.get(ingest.id)).state === 'done',
        ingestJobKey(ingest.id),
      );
      const items = await first.ingests.results(ingest.id);
      const video = items.find((item) => item.kind === 'video')!;
      mediaId = video.mediaId!;
      expect(video.status).toBe('new');
      expect(await jobQueue.state(first.db, videoJobKey(mediaId))).toMatchObject({ state: 'queued' });
      const media = await first.db.query<{ analysis_state: string }>(
        'SELECT analysis_state FROM media WHERE id = $1',
        [mediaId],
      );
      expect(media[0]!.analysis_state).toBe('pending');
    } finally {
      await first.close();
    }

    const second = await openTestHaven(dataDir);
    try {
      await second.jobs.runUntil(
        async () => (await jobQueue.state(second.db, videoJobKey(mediaId)))?.state === 'done',
      );
      const count = async (): Promise<number[]> => {
        const rows = await second.db.query<{ frames: number; values: number; analyses: number }>(
          `SELECT (SELECT count(*)::int FROM video_frames WHERE media_id = $1) AS frames,
                  (SELECT count(*)::int FROM media_signals WHERE media_id = $1 AND signal = 'vpdq') AS values,
                  (SELECT count(*)::int FROM video_analyses WHERE media_id = $1) AS analyses`,
          [mediaId],
        );
        return [rows[0]!.frames, rows[0]!.values, rows[0]!.analyses];
      };
      const after = await count();
      expect(after[0]).toBeGreaterThan(1);
      expect(after[1]).toBeGreaterThan(1);
      expect(after[2]).toBe(1);
      // Asked again (a second ingest of the same video, a retry after a crash): nothing changes.
      expect(await second.db.transaction((tx) => enqueueVideoAnalysis(tx, mediaId))).toBe(false);
      await second.videos.analyse(mediaId);
      expect(await count()).toEqual(after);
      // The working copy of the decrypted original is gone.
      expect(readdirSync(path.join(dataDir, 'work'))).toEqual([]);
      // A later ingest of the same file is an exact copy and needs no analysis of its own.
      const again = await runIngestToCompletion(second, { caseReference: 'JOB-2', sources: [source] });
      const items = await second.ingests.results(again.id);
      expect(items.find((item) => item.kind === 'video')!.status).toBe('exact');
    } finally {
      await second.close();
    }
  }, 180_000);
});
