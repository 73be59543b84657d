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
  lastSignalId: number;
  lastRemovalSeq: number;
  /** Entries folded in since the last snapshot was written. */
  unsaved: number;
}

const PAGE = 20_000;

/**
 * The in-memory indexes of the perceptual signals. On open each is loaded from its snapshot and
 * brought up to date from the database (only rows added or removed since the snapshot's
 * checkpoint are read), so a start does not rebuild from scratch.
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
      if (!live || row.id <= live.lastSignalId) {
        continue;
      }
      if ((row.quality ?? 0) >= live.config.minQuality) {
        live.index.add(row.id, row.value);
        live.unsaved += 1;
      }
      // Ids are assigned in commit order only per process; refresh() re-reads anything skipped.
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
    // Removals before this point are already absent from media_signals.
    const lastRemovalSeq = await signalValuesRepository.latestRemovalSeq(this.#db);
    const ids: number[] = [];
    const chunks: Uint8Array[] = [];
    let lastSignalId = 0;
    let rowsRead = 0;
    for (;;) {
      const page = await signalValuesRepository.pageAfter(this.#db, signal.name, lastSignalId, PAGE);
      rowsRead += page.length;
      for (const row of page) {
        lastSignalId = row.id;
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
      lastSignalId,
      lastRemovalSeq,
      unsaved: Math.max(1, ids.length),
    };
  }

  async #catchUp(live: LiveIndex): Promise<void> {
    const { signal, minQuality } = live.config;
    for (;;) {
      const page = await signalValuesRepository.pageAfter(this.#db, signal.name, live.lastSignalId, PAGE);
      for (const row of page) {
        live.lastSignalId = row.id;
        live.rowsRead += 1;
        if ((row.quality ?? 0) >= minQuality && row.value.byteLength === signal.byteLength) {
          live.index.add(row.id, row.value);
          live.unsaved += 1;
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
      live.index.remove(removal.signalId);
      live.lastRemovalSeq = removal.seq;
      live.unsaved += 1;
    }
  }
}
