// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { imageDraft } from '../../test/support/factories.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cpSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agencyService } from '#haven/accounts/agency.service.js';
import { caseService } from '#haven/cases/case.service.js';
import { ingestRepository } from '#haven/ingest/ingest.repository.js';
import { IndexSnapshotStore } from '#haven/matching/index-snapshot.store.js';
import { SignalIndexes } from '#haven/matching/signal-indexes.js';
import { signalValuesService, type StoredSignalValue } from '#haven/matching/signal-values.service.js';
import { mediaService } from '#haven/media/media.service.js';
import type { Database } from '#haven/platform/db/database.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { databaseId } from '#haven/platform/db/database-id.js';
import { silentLogger } from '#haven/platform/log/logger.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { freshDataDir, openTestHaven } from '../../test/support/haven-fixture.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../test/support/temp-dir.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { onPostgres, openDataDirDatabase } from '../../test/support/test-database.js';

interface Store {
  readonly dataDir: string;
  readonly indexDir: string;
  readonly db: Database;
  readonly databaseId: string;
  readonly ingestId: string;
}

/** A fresh copy of the migrated database with one case and one ingest to hang media on. */
async function withStore(work: (store: Store) => Promise<void>): Promise<void> {
  const dataDir = freshDataDir();
  const db = await openDataDirDatabase(dataDir);
  try {
    const caseRecord = await caseService.ensure(
      db,
      'IDX-1',
      'tester',
      (await agencyService.ensureLocal(db, 'Local', 'XX')).id,
    );
    const ingestId = randomUUID();
    await ingestRepository.insert(db, {
      id: ingestId,
      caseId: caseRecord.id,
      fingerprint: randomUUID(),
      sources: ['/evidence'],
      operator: 'tester',
      host: 'test-host',
      toolVersion: 'test',
    });
    await work({
      dataDir,
      indexDir: path.join(dataDir, 'indexes'),
      db,
      databaseId: await databaseId(db),
      ingestId,
    });
  } finally {
    await db.close();
  }
}

/** Records a medium with a SHA-256 signal and (optionally) a PDQ value; returns the PDQ row. */
async function addMedium(
  store: Store,
  pdq: Uint8Array,
  quality: number | null = 100,
): Promise<StoredSignalValue> {
  return store.db.transaction((tx) => addMediumIn(tx, store, pdq, quality));
}

/** addMedium inside the caller's transaction. */
async function addMediumIn(
  tx: Queryable,
  store: Store,
  pdq: Uint8Array,
  quality: number | null = 100,
): Promise<StoredSignalValue> {
  const bytes = randomBytes(64);
  const sha256 = createHash('sha256').update(bytes).digest();
  const { media } = await mediaService.record(
    tx,
    imageDraft({ sha256: sha256, size: bytes.length }),
    store.ingestId,
  );
  const rows = await signalValuesService.record(tx, media.id, [
    { signal: 'sha256', value: sha256, quality: null, pipeline: 'sha256-v1' },
    { signal: 'pdq', value: pdq, quality, pipeline: pdqSignal.pipelineVersion },
  ]);
  return rows.find((row) => row.signal === 'pdq')!;
}

function openIndexes(store: Store, minQuality = 50, id = store.databaseId): Promise<SignalIndexes> {
  return SignalIndexes.open({
    db: store.db,
    dir: store.indexDir,
    databaseId: id,
    signals: [{ signal: pdqSignal, minQuality }],
    log: silentLogger,
  });
}

const pdq = (): Uint8Array => randomBytes(32);

/** The ids of the stored rows at distance 0 of `value`. */
function exactIds(indexes: SignalIndexes, value: Uint8Array): number[] {
  return indexes.query('pdq', value, 0).map((hit) => hit.id);
}

async function snapshotHeader(store: Store) {
  return (await new IndexSnapshotStore(store.indexDir).read('pdq'))?.header;
}

