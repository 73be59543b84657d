import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agencyService } from '#haven/accounts/agency.service.js';
import { ingestJobKey } from '#haven/ingest/ingest.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { SIMILARITY_DEFAULTS } from '#haven/similarity/similarity-defaults.js';
import { SimilarityIndex } from '#haven/similarity/similarity-index.js';
import { similarityGlobalJobKey, similarityJobKey } from '#haven/similarity/similarity-queue.js';
import { freshDataDir, openTestHaven } from './support/haven-fixture.js';
import { sharedPath } from './support/shared-data.js';

/**
 * Searches no longer recount the features or reread the vocabulary each time: the index catches
 * up only when a cheap stamp says something was saved. A picture extracted after the last search
 * must still be found by the next one.
 */

const LEUVEN_A = sharedPath('testdata', 'scene', 'leuven', 'leuvenA.jpg');
const LEUVEN_B = sharedPath('testdata', 'scene', 'leuven', 'leuvenB.jpg');
const HOME = sharedPath('testdata', 'negative', 'home.jpg');

/** The real database, with every statement it is sent written down. */
function recording(db: Queryable): { db: Queryable; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    db: {
      query: (sql, params) => {
        statements.push(sql);
        return db.query(sql, params);
      },
      exec: (sql) => {
        statements.push(sql);
        return db.exec(sql);
      },
    },
  };
}

describe('place search index freshness', () => {
  it('finds a picture extracted after the last search, and asks one small query when nothing changed', async () => {
    const haven = await openTestHaven(freshDataDir());
    try {
      const agency = await agencyService.ensureLocal(haven.db, 'Local', 'XX');
      const ingest = await haven.ingests.start({
        caseReference: 'FRESH-1',
        sources: [LEUVEN_A, LEUVEN_B, HOME],
        operator: 'tester',
        agencyId: agency.id,
      });
      await haven.jobs.runUntil(
        async () => (await haven.ingests.get(ingest.id)).state === 'done',
        ingestJobKey(ingest.id),
      );
      const media = new Map<string, string>();
      for (const item of await haven.ingests.results(ingest.id)) {
        media.set(path.basename(item.path), item.mediaId!);
      }
      const leuvenA = media.get('leuvenA.jpg')!;
      const leuvenB = media.get('leuvenB.jpg')!;
      const runJobs = async (mediaId: string): Promise<void> => {
        await haven.similarity.enqueueMissing();
        await haven.jobs.runOne(similarityJobKey(mediaId));
        await haven.jobs.runOne(similarityGlobalJobKey(mediaId));
      };
      await runJobs(leuvenA);
      await runJobs(media.get('home.jpg')!);

      // leuvenB is not extracted yet: a search with it as a query finds leuvenA only.
      const before = await haven.similarity.searchBytes(readFileSync(LEUVEN_A), { limit: 10 });
      expect(before.hits.map((h) => h.mediaId)).toContain(leuvenA);
      expect(before.hits.map((h) => h.mediaId)).not.toContain(leuvenB);

      await runJobs(leuvenB);
      const after = await haven.similarity.searchBytes(readFileSync(LEUVEN_A), { limit: 10 });
      const found = after.hits.find((h) => h.mediaId === leuvenB);
      expect(found).toBeDefined();
      expect(found!.inliers).toBeGreaterThanOrEqual(SIMILARITY_DEFAULTS.minInliers);

      // A held picture as the query uses its stored features and descriptor: the same verdict
      // and the same global similarity as the picture uploaded.
      const held = await haven.similarity.searchHeld(haven.db, leuvenA, { limit: 10 });
      const heldHit = held.hits.find((h) => h.mediaId === leuvenB);
      expect(heldHit).toBeDefined();
      expect(heldHit!.globalSimilarity).toBe(found!.globalSimilarity);
      expect(held.hits.map((h) => h.mediaId)).not.toContain(leuvenA);

      // An index of its own over the same database: the first refresh builds it, a second one
      // with nothing saved in between sends a single statement (no count, no vocabulary).
      const index = new SimilarityIndex(path.join(freshDataDir(), 'similarity-orb.bin'), haven.log);
      const watched = recording(haven.db);
      await index.refresh(watched.db);
      expect(index.size).toBe(3);
      const built = watched.statements.length;
      expect(built).toBeGreaterThan(1);
      await index.refresh(watched.db);
      expect(watched.statements.length).toBe(built + 1);
      expect(watched.statements.at(-1)).not.toMatch(/count\(|vocabulary FROM/);
      // A redone extraction (a new row) is noticed by the next refresh and indexed (the old row
      // stays in the postings; fetching candidate rows by id leaves it out).
      await haven.db.query('DELETE FROM similarity_features WHERE media_id = $1', [leuvenB]);
      await haven.similarity.extract(leuvenB);
      await index.refresh(watched.db);
      expect(watched.statements.length).toBeGreaterThan(built + 2);
      expect(index.size).toBe(4);
    } finally {
      await haven.close();
    }
  }, 600_000);
});
