import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import type { MediaDraft } from '#haven/media/media.types.js';
import type { Database } from '#haven/platform/db/database.js';
import { openPgliteDatabase } from '#haven/platform/db/pglite-database.js';

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
 * One copy of the migrated template database for a whole test file (opening PGlite costs seconds);
 * returns an accessor valid inside tests. Not tempDir(): that one is removed after the first test.
 */
export function fileDatabase(prefix: string): () => Database {
  let root: string | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), prefix));
    cpSync(inject('pgliteTemplate'), path.join(root, 'db'), { recursive: true });
    db = await openPgliteDatabase(path.join(root, 'db'));
  });
  afterAll(async () => {
    await db?.close();
    if (root) {
      rmSync(root, { recursive: true, force: true });
    }
  });
  return () => {
    if (!db) {
      throw new Error('fileDatabase() is only usable inside tests');
    }
    return db;
  };
}