describe('SignalIndexes: snapshot and checkpoint', () => {
  it('builds from the database without a snapshot, and save() writes one with its checkpoint', async () => {
    await withStore(async (store) => {
      const values = [pdq(), pdq(), pdq()];
      const rows = [];
      for (const value of values) {
        rows.push(await addMedium(store, value));
      }
      const indexes = await openIndexes(store);
      expect(indexes.origins()).toEqual([
        { signal: 'pdq', loadedFrom: 'database', rowsReadAtOpen: 3, entries: 3 },
      ]);
      expect(exactIds(indexes, values[1]!)).toEqual([rows[1]!.id]);
      expect(await snapshotHeader(store)).toBeUndefined();

      await indexes.save();
      const header = await snapshotHeader(store);
      expect(header).toMatchObject({
        format: 1,
        databaseId: store.databaseId,
        signal: 'pdq',
        pipelineVersion: pdqSignal.pipelineVersion,
        minQuality: 50,
        lastSignalId: Math.max(...rows.map((row) => row.id)),
        lastRemovalSeq: 0,
        entries: 3,
      });
    });
  });

  it('reopens from the snapshot and reads only the rows added after its checkpoint', async () => {
    await withStore(async (store) => {
      const before = [pdq(), pdq(), pdq(), pdq()];
      for (const value of before) {
        await addMedium(store, value);
      }
      await (await openIndexes(store)).save();

      const lateGood = pdq();
      const lateRow = await addMedium(store, lateGood);
      await addMedium(store, pdq(), 10); // read, but below minQuality: not indexed
      const reopened = await openIndexes(store);
      expect(reopened.origins()).toEqual([
        { signal: 'pdq', loadedFrom: 'snapshot', rowsReadAtOpen: 2, entries: 5 },
      ]);
      expect(exactIds(reopened, lateGood)).toEqual([lateRow.id]);
      for (const value of before) {
        expect(exactIds(reopened, value)).toHaveLength(1);
      }
    });
  });

  it('does not rewrite an unchanged snapshot, and moves the checkpoint when rows were added', async () => {
    await withStore(async (store) => {
      await addMedium(store, pdq());
      await (await openIndexes(store)).save();
      const file = new IndexSnapshotStore(store.indexDir).fileOf('pdq');
      const first = readFileSync(file);

      await (await openIndexes(store)).save();
      expect(readFileSync(file).equals(first)).toBe(true);

      const added = await addMedium(store, pdq());
      const indexes = await openIndexes(store);
      await indexes.save();
      expect((await snapshotHeader(store))?.lastSignalId).toBe(added.id);
      expect((await snapshotHeader(store))?.entries).toBe(2);
    });
  });

  it('rebuilds from the database when the snapshot belongs to another database', async () => {
    let foreignValue: Uint8Array | undefined;
    let foreignIndexDir = '';
    await withStore(async (other) => {
      foreignValue = pdq();
      await addMedium(other, foreignValue);
      await addMedium(other, pdq());
      await (await openIndexes(other)).save();
      foreignIndexDir = path.join(tempDir('haven-foreign-'), 'indexes');
      cpSync(other.indexDir, foreignIndexDir, { recursive: true });
    });
    await withStore(async (store) => {
      const own = pdq();
      const ownRow = await addMedium(store, own);
      cpSync(foreignIndexDir, store.indexDir, { recursive: true });
      const header = await snapshotHeader(store);
      expect(header?.databaseId).not.toBe(store.databaseId);
      // Same checkpoint numbers could be valid here: only the database id tells the snapshots apart.
      const indexes = await openIndexes(store);
      expect(indexes.origins()).toEqual([
        { signal: 'pdq', loadedFrom: 'database', rowsReadAtOpen: 1, entries: 1 },
      ]);
      expect(exactIds(indexes, foreignValue!)).toEqual([]);
      expect(exactIds(indexes, own)).toEqual([ownRow.id]);
      await indexes.save();
      expect((await snapshotHeader(store))?.databaseId).toBe(store.databaseId);
    });
  });

  it('rebuilds from the database when the snapshot was made with another minQuality', async () => {
    await withStore(async (store) => {
      const weak = pdq();
      const weakRow = await addMedium(store, weak, 30);
      await addMedium(store, pdq(), 90);
      const strict = await openIndexes(store, 50);
      expect(exactIds(strict, weak)).toEqual([]);
      await strict.save();

      const lenient = await openIndexes(store, 20);
      expect(lenient.origins()[0]?.loadedFrom).toBe('database');
      expect(lenient.origins()[0]?.entries).toBe(2);
      expect(exactIds(lenient, weak)).toEqual([weakRow.id]);
    });
  });

  it('rebuilds from the database when the snapshot body is corrupt', async () => {
    await withStore(async (store) => {
      const values = [pdq(), pdq()];
      for (const value of values) {
        await addMedium(store, value);
      }
      await (await openIndexes(store)).save();
      const file = new IndexSnapshotStore(store.indexDir).fileOf('pdq');
      const data = readFileSync(file);
      const bodyStart = 12 + data.readUInt32LE(8);
      // Keep the (valid, matching) header, replace the serialized index with junk.
      writeFileSync(
        file,
        Buffer.concat([data.subarray(0, bodyStart), Buffer.alloc(data.length - bodyStart, 0xa5)]),
      );
      const indexes = await openIndexes(store);
      expect(indexes.origins()).toEqual([
        { signal: 'pdq', loadedFrom: 'database', rowsReadAtOpen: 2, entries: 2 },
      ]);
      for (const value of values) {
        expect(exactIds(indexes, value)).toHaveLength(1);
      }
    });
  });

  it('rebuilds from the database when the snapshot file is truncated or not a snapshot at all', async () => {
    await withStore(async (store) => {
      const value = pdq();
      await addMedium(store, value);
      const snapshots = new IndexSnapshotStore(store.indexDir);
      for (const damage of [
        () => {
          truncateSync(snapshots.fileOf('pdq'), 20);
        },
        () => {
          truncateSync(snapshots.fileOf('pdq'), statSync(snapshots.fileOf('pdq')).size - 7);
        },
        () => {
          writeFileSync(snapshots.fileOf('pdq'), 'not an index at all');
        },
      ]) {
        await (await openIndexes(store)).save();
        damage();
        const indexes = await openIndexes(store);
        expect(indexes.origins()[0]?.loadedFrom).toBe('database');
        expect(exactIds(indexes, value)).toHaveLength(1);
        await snapshots.remove('pdq');
      }
    });
  });
});

