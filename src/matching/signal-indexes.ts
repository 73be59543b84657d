import type { Queryable } from '#haven/platform/db/database.js';
import type { Logger } from '#haven/platform/log/logger.js';
import { describeError } from '#haven/platform/errors/haven-error.js';
import type { IndexHit, SignalIndex, SignalType } from '#haven/signals/signal-type.js';
import { IndexSnapshotStore, type SnapshotHeader } from '#haven/matching/index-snapshot.store.js';
import { signalValuesRepository } from '#haven/matching/signal-values.repository.js';

export interface IndexedSignal {
  readonly signal: SignalType;
  /** Values below this quality are left out of the index. */
  readonly minQuality: number;
}

/** How an index came to be in memory at open, for operators and tests. */
export interface IndexOrigin {
  readonly signal: string;
  readonly loadedFrom: 'snapshot' | 'database';
  /** Rows read from the database at open: all of them for a rebuild, only newer ones after a snapshot. */
  readonly rowsReadAtOpen: number;
  readonly entries: number;
}

interface LiveIndex {
  readonly config: IndexedSignal;
  loadedFrom: 'snapshot' | 'database';
  rowsRead: number;
  index: SignalIndex;
  /** Checkpoints: every row (removal) up to here is folded in, and no other will ever appear. */
  lastSignalId: number;
  lastRemovalSeq: number;
  /**
   * Rows and removals above the checkpoints already folded in. Above a checkpoint a row can still
   * appear below one already seen (another transaction commits later), so that range is read again
   * until the checkpoint can move; these sets keep what was read from being applied twice.
   */
  readonly seenIds: Set<number>;
  readonly seenRemovals: Set<number>;
  /** Entries folded in since the last snapshot was written. */
  unsaved: number;
}

const PAGE = 20_000;
const BUILD_SETTLE_TRIES = 10;

/**
 * The in-memory indexes of the perceptual signals. On open each is loaded from its snapshot and
 * brought up to date from the database (only rows added or removed since the snapshot's
 * checkpoint are read), so a start does not rebuild from scratch.
 *
 * Ids are handed out in order but, on a server with several writers, committed in any order: a row
 * may become visible after a row with a higher id was already read. So a checkpoint only moves up to
 * what the database says is settled (no writer in flight that could still commit below it); until
 * then the range above it is read again on every catch-up, and rows already folded in are skipped.
 */
export class SignalIndexes {
  readonly #db: Queryable;
  readonly #store: IndexSnapshotStore;
  readonly #databaseId: string;
  readonly #log: Logger;
  readonly #live = new Map<string, LiveIndex>();
  readonly #origins: IndexOrigin[] = [];

  private constructor(db: Queryable, store: IndexSnapshotStore, databaseId: string, log: Logger) {
    this.#db = db;
    this.#store = store;
    this.#databaseId = databaseId;
    this.#log = log;
  }

