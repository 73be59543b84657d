import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Row } from '#haven/platform/db/database.js';
import { openDataDirDatabase } from './test-database.js';

/** Runs queries on a data directory's database (no Haven process may hold an embedded one). */
export async function queryDataDir<R extends Row>(
  dataDir: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const db = await openDataDirDatabase(dataDir);
  try {
    return await db.query<R>(sql, params);
  } finally {
    await db.close();
  }
}

export interface StoreCounts {
  readonly media: number;
  readonly mediaFiles: number;
  readonly signals: number;
  readonly ingests: number;
  readonly items: number;
  readonly cases: number;
  readonly originals: number;
  readonly previews: number;
}

/** Row counts of the main tables and blob counts of the evidence stores. */
export async function storeCounts(dataDir: string): Promise<StoreCounts> {
  const rows = await queryDataDir<Record<string, number>>(
    dataDir,
    `SELECT (SELECT count(*)::int FROM media) AS media, (SELECT count(*)::int FROM media_files) AS media_files,
            (SELECT count(*)::int FROM media_signals) AS signals, (SELECT count(*)::int FROM ingests) AS ingests,
            (SELECT count(*)::int FROM ingest_items) AS items, (SELECT count(*)::int FROM cases) AS cases`,
  );
  const row = rows[0]!;
  return {
    media: row.media!,
    mediaFiles: row.media_files!,
    signals: row.signals!,
    ingests: row.ingests!,
    items: row.items!,
    cases: row.cases!,
    originals: countBlobs(path.join(dataDir, 'evidence', 'originals')),
    previews: countBlobs(path.join(dataDir, 'evidence', 'previews')),
  };
}

function countBlobs(dir: string): number {
  let count = 0;
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      if (name === '.tmp') {
        continue;
      }
      if (statSync(full).isDirectory()) {
        walk(full);
      } else if (/^[0-9a-f]{64}$/.test(name)) {
        count += 1;
      }
    }
  };
  try {
    walk(dir);
  } catch {
    return 0;
  }
  return count;
}
