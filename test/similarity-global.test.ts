import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agencyService } from '#haven/accounts/agency.service.js';
import { ingestJobKey } from '#haven/ingest/ingest.service.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';
import { SIMILARITY_DEFAULTS } from '#haven/similarity/similarity-defaults.js';
import { freshDataDir, openTestHaven } from './support/haven-fixture.js';
import { sharedPath } from './support/shared-data.js';

/**
 * The global-descriptor side of place search: durable, idempotent extraction jobs, the persisted
 * nearest-neighbour index, and the fusion that accepts a same-place view with few inliers.
 */

const FILES = {
  leuvenA: ['scene', 'leuven', 'leuvenA.jpg'],
  leuvenB: ['scene', 'leuven', 'leuvenB.jpg'],
  home: ['negative', 'home.jpg'],
  box: ['object', 'box', 'box.png'],
} as const;

describe('global descriptors in place search', () => {
  it('are extracted once per image by resumable jobs, persisted, and explain every result', async () => {
    const dataDir = freshDataDir();
    const first = await openTestHaven(dataDir);
    const media = new Map<string, string>();
    try {
      const agency = await agencyService.ensureLocal(first.db, 'Local', 'XX');
      const ingest = await first.ingests.start({
        caseReference: 'GLOBAL-1',
        sources: Object.values(FILES).map((parts) => sharedPath('testdata', ...parts)),
        operator: 'tester',
        agencyId: agency.id,
      });
      await first.jobs.runUntil(
        async () => (await first.ingests.get(ingest.id)).state === 'done',
        ingestJobKey(ingest.id),
      );
      for (const item of await first.ingests.results(ingest.id)) {
        media.set(path.basename(item.path), item.mediaId!);
      }
      const keys = await first.similarity.enqueueMissing();
      const globalKeys = keys.filter((key) => key.startsWith('similarity-global:'));
      expect(globalKeys).toHaveLength(4);
      // Only one of them runs before the "crash": the rest stay queued for the next start.
      await first.jobs.runOne(globalKeys[0]);
    } finally {
      await first.close();
    }

    const second = await openTestHaven(dataDir);
    try {
      const keys = await second.similarity.enqueueMissing();
      expect(keys.filter((key) => key.startsWith('similarity-global:'))).toHaveLength(3);
      for (const key of keys) {
        await second.jobs.runOne(key);
        expect(await jobQueue.state(second.db, key)).toMatchObject({ state: 'done' });
      }
      const rows = async (): Promise<{ id: string | number; media_id: string; dimensions: number }[]> =>
        second.db.query(
          `SELECT id, media_id, dimensions FROM similarity_globals WHERE state = 'done' ORDER BY id`,
        );
      const stored = await rows();
      expect(stored).toHaveLength(4);
      expect(stored.every((row) => row.dimensions === 528)).toBe(true);
      // Asked again, a job keeps the current descriptor as it is.
      await second.similarity.extractGlobal(media.get('leuvenA.jpg')!);
      expect(await rows()).toEqual(stored);
      expect((await second.similarity.enqueueMissing()).length).toBe(0);

      const outcome = await second.similarity.searchBytes(
        readFileSync(sharedPath('testdata', ...FILES.leuvenB)),
        {
          limit: 10,
        },
      );
      const hit = outcome.hits.find((h) => h.mediaId === media.get('leuvenA.jpg'));
      expect(hit).toBeDefined();
      expect(hit!.inliers).toBeGreaterThanOrEqual(SIMILARITY_DEFAULTS.minInliers);
      expect(hit!.globalSimilarity).toBeGreaterThan(0.5);
      expect(hit!.globalSimilarity).toBeLessThanOrEqual(1);
      // The picture itself (also held) comes first; unrelated pictures are not accepted.
      expect(outcome.hits[0]!.mediaId).toBe(media.get('leuvenB.jpg'));
      expect(outcome.hits[0]!.globalSimilarity).toBeGreaterThan(0.999);
      const ids = outcome.hits.map((h) => h.mediaId);
      expect(ids).not.toContain(media.get('home.jpg'));
      expect(ids).not.toContain(media.get('box.png'));
    } finally {
      await second.close();
    }
  }, 600_000);

  it('rebuilds from the database when the index snapshot is damaged', async () => {
    const dataDir = freshDataDir();
    const first = await openTestHaven(dataDir);
    let leuvenA: string;
    try {
      const agency = await agencyService.ensureLocal(first.db, 'Local', 'XX');
      const ingest = await first.ingests.start({
        caseReference: 'GLOBAL-2',
        sources: [sharedPath('testdata', ...FILES.leuvenA), sharedPath('testdata', ...FILES.home)],
        operator: 'tester',
        agencyId: agency.id,
      });
      await first.jobs.runUntil(
        async () => (await first.ingests.get(ingest.id)).state === 'done',
        ingestJobKey(ingest.id),
      );
      leuvenA = (await first.ingests.results(ingest.id)).find((i) =>
        i.path.endsWith('leuvenA.jpg'),
      )!.mediaId!;
      for (const key of await first.similarity.enqueueMissing()) {
        await first.jobs.runOne(key);
      }
      await first.similarity.refreshIndex();
    } finally {
      await first.close();
    }
    const snapshot = path.join(dataDir, 'indexes', 'similarity-gem.bin');
    const bytes = readFileSync(snapshot);
    expect(bytes.length).toBeGreaterThan(2 * 528 * 4);
    for (const damaged of [bytes.subarray(0, 40), Buffer.from('garbage'), Buffer.alloc(0)]) {
      writeFileSync(snapshot, damaged);
      const again = await openTestHaven(dataDir);
      try {
        const outcome = await again.similarity.searchBytes(
          readFileSync(sharedPath('testdata', ...FILES.leuvenA)),
          {
            limit: 5,
          },
        );
        expect(outcome.hits.map((h) => h.mediaId)).toContain(leuvenA);
        expect(outcome.hits.find((h) => h.mediaId === leuvenA)!.globalSimilarity).toBeGreaterThan(0.999);
      } finally {
        await again.close();
      }
    }
  }, 600_000);
});
