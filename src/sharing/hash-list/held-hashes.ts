import { ExactTable } from '#haven/sharing/hash-list/exact-table.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';
import type { SignalIndex } from '#haven/signals/signal-type.js';

export const HELD_TYPES = ['md5', 'sha1', 'sha256', 'pdq'] as const;
export type HeldType = (typeof HELD_TYPES)[number];
export const BYTE_LENGTHS: Readonly<Record<HeldType, number>> = { md5: 16, sha1: 20, sha256: 32, pdq: 32 };
type CryptoType = Exclude<HeldType, 'pdq'>;
type ExactTables = Map<CryptoType, { table: ExactTable; entries: Uint32Array | null }>;
type Make<T> = (
  size: number,
  exact: ExactTables,
  pdq: SignalIndex | null,
  infoOf: (entry: number) => T,
) => HeldHashes<T>;

export interface HeldHit<T> {
  /** Position of the entry as it was added. */
  readonly entry: number;
  readonly info: T;
  readonly type: HeldType;
  readonly distance: number;
}

export type EntryHashes = Partial<Record<HeldType, Uint8Array | null>>;

/** Values of one hash type, back to back, with the entry each belongs to. */
class Column {
  readonly length: number;
  #values: Uint8Array;
  #entries: Uint32Array;
  count = 0;

  constructor(length: number) {
    this.length = length;
    this.#values = new Uint8Array(length * 1024);
    this.#entries = new Uint32Array(1024);
  }

  push(value: Uint8Array, entry: number): void {
    if (this.count === this.#entries.length) {
      const values = new Uint8Array(this.#values.length * 2);
      values.set(this.#values);
      this.#values = values;
      const entries = new Uint32Array(this.#entries.length * 2);
      entries.set(this.#entries);
      this.#entries = entries;
    }
    this.#values.set(value, this.count * this.length);
    this.#entries[this.count] = entry;
    this.count += 1;
  }

  values(): Uint8Array {
    return this.#values.subarray(0, this.count * this.length);
  }

  entries(): Uint32Array {
    return this.#entries.subarray(0, this.count);
  }
}

/**
 * Hashes held in memory for matching without a database: exact tables for MD5/SHA-1/SHA-256 and
 * the PDQ plugin's index for near matches. Each entry carries an info value (set, category...);
 * entries with the same info share one object.
 */
export class HeldHashes<T> {
  readonly size: number;
  readonly #exact: ExactTables;
  readonly #pdq: SignalIndex | null;
  readonly #infoOf: (entry: number) => T;

  private constructor(
    size: number,
    exact: ExactTables,
    pdq: SignalIndex | null,
    infoOf: (entry: number) => T,
  ) {
    this.size = size;
    this.#exact = exact;
    this.#pdq = pdq;
    this.#infoOf = infoOf;
  }

  /** Every entry has every given type and the same info (benchmarks, single-purpose lists). */
  static uniform<T>(
    options: { count: number; info: T } & Partial<Record<HeldType, Uint8Array>>,
  ): HeldHashes<T> {
    const exact: ExactTables = new Map();
    for (const type of ['md5', 'sha1', 'sha256'] as const) {
      const values = options[type];
      if (values) {
        exact.set(type, { table: new ExactTable(BYTE_LENGTHS[type], values, options.count), entries: null });
      }
    }
    const pdq = options.pdq
      ? pdqSignal.buildIndex(
          Float64Array.from({ length: options.count }, (_, i) => i + 1),
          options.pdq,
        )
      : null;
    return new HeldHashes(options.count, exact, pdq, () => options.info);
  }

  static builder<T>(): HeldHashesBuilder<T> {
    return new HeldHashesBuilder<T>((size, exact, pdq, infoOf) => new HeldHashes(size, exact, pdq, infoOf));
  }

  exact(type: CryptoType, value: Uint8Array): HeldHit<T>[] {
    const held = this.#exact.get(type);
    if (!held) {
      return [];
    }
    return held.table.rows(value).map((row) => {
      const entry = held.entries ? held.entries[row]! : row;
      return { entry, info: this.#infoOf(entry), type, distance: 0 };
    });
  }

  near(value: Uint8Array, maxDistance: number): HeldHit<T>[] {
    if (!this.#pdq || value.length !== BYTE_LENGTHS.pdq) {
      return [];
    }
    return this.#pdq.query(value, maxDistance).map((hit) => ({
      entry: hit.id - 1,
      info: this.#infoOf(hit.id - 1),
      type: 'pdq' as const,
      distance: hit.distance,
    }));
  }
}

export class HeldHashesBuilder<T> {
  readonly #columns = new Map<HeldType, Column>(
    HELD_TYPES.map((type) => [type, new Column(BYTE_LENGTHS[type])]),
  );
  readonly #infos: T[] = [];
  readonly #infoKeys = new Map<string, number>();
  #infoIndex = new Uint32Array(1024);
  #count = 0;
  readonly #make: Make<T>;

  constructor(make: Make<T>) {
    this.#make = make;
  }

  /** Adds an entry; `key` identifies equal infos (so a million entries share a handful of objects). */
  add(hashes: EntryHashes, info: T, key: string): number {
    const entry = this.#count;
    for (const type of HELD_TYPES) {
      const value = hashes[type];
      if (value && value.length === BYTE_LENGTHS[type]) {
        this.#columns.get(type)!.push(value, entry);
      }
    }
    let infoAt = this.#infoKeys.get(key);
    if (infoAt === undefined) {
      infoAt = this.#infos.length;
      this.#infos.push(info);
      this.#infoKeys.set(key, infoAt);
    }
    if (entry === this.#infoIndex.length) {
      const grown = new Uint32Array(this.#infoIndex.length * 2);
      grown.set(this.#infoIndex);
      this.#infoIndex = grown;
    }
    this.#infoIndex[entry] = infoAt;
    this.#count += 1;
    return entry;
  }

  build(): HeldHashes<T> {
    const exact: ExactTables = new Map();
    for (const type of ['md5', 'sha1', 'sha256'] as const) {
      const column = this.#columns.get(type)!;
      if (column.count > 0) {
        exact.set(type, {
          table: new ExactTable(column.length, column.values(), column.count),
          entries: column.entries(),
        });
      }
    }
    const pdqColumn = this.#columns.get('pdq')!;
    const pdq =
      pdqColumn.count > 0
        ? pdqSignal.buildIndex(
            Float64Array.from(pdqColumn.entries(), (entry) => entry + 1),
            pdqColumn.values(),
          )
        : null;
    const infos = this.#infos;
    const index = this.#infoIndex;
    return this.#make(this.#count, exact, pdq, (entry) => infos[index[entry]!]!);
  }
}
