import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** What a snapshot covers; a snapshot is used only if all of it still holds. */
export interface SnapshotHeader {
  readonly format: 1;
  readonly databaseId: string;
  readonly signal: string;
  readonly pipelineVersion: string;
  readonly minQuality: number;
  /** Highest media_signals id folded in. */
  readonly lastSignalId: number;
  /** Highest media_signal_removals seq folded in. */
  readonly lastRemovalSeq: number;
  readonly entries: number;
  readonly savedAt: string;
}

const MAGIC = Buffer.from('HVNIDX01', 'ascii');

/** Persisted in-memory indexes: one file per signal under the data directory's indexes/ folder. */
export class IndexSnapshotStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  fileOf(signal: string): string {
    return path.join(this.#dir, `${signal}.idx`);
  }

  /** The header and the serialized index, or undefined when there is no usable file. */
  async read(signal: string): Promise<{ header: SnapshotHeader; body: Uint8Array } | undefined> {
    let data: Buffer;
    try {
      data = await readFile(this.fileOf(signal));
    } catch {
      return undefined;
    }
    if (data.length < 12 || !data.subarray(0, 8).equals(MAGIC)) {
      return undefined;
    }
    const headerLength = data.readUInt32LE(8);
    if (12 + headerLength > data.length) {
      return undefined;
    }
    try {
      const header = JSON.parse(data.subarray(12, 12 + headerLength).toString('utf8')) as SnapshotHeader;
      return { header, body: data.subarray(12 + headerLength) };
    } catch {
      return undefined;
    }
  }

  /** Writes atomically: a reader sees the old file or the new one, never a half-written one. */
  async write(header: SnapshotHeader, body: Uint8Array): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const target = this.fileOf(header.signal);
    const temp = `${target}.${process.pid}.tmp`;
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(headerBytes.length);
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writev([MAGIC, length, headerBytes, body]);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  }

  async remove(signal: string): Promise<void> {
    await rm(this.fileOf(signal), { force: true });
  }
}
