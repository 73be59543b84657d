import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  BLOB_HEADER_BYTES,
  TAG_BYTES,
  chunkCount,
  createBlobHeader,
  openBlobHeader,
  openChunk,
  plainSize,
  sealChunk,
  type BlobHeader,
} from '#haven/platform/evidence/blob-cipher.js';
import type { BlobStore, BlobWriter, ByteRange, PutResult } from '#haven/platform/evidence/blob-store.js';
import type { EvidenceKey } from '#haven/platform/evidence/evidence-key.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** Blobs as files under `root/ab/cd/<sha256 hex>`; writes go to `root/.tmp` and are renamed in. */
export class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #key: EvidenceKey;
  readonly #chunkSize: number;

  constructor(root: string, key: EvidenceKey, chunkSize?: number) {
    this.#root = root;
    this.#key = key;
    this.#chunkSize = chunkSize ?? 1024 * 1024;
  }

  async init(): Promise<this> {
    await mkdir(path.join(this.#root, '.tmp'), { recursive: true, mode: 0o700 });
    // Leftovers of writers killed mid-blob: never referenced, safe to drop.
    await rm(path.join(this.#root, '.tmp'), { recursive: true, force: true });
    await mkdir(path.join(this.#root, '.tmp'), { recursive: true, mode: 0o700 });
    return this;
  }

  pathOf(sha256: Uint8Array): string {
    const hex = Buffer.from(sha256).toString('hex');
    return path.join(this.#root, hex.slice(0, 2), hex.slice(2, 4), hex);
  }

  async has(sha256: Uint8Array): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async putBytes(bytes: Uint8Array, knownSha256?: Uint8Array): Promise<PutResult> {
    const sha256 = knownSha256 ? Buffer.from(knownSha256) : createHash('sha256').update(bytes).digest();
    if (await this.has(sha256)) {
      return { sha256, size: bytes.byteLength, created: false };
    }
    const writer = this.createWriter();
    try {
      await writer.write(bytes);
      return await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  createWriter(): BlobWriter {
    return new FsBlobWriter(this, path.join(this.#root, '.tmp', randomUUID()), this.#key, this.#chunkSize);
  }

  async size(sha256: Uint8Array): Promise<number> {
    const handle = await this.#openExisting(sha256);
    try {
      const header = await this.#readHeader(handle, sha256);
      return plainSize(await this.#fileBytes(handle, header, sha256), header.chunkSize);
    } finally {
      await handle.close();
    }
  }

  async *read(sha256: Uint8Array, range?: ByteRange): AsyncGenerator<Buffer> {
    const name = Buffer.from(sha256).toString('hex');
    const handle = await this.#openExisting(sha256);
    try {
      const header = await this.#readHeader(handle, sha256);
      const fileBytes = await this.#fileBytes(handle, header, sha256);
      const total = plainSize(fileBytes, header.chunkSize);
      const count = chunkCount(fileBytes, header.chunkSize);
      const start = range ? Math.max(0, range.start) : 0;
      const end = range ? Math.min(total - 1, range.end) : total - 1;
      const digest = range ? undefined : createHash('sha256');
      const first = Math.floor(start / header.chunkSize);
      const last = total === 0 ? 0 : Math.floor(end / header.chunkSize);
      for (let index = first; index <= last && index < count; index += 1) {
        const recordStart = BLOB_HEADER_BYTES + index * (header.chunkSize + TAG_BYTES);
        const recordBytes = Math.min(header.chunkSize + TAG_BYTES, fileBytes - recordStart);
        const record = Buffer.alloc(recordBytes);
        await handle.read(record, 0, recordBytes, recordStart);
        const plain = openChunk(header, index, index === count - 1, record, name);
        digest?.update(plain);
        const offset = index * header.chunkSize;
        const from = Math.max(0, start - offset);
        const to = Math.min(plain.length, end - offset + 1);
        if (to > from) {
          yield plain.subarray(from, to);
        }
      }
      if (digest && !digest.digest().equals(Buffer.from(sha256))) {
        throw havenError('EVIDENCE_CORRUPT', { sha256: name, reason: 'content does not match its SHA-256' });
      }
    } finally {
      await handle.close();
    }
  }

  async readAll(sha256: Uint8Array): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this.read(sha256)) {
      parts.push(part);
    }
    return Buffer.concat(parts);
  }

  async verify(sha256: Uint8Array): Promise<void> {
    for await (const _part of this.read(sha256)) {
      // Reading is the check.
    }
  }

  async *list(): AsyncGenerator<Uint8Array> {
    for (const a of await safeReaddir(this.#root)) {
      if (!/^[0-9a-f]{2}$/.test(a)) {
        continue;
      }
      for (const b of await safeReaddir(path.join(this.#root, a))) {
        for (const name of await safeReaddir(path.join(this.#root, a, b))) {
          if (/^[0-9a-f]{64}$/.test(name)) {
            yield Buffer.from(name, 'hex');
          }
        }
      }
    }
  }

  /** Moves a sealed temp file into place; false when the blob already existed. */
  async install(tempFile: string, sha256: Uint8Array): Promise<boolean> {
    const target = this.pathOf(sha256);
    if (await this.has(sha256)) {
      await rm(tempFile, { force: true });
      return false;
    }
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await rename(tempFile, target);
    return true;
  }

  async #openExisting(sha256: Uint8Array): Promise<FileHandle> {
    try {
      return await open(this.pathOf(sha256), constants.O_RDONLY);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw havenError('EVIDENCE_NOT_FOUND', { sha256: Buffer.from(sha256).toString('hex') });
      }
      throw error;
    }
  }

  /** The file size, refused when the last chunk record cannot even hold its tag (truncated file). */
  async #fileBytes(handle: FileHandle, header: BlobHeader, sha256: Uint8Array): Promise<number> {
    const fileBytes = (await handle.stat()).size;
    const fullRecords = chunkCount(fileBytes, header.chunkSize) - 1;
    const lastRecord = fileBytes - BLOB_HEADER_BYTES - fullRecords * (header.chunkSize + TAG_BYTES);
    if (lastRecord < TAG_BYTES) {
      const name = Buffer.from(sha256).toString('hex');
      throw havenError('EVIDENCE_CORRUPT', { sha256: name, reason: 'file is truncated' });
    }
    return fileBytes;
  }

  async #readHeader(handle: FileHandle, sha256: Uint8Array): Promise<BlobHeader> {
    const bytes = Buffer.alloc(BLOB_HEADER_BYTES);
    const { bytesRead } = await handle.read(bytes, 0, BLOB_HEADER_BYTES, 0);
    return openBlobHeader(bytes.subarray(0, bytesRead), this.#key, Buffer.from(sha256).toString('hex'));
  }
}

class FsBlobWriter implements BlobWriter {
  readonly #store: FsBlobStore;
  readonly #file: string;
  readonly #header: BlobHeader;
  readonly #digest = createHash('sha256');
  #handle: Promise<FileHandle> | undefined;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #index = 0;
  #size = 0;

  constructor(store: FsBlobStore, file: string, key: EvidenceKey, chunkSize: number) {
    this.#store = store;
    this.#file = file;
    this.#header = createBlobHeader(key, chunkSize);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#digest.update(chunk);
    this.#size += chunk.byteLength;
    this.#pending.push(Buffer.from(chunk));
    this.#pendingBytes += chunk.byteLength;
    const chunkSize = this.#header.chunkSize;
    // Keep at least one byte back so the final chunk is known only at commit.
    if (this.#pendingBytes <= chunkSize) {
      return;
    }
    const all = Buffer.concat(this.#pending);
    let offset = 0;
    while (all.length - offset > chunkSize) {
      await this.#append(
        sealChunk(this.#header, this.#index, false, all.subarray(offset, offset + chunkSize)),
      );
      this.#index += 1;
      offset += chunkSize;
    }
    this.#pending = [all.subarray(offset)];
    this.#pendingBytes = all.length - offset;
  }

  async commit(): Promise<PutResult> {
    await this.#append(sealChunk(this.#header, this.#index, true, Buffer.concat(this.#pending)));
    const handle = await this.#open();
    await handle.sync();
    await handle.close();
    const sha256 = this.#digest.digest();
    const created = await this.#store.install(this.#file, sha256);
    return { sha256, size: this.#size, created };
  }

  async abort(): Promise<void> {
    if (this.#handle) {
      await (await this.#handle).close().catch(() => undefined);
    }
    await rm(this.#file, { force: true });
  }

  #open(): Promise<FileHandle> {
    this.#handle ??= open(this.#file, 'wx', 0o600).then(async (handle) => {
      await handle.write(this.#header.bytes);
      return handle;
    });
    return this.#handle;
  }

  async #append(record: Buffer): Promise<void> {
    await (await this.#open()).write(record);
  }
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