describe('SignalIndexes: catching up', () => {
  it('applies removals recorded in media_signal_removals after the snapshot', async () => {
    await withStore(async (store) => {
      const kept = pdq();
      const removed = pdq();
      const keptRow = await addMedium(store, kept);
      const removedRow = await addMedium(store, removed);
      await (await openIndexes(store)).save();

      // No repository removes signal values yet: this is what a removal must leave behind.
      await store.db.transaction(async (tx) => {
        await tx.query('DELETE FROM media_signals WHERE id = $1', [removedRow.id]);
        await tx.query('INSERT INTO media_signal_removals (signal, signal_id) VALUES ($1, $2)', [
          'pdq',
          removedRow.id,
        ]);
      });
      const indexes = await openIndexes(store);
      expect(indexes.origins()).toEqual([
        { signal: 'pdq', loadedFrom: 'snapshot', rowsReadAtOpen: 0, entries: 1 },
      ]);
      expect(exactIds(indexes, removed)).toEqual([]);
      expect(exactIds(indexes, kept)).toEqual([keptRow.id]);

      await indexes.save();
      const header = await snapshotHeader(store);
      expect(header?.lastRemovalSeq).toBeGreaterThan(0);
      expect(header?.entries).toBe(1);
      // The removal is folded in: the next open has nothing left to apply.
      const again = await openIndexes(store);
      expect(again.origins()[0]).toMatchObject({ loadedFrom: 'snapshot', entries: 1 });
      expect(exactIds(again, removed)).toEqual([]);
    });
  });

  it('applies removals of other signals to nothing, and removals on refresh() while open', async () => {
    await withStore(async (store) => {
      const value = pdq();
      const row = await addMedium(store, value);
      const indexes = await openIndexes(store);
      await store.db.query('INSERT INTO media_signal_removals (signal, signal_id) VALUES ($1, $2)', [
        'sha256',
        row.id,
      ]);
      await indexes.refresh();
      expect(exactIds(indexes, value)).toEqual([row.id]);
      await store.db.query('INSERT INTO media_signal_removals (signal, signal_id) VALUES ($1, $2)', [
        'pdq',
        row.id,
      ]);
      await indexes.refresh();
      expect(exactIds(indexes, value)).toEqual([]);
      expect(indexes.size('pdq')).toBe(0);
    });
  });

  it('leaves values below minQuality (or without quality) out, on rebuild, catch-up and noteAdded', async () => {
    await withStore(async (store) => {
      const atLimit = pdq();
      const below = pdq();
      const none = pdq();
      await addMedium(store, atLimit, 50);
      await addMedium(store, below, 49);
      await addMedium(store, none, null);
      const rebuilt = await openIndexes(store, 50);
      // All three rows were read; one was indexed.
      expect(rebuilt.origins()).toEqual([
        { signal: 'pdq', loadedFrom: 'database', rowsReadAtOpen: 3, entries: 1 },
      ]);
      expect(rebuilt.size('pdq')).toBe(1);
      expect(exactIds(rebuilt, atLimit)).toHaveLength(1);
      expect(exactIds(rebuilt, below)).toEqual([]);
      expect(exactIds(rebuilt, none)).toEqual([]);

      const laterBelow = pdq();
      const laterRow = await addMedium(store, laterBelow, 12);
      rebuilt.noteAdded([{ ...laterRow, value: laterBelow }]);
      expect(exactIds(rebuilt, laterBelow)).toEqual([]);
      await rebuilt.refresh();
      expect(exactIds(rebuilt, laterBelow)).toEqual([]);
      expect(rebuilt.size('pdq')).toBe(1);
    });
  });

  it('indexes rows at once through noteAdded, and a refresh does not count them twice', async () => {
    await withStore(async (store) => {
      const indexes = await openIndexes(store);
      expect(indexes.size('pdq')).toBe(0);
      const value = pdq();
      const row = await addMedium(store, value);
      indexes.noteAdded([row]);
      expect(exactIds(indexes, value)).toEqual([row.id]);
      await indexes.refresh();
      expect(exactIds(indexes, value)).toEqual([row.id]);
      expect(indexes.size('pdq')).toBe(1);
    });
  });

  it('a Haven writes its snapshot on close and the next start loads it', async () => {
    const dataDir = freshDataDir();
    const value = pdq();
    const first = await openTestHaven(dataDir);
    try {
      expect(first.indexes.origins()[0]?.loadedFrom).toBe('database');
      const caseRecord = await caseService.ensure(
        first.db,
        'HAVEN-1',
        'tester',
        (await agencyService.ensureLocal(first.db, 'Local', 'XX')).id,
      );
      const ingestId = randomUUID();
      await ingestRepository.insert(first.db, {
        id: ingestId,
        caseId: caseRecord.id,
        fingerprint: randomUUID(),
        sources: [],
        operator: 'tester',
        host: 'h',
        toolVersion: 't',
      });
      await addMedium(
        { dataDir, indexDir: path.join(dataDir, 'indexes'), db: first.db, databaseId: '', ingestId },
        value,
      );
    } finally {
      await first.close();
    }
    const second = await openTestHaven(dataDir);
    try {
      expect(second.indexes.origins()).toEqual([
        { signal: 'pdq', loadedFrom: 'snapshot', rowsReadAtOpen: 0, entries: 1 },
        { signal: 'vpdq', loadedFrom: 'snapshot', rowsReadAtOpen: 0, entries: 0 },
      ]);
      expect(exactIds(second.indexes, value)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

// Only a server has several connections whose transactions can commit out of id order; the embedded
// database runs one transaction at a time.
describe.runIf(onPostgres())('SignalIndexes: concurrent writers (PostgreSQL)', () => {
  /** Starts a transaction that records a medium, then waits for commit() before committing. */
  function slowWriter(store: Store, value: Uint8Array) {
    let commit!: () => void;
    const mayCommit = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let inserted!: () => void;
    const hasIds = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const done = store.db.transaction(async (tx) => {
      const row = await addMediumIn(tx, store, value);
      inserted();
      await mayCommit;
      return row;
    });
    return { hasIds, commit, done };
  }

  it('does not miss a row that commits after a row with a higher id was read', async () => {
    await withStore(async (store) => {
      const indexes = await openIndexes(store);
      const early = pdq();
      const late = pdq();
      // Writer A takes its ids first but commits last; writer B commits in between.
      const writerA = slowWriter(store, early);
      await writerA.hasIds;
      const rowB = await addMedium(store, late);
      await indexes.refresh();
      expect(exactIds(indexes, late)).toEqual([rowB.id]);
      expect(exactIds(indexes, early)).toEqual([]);
      // A snapshot written now must not claim A's id as done either.
      await indexes.save();
      expect((await snapshotHeader(store))!.lastSignalId).toBeLessThan(rowB.id);

      writerA.commit();
      const rowA = await writerA.done;
      expect(rowA.id).toBeLessThan(rowB.id);
      await indexes.refresh();
      expect(exactIds(indexes, early)).toEqual([rowA.id]);
      expect(exactIds(indexes, late)).toEqual([rowB.id]);
      expect(indexes.size('pdq')).toBe(2);

      // Once no writer is in flight the checkpoint catches up, and reopening finds both rows.
      await indexes.save();
      expect((await snapshotHeader(store))!.lastSignalId).toBeGreaterThanOrEqual(rowB.id);
      const reopened = await openIndexes(store);
      expect(reopened.origins()[0]).toMatchObject({ loadedFrom: 'snapshot', rowsReadAtOpen: 0, entries: 2 });
    });
  });

  it('a snapshot saved while a writer was in flight still picks up its row at the next open', async () => {
    await withStore(async (store) => {
      const before = pdq();
      await addMedium(store, before);
      const early = pdq();
      const writerA = slowWriter(store, early);
      await writerA.hasIds;
      const late = pdq();
      await addMedium(store, late);
      const first = await openIndexes(store);
      expect(first.size('pdq')).toBe(2);
      await first.save();

      writerA.commit();
      const rowA = await writerA.done;
      const reopened = await openIndexes(store);
      expect(reopened.origins()[0]?.loadedFrom).toBe('snapshot');
      expect(exactIds(reopened, early)).toEqual([rowA.id]);
      expect(reopened.size('pdq')).toBe(3);
    });
  });

  it('a rolled-back writer leaves a gap that does not hold the checkpoint back', async () => {
    await withStore(async (store) => {
      const indexes = await openIndexes(store);
      await expect(
        store.db.transaction(async (tx) => {
          await addMediumIn(tx, store, pdq());
          throw new Error('abandoned');
        }),
      ).rejects.toThrow('abandoned');
      const kept = await addMedium(store, pdq());
      await indexes.save();
      expect((await snapshotHeader(store))!.lastSignalId).toBeGreaterThanOrEqual(kept.id);
      expect(indexes.size('pdq')).toBe(1);
    });
  });
});
