import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Queryable } from '#haven/platform/db/database.js';
import type { Logger } from '#haven/platform/log/logger.js';
import type { GlobalDescriptorSignalType, VectorIndex } from '#haven/signals/signal-type.js';
import { similarityGlobalRepository } from './similarity-global.repository.js';

const BATCH = 500;

/**
 * The nearest-neighbour index over every held image's global descriptor, in memory and in a
 * snapshot file (`indexes/similarity-<signal>.bin`: pipeline, checkpoint = last descriptor row id
 * indexed, vectors). Opening loads the snapshot and adds only rows above its checkpoint; a
 * snapshot of another pipeline is ignored (the descriptors are not comparable).
 */
export class SimilarityGlobalIndex {
  #index: VectorIndex;
  #checkpoint = 0;
  #dirty = false;
  #loaded = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly signal: GlobalDescriptorSignalType,
    private readonly file: string,
    private readonly log: Logger,
  ) {
    this.#index = signal.createIndex();
  }

  get size(): number {
    return this.#index.size;
  }

  /** Brings the index up to date with the database; refreshes and saves run one at a time. */
  refresh(db: Queryable): Promise<void> {
    const run = this.#queue.then(() => this.#refresh(db));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  save(): Promise<void> {
    const run = this.#queue.then(() => this.#save());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The `limit` held descriptors nearest to `vector` (descriptor row ids, cosine similarity). */
  nearest(vector: Float32Array, limit: number): { readonly id: number; readonly similarity: number }[] {
    return this.#index.query(vector, limit);
  }

  async #refresh(db: Queryable): Promise<void> {
    // Nothing saved since the last refresh: one small query, no scan (searches call this every time).
    const latest = await similarityGlobalRepository.latestId(
      db,
      this.signal.name,
      this.signal.pipelineVersion,
    );
    if (this.#loaded && latest <= this.#checkpoint) {
      return;
    }
    if (!this.#loaded) {
      this.#loaded = true;
      await this.#readSnapshot();
    }
    for (;;) {
      const rows = await similarityGlobalRepository.after(
        db,
        this.signal.name,
        this.signal.pipelineVersion,
        this.#checkpoint,
        BATCH,
      );
      for (const row of rows) {
        if (row.vector.length === this.signal.dimensions) {
          this.#index.add(row.descriptorId, row.vector);
        }
        this.#checkpoint = row.descriptorId;
        this.#dirty = true;
      }
      if (rows.length < BATCH) {
        break;
      }
    }
  }

  async #save(): Promise<void> {
    if (!this.#dirty) {
      return;
    }
    const pipeline = Buffer.from(this.signal.pipelineVersion, 'utf8');
    const header = Buffer.alloc(12);
    header.writeDoubleLE(this.#checkpoint, 0);
    header.writeUInt32LE(pipeline.length, 8);
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, Buffer.concat([header, pipeline, this.#index.serialize()]), { mode: 0o600 });
    await rename(temp, this.file);
    this.#dirty = false;
  }

  async #readSnapshot(): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch {
      return;
    }
    try {
      const checkpoint = bytes.readDoubleLE(0);
      const length = bytes.readUInt32LE(8);
      const pipeline = bytes.subarray(12, 12 + length).toString('utf8');
      if (pipeline !== this.signal.pipelineVersion) {
        return;
      }
      const body = new Uint8Array(
        bytes.buffer,
        bytes.byteOffset + 12 + length,
        bytes.byteLength - 12 - length,
      );
      this.#index = this.signal.deserializeIndex(body);
      this.#checkpoint = checkpoint;
    } catch (error) {
      // A damaged snapshot only costs a rebuild from the database.
      this.log.warn('ignoring an unreadable global descriptor index snapshot', { error: String(error) });
    }
  }
}
