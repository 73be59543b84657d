import { afterAll, beforeAll } from 'vitest';
import type { MediaDraft } from '#haven/media/media.types.js';
import type { Database } from '#haven/platform/db/database.js';
import { templateDatabase, type TestDatabase } from './test-database.js';

/** A recorded image's draft with plausible defaults; tests override what they care about. */
export function imageDraft(overrides: Partial<MediaDraft> & Pick<MediaDraft, 'sha256'>): MediaDraft {
  return {
    size: 256,
    mime: 'image/jpeg',
    kind: 'image',
    format: 'jpeg',
    width: 64,
    height: 64,
    analysisState: 'done',
    analysisError: null,
    metadata: null,
    thumbnailSha256: null,
    blurredSha256: null,
    ...overrides,
  };
}

/**
 * One copy of the migrated template database for a whole test file (opening PGlite costs seconds),
 * of the current project's kind (test-database.ts); returns an accessor valid inside tests. Not
 * freshDataDir(): that one is removed after the first test.
 */
export function fileDatabase(prefix: string): () => Database {
  let handle: TestDatabase | undefined;
  beforeAll(async () => {
    handle = await templateDatabase(prefix);
  });
  afterAll(async () => {
    await handle?.dispose();
  });
  return () => {
    if (!handle) {
      throw new Error('fileDatabase() is only usable inside tests');
    }
    return handle.db;
  };
}