  static async open(options: {
    db: Queryable;
    dir: string;
    databaseId: string;
    signals: readonly IndexedSignal[];
    log: Logger;
  }): Promise<SignalIndexes> {
    const indexes = new SignalIndexes(
      options.db,
      new IndexSnapshotStore(options.dir),
      options.databaseId,
      options.log,
    );
    for (const config of options.signals) {
      indexes.#live.set(config.signal.name, await indexes.#load(config));
    }
    await indexes.refresh();
    for (const live of indexes.#live.values()) {
      indexes.#origins.push({
        signal: live.config.signal.name,
        loadedFrom: live.loadedFrom,
        rowsReadAtOpen: live.rowsRead,
        entries: live.index.size,
      });
    }
    return indexes;
  }

  origins(): readonly IndexOrigin[] {
    return this.#origins;
  }

  /** Folds in rows added or removed since the last refresh (other processes may write too). */
  async refresh(): Promise<void> {
    for (const live of this.#live.values()) {
      await this.#catchUp(live);
    }
  }

  has(signal: string): boolean {
    return this.#live.has(signal);
  }

  query(signal: string, value: Uint8Array, maxDistance: number): IndexHit[] {
    return this.#live.get(signal)?.index.query(value, maxDistance) ?? [];
  }

  /** Adds rows this process just committed (no need to wait for the next refresh). */
  noteAdded(
    rows: readonly { id: number; signal: string; value: Uint8Array; quality: number | null }[],
  ): void {
    for (const row of rows) {
      const live = this.#live.get(row.signal);
      if (!live || row.id <= live.lastSignalId || live.seenIds.has(row.id)) {
        continue;
      }
      this.#fold(live, row);
    }
  }

  size(signal: string): number {
    return this.#live.get(signal)?.index.size ?? 0;
  }

  /** Writes a snapshot of every index that changed since its last one. */
  async save(): Promise<void> {
    for (const live of this.#live.values()) {
      await this.#catchUp(live);
      if (live.unsaved === 0) {
        continue;
      }
      const header: SnapshotHeader = {
        format: 1,
        databaseId: this.#databaseId,
        signal: live.config.signal.name,
        pipelineVersion: live.config.signal.pipelineVersion,
        minQuality: live.config.minQuality,
        lastSignalId: live.lastSignalId,
        lastRemovalSeq: live.lastRemovalSeq,
        entries: live.index.size,
        savedAt: new Date().toISOString(),
      };
      await this.#store.write(header, live.index.serialize());
      live.unsaved = 0;
    }
  }

  async #load(config: IndexedSignal): Promise<LiveIndex> {
    const { signal } = config;
    const snapshot = await this.#store.read(signal.name);
    if (snapshot) {
      const { header } = snapshot;
      const usable =
        header.databaseId === this.#databaseId &&
        header.signal === signal.name &&
        header.pipelineVersion === signal.pipelineVersion &&
        header.minQuality === config.minQuality;
      if (usable) {
        try {
          const index = signal.deserializeIndex(snapshot.body);
          this.#log.debug('index loaded from snapshot', { signal: signal.name, entries: index.size });
          return {
            config,
            loadedFrom: 'snapshot',
            rowsRead: 0,
            index,
            lastSignalId: header.lastSignalId,
            lastRemovalSeq: header.lastRemovalSeq,
            seenIds: new Set(),
            seenRemovals: new Set(),
            unsaved: 0,
          };
        } catch (error) {
          this.#log.warn('index snapshot unusable; rebuilding', {
            signal: signal.name,
            error: describeError(error),
          });
        }
      } else {
        this.#log.info('index snapshot out of date; rebuilding', { signal: signal.name });
      }
    }
    return this.#buildFromScratch(config);
  }

  async #buildFromScratch(config: IndexedSignal): Promise<LiveIndex> {
    const { signal } = config;
    // Rows and removals up to the settled marks are final: removed rows are already gone from
    // media_signals, so those removals need not be applied. Writers are usually in flight only for
    // milliseconds: a few tries spare the first catch-up from reading everything again.
    let settled: { signalId: number; removalSeq: number } | undefined;
    for (let attempt = 0; attempt < BUILD_SETTLE_TRIES && !settled; attempt += 1) {
      if (attempt > 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      settled = await signalValuesRepository.settledMarks(this.#db);
    }
    const ids: number[] = [];
    const chunks: Uint8Array[] = [];
    const seenIds = new Set<number>();
    let lastId = 0;
    let rowsRead = 0;
    for (;;) {
      const page = await signalValuesRepository.pageAfter(this.#db, signal.name, lastId, PAGE);
      rowsRead += page.length;
      for (const row of page) {
        lastId = row.id;
        if (!settled || row.id > settled.signalId) {
          seenIds.add(row.id);
        }
        if ((row.quality ?? 0) >= config.minQuality && row.value.byteLength === signal.byteLength) {
          ids.push(row.id);
          chunks.push(row.value);
        }
      }
      if (page.length < PAGE) {
        break;
      }
    }
    const values = new Uint8Array(ids.length * signal.byteLength);
    chunks.forEach((chunk, i) => {
      values.set(chunk, i * signal.byteLength);
    });
    const index = signal.buildIndex(Float64Array.from(ids), values);
    this.#log.debug('index built from the database', { signal: signal.name, entries: index.size });
    return {
      config,
      loadedFrom: 'database',
      rowsRead,
      index,
      // Unsettled (a writer was in flight throughout): start from nothing, skipping what was read.
      lastSignalId: settled?.signalId ?? 0,
      lastRemovalSeq: settled?.removalSeq ?? 0,
      seenIds,
      seenRemovals: new Set(),
      unsaved: Math.max(1, ids.length),
    };
  }

  async #catchUp(live: LiveIndex): Promise<void> {
    const { signal } = live.config;
    // Checked before reading: if settled now, every row up to the marks is visible to the reads below.
    const settled = await signalValuesRepository.settledMarks(this.#db);
    let after = live.lastSignalId;
    for (;;) {
      const page = await signalValuesRepository.pageAfter(this.#db, signal.name, after, PAGE);
      for (const row of page) {
        after = row.id;
        if (!live.seenIds.has(row.id)) {
          live.rowsRead += 1;
          this.#fold(live, row);
        }
      }
      if (page.length < PAGE) {
        break;
      }
    }
    for (const removal of await signalValuesRepository.removalsAfter(
      this.#db,
      signal.name,
      live.lastRemovalSeq,
    )) {
      if (!live.seenRemovals.has(removal.seq)) {
        live.seenRemovals.add(removal.seq);
        live.index.remove(removal.signalId);
        live.unsaved += 1;
      }
    }
    if (settled) {
      live.lastSignalId = Math.max(live.lastSignalId, settled.signalId);
      live.lastRemovalSeq = Math.max(live.lastRemovalSeq, settled.removalSeq);
      dropUpTo(live.seenIds, live.lastSignalId);
      dropUpTo(live.seenRemovals, live.lastRemovalSeq);
    }
  }

  /** Adds a row read or committed above the checkpoint (only if good enough to index). */
  #fold(live: LiveIndex, row: { id: number; value: Uint8Array; quality: number | null }): void {
    live.seenIds.add(row.id);
    const { signal, minQuality } = live.config;
    if ((row.quality ?? 0) >= minQuality && row.value.byteLength === signal.byteLength) {
      live.index.add(row.id, row.value);
      live.unsaved += 1;
    }
  }
}

function dropUpTo(set: Set<number>, checkpoint: number): void {
  for (const value of set) {
    if (value <= checkpoint) {
      set.delete(value);
    }
  }
}
