import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SniffResult } from '#haven/ingest/media-types/sniff.js';
import { fileSource } from '#haven/ingest/pipeline/content-source.js';
import { readContent, type ContentBytes } from '#haven/ingest/pipeline/read-content.js';
import { NO_TIMES } from '#haven/ingest/walk/file-times.js';
import type { BlobStore, BlobWriter, PutResult } from '#haven/platform/evidence/blob-store.js';
import { loadEvidenceKey, parseKey } from '#haven/platform/evidence/evidence-key.js';
import { FsBlobStore } from '#haven/platform/evidence/fs-blob-store.js';
import { BYTE_SIGNALS } from '#haven/signals/registry.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { pictureJpeg } from '../../../test/support/images.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../../test/support/temp-dir.js';

const KEY_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
/** Small store chunks, so that a streamed blob spans many sealed chunks. */
const STORE_CHUNK = 4096;

interface CountingStore {
  readonly store: BlobStore;
  readonly fs: FsBlobStore;
  readonly root: string;
  readonly calls: { putBytes: number; createWriter: number };
}

/** A real FsBlobStore, wrapped only to count which of its two write paths was used. */
async function countingStore(): Promise<CountingStore> {
  const root = tempDir('haven-blobs-');
  expect(parseKey(KEY_HEX, 'test key')).toHaveLength(32);
  const fs = await new FsBlobStore(
    root,
    loadEvidenceKey({ evidenceKey: KEY_HEX, dataDir: root }),
    STORE_CHUNK,
  ).init();
  const calls = { putBytes: 0, createWriter: 0 };
  const store: BlobStore = {
    has: (sha256) => fs.has(sha256),
    putBytes: (bytes, known) => {
      calls.putBytes += 1;
      return fs.putBytes(bytes, known);
    },
    createWriter: (): BlobWriter => {
      calls.createWriter += 1;
      return fs.createWriter();
    },
    size: (sha256) => fs.size(sha256),
    read: (sha256, range) => fs.read(sha256, range),
    readAll: (sha256) => fs.readAll(sha256),
    verify: (sha256) => fs.verify(sha256),
    list: () => fs.list(),
  };
  return { store, fs, root, calls };
}

async function storedBlobs(store: BlobStore): Promise<string[]> {
  const out: string[] = [];
  for await (const sha256 of store.list()) {
    out.push(Buffer.from(sha256).toString('hex'));
  }
  return out;
}

function tempFiles(root: string): string[] {
  return readdirSync(path.join(root, '.tmp'));
}

/** Deterministic, non-repeating bytes (a misplaced chunk can never compare equal by accident). */
function content(size: number, seed = 7): Buffer {
  const out = Buffer.alloc(size);
  let state = seed * 2_654_435_761;
  for (let i = 0; i < size; i += 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

/** The bytes cut into chunks of the given sizes (cycled), as an async stream. */
async function* chunked(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = sizes[i % sizes.length]!;
    // Plain Uint8Array views (not Buffers) over a larger buffer, as some streams deliver them.
    const copy = new Uint8Array(size + 8);
    copy.set(bytes.subarray(offset, offset + size), 4);
    yield copy.subarray(4, 4 + Math.min(size, bytes.length - offset));
    offset += size;
    i += 1;
    await Promise.resolve();
  }
}

const digest = (algorithm: string, bytes: Uint8Array): Buffer => createHash(algorithm).update(bytes).digest();

const unlimited = (): number => Number.MAX_SAFE_INTEGER;

function hex(bytes: Uint8Array | undefined): string | undefined {
  return bytes && Buffer.from(bytes).toString('hex');
}

describe('readContent: one pass', () => {
  it('gives md5, sha1 and sha256 equal to node:crypto, whatever the chunking', async () => {
    const bytes = content(300_000);
    for (const sizes of [[1, 2, 3, 511, 4096], [65_536], [bytes.length]]) {
      const result = await readContent(chunked(bytes, sizes), {
        signals: BYTE_SIGNALS,
        memoryLimit: unlimited,
      });
      expect(result.size).toBe(bytes.length);
      expect(hex(result.hashes.get('md5'))).toBe(digest('md5', bytes).toString('hex'));
      expect(hex(result.hashes.get('sha1'))).toBe(digest('sha1', bytes).toString('hex'));
      expect(hex(result.hashes.get('sha256'))).toBe(digest('sha256', bytes).toString('hex'));
      expect(result.sha256.equals(digest('sha256', bytes))).toBe(true);
      expect([...result.hashes.keys()].sort()).toEqual(['md5', 'sha1', 'sha256']);
    }
  });

  it('sniffs the type from the content, even when its first bytes arrive one at a time', async () => {
    const jpeg = await pictureJpeg(1, 64, 48);
    const seen: SniffResult[] = [];
    const result = await readContent(chunked(jpeg, [1]), {
      signals: BYTE_SIGNALS,
      memoryLimit: (sniff) => {
        seen.push(sniff);
        return Number.MAX_SAFE_INTEGER;
      },
    });
    expect(result.sniff).toEqual({ mime: 'image/jpeg', kind: 'image', format: 'jpeg' });
    // The limit is decided once, from the sniffed type.
    expect(seen).toEqual([result.sniff]);
    expect(result.bytes?.equals(jpeg)).toBe(true);
  });

  it('ignores the file name: a JPEG named .txt is an image, text named .jpg is not', async () => {
    const dir = tempDir('haven-read-');
    const jpeg = await pictureJpeg(2, 64, 48);
    writeFileSync(path.join(dir, 'notes.txt'), jpeg);
    writeFileSync(path.join(dir, 'photo.jpg'), 'just some text, not a picture');
    const read = async (name: string): Promise<ContentBytes> => {
      const file = Buffer.from(path.join(dir, name));
      const source = fileSource(file, name, 0, NO_TIMES);
      return readContent(await source.open(), { signals: BYTE_SIGNALS, memoryLimit: unlimited });
    };
    expect((await read('notes.txt')).sniff.mime).toBe('image/jpeg');
    expect((await read('photo.jpg')).sniff).toEqual({
      mime: 'application/octet-stream',
      kind: 'other',
      format: 'unknown',
    });
  });

  it('sniffs content shorter than the sniff window', async () => {
    const result = await readContent([Buffer.from('PK\x05\x06'), Buffer.alloc(18)], {
      signals: BYTE_SIGNALS,
      memoryLimit: unlimited,
    });
    expect(result.sniff.format).toBe('zip');
    expect(result.size).toBe(22);
  });
});

describe('readContent: memory and store', () => {
  it('keeps content up to the memory limit in memory and stores it with putBytes', async () => {
    const { store, calls } = await countingStore();
    const bytes = content(50_000, 1);
    const result = await readContent(chunked(bytes, [8192]), {
      signals: BYTE_SIGNALS,
      store,
      memoryLimit: () => bytes.length, // exactly at the limit: still kept
    });
    expect(result.bytes?.equals(bytes)).toBe(true);
    expect(calls).toEqual({ putBytes: 1, createWriter: 0 });
    expect(result.stored).toMatchObject({ size: bytes.length, created: true });
    expect(hex(result.stored?.sha256)).toBe(digest('sha256', bytes).toString('hex'));
    expect((await store.readAll(result.sha256)).equals(bytes)).toBe(true);
  });

  it('streams content above the limit into the store without keeping it, same sha256, blob readable', async () => {
    const { store, calls, root } = await countingStore();
    const bytes = content(200_000, 2);
    const result = await readContent(chunked(bytes, [3000, 70_000, 17]), {
      signals: BYTE_SIGNALS,
      store,
      memoryLimit: () => bytes.length - 1, // one byte too many
    });
    expect(result.bytes).toBeUndefined();
    expect(calls).toEqual({ putBytes: 0, createWriter: 1 });
    expect(result.size).toBe(bytes.length);
    expect(result.sha256.equals(digest('sha256', bytes))).toBe(true);
    const stored: PutResult | undefined = result.stored;
    expect(stored).toMatchObject({ size: bytes.length, created: true });
    expect(hex(stored?.sha256)).toBe(result.sha256.toString('hex'));
    expect(await storedBlobs(store)).toEqual([result.sha256.toString('hex')]);
    expect((await store.readAll(result.sha256)).equals(bytes)).toBe(true);
    await store.verify(result.sha256);
    expect(tempFiles(root)).toEqual([]);
  });

  it('stores the same content once: a second read reports it as already present', async () => {
    const { store } = await countingStore();
    const bytes = content(20_000, 3);
    const first = await readContent([bytes], { signals: BYTE_SIGNALS, store, memoryLimit: () => 100 });
    const second = await readContent([bytes], { signals: BYTE_SIGNALS, store, memoryLimit: () => 100 });
    expect(first.stored?.created).toBe(true);
    expect(second.stored?.created).toBe(false);
    expect(await storedBlobs(store)).toHaveLength(1);
  });

  it('stores nothing when hashing only (no store), but still hashes and keeps small content', async () => {
    const bytes = content(100_000, 4);
    const large = await readContent(chunked(bytes, [10_000]), {
      signals: BYTE_SIGNALS,
      memoryLimit: () => 1000,
    });
    expect(large.stored).toBeUndefined();
    expect(large.bytes).toBeUndefined();
    expect(large.sha256.equals(digest('sha256', bytes))).toBe(true);
    const small = await readContent(chunked(bytes, [10_000]), {
      signals: BYTE_SIGNALS,
      memoryLimit: unlimited,
    });
    expect(small.stored).toBeUndefined();
    expect(small.bytes?.equals(bytes)).toBe(true);
  });

  it('stores nothing for empty content', async () => {
    const { store, calls, root } = await countingStore();
    for (const stream of [[], [new Uint8Array(0), Buffer.alloc(0)]]) {
      const result = await readContent(stream, { signals: BYTE_SIGNALS, store, memoryLimit: unlimited });
      expect(result.size).toBe(0);
      expect(result.stored).toBeUndefined();
      expect(result.sha256.equals(digest('sha256', Buffer.alloc(0)))).toBe(true);
      expect(hex(result.hashes.get('md5'))).toBe('d41d8cd98f00b204e9800998ecf8427e');
      expect(result.sniff.format).toBe('unknown');
    }
    expect(calls).toEqual({ putBytes: 0, createWriter: 0 });
    expect(await storedBlobs(store)).toEqual([]);
    expect(tempFiles(root)).toEqual([]);
  });

  it('leaves no blob and no temp file when the stream fails half way through a streamed write', async () => {
    const { store, root } = await countingStore();
    const bytes = content(100_000, 5);
    let tempFilesBeforeFailure: string[] = [];
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield* chunked(bytes.subarray(0, 60_000), [6000]);
      // The writer has sealed chunks into a temp file by now.
      tempFilesBeforeFailure = tempFiles(root);
      throw new Error('EIO: the disk went away');
    }
    await expect(
      readContent(failing(), { signals: BYTE_SIGNALS, store, memoryLimit: () => 1000 }),
    ).rejects.toThrow('EIO: the disk went away');
    expect(tempFilesBeforeFailure).toHaveLength(1);
    expect(tempFiles(root)).toEqual([]);
    expect(await storedBlobs(store)).toEqual([]);
    expect(await store.has(digest('sha256', bytes.subarray(0, 60_000)))).toBe(false);
  });

  it('leaves nothing behind when the stream fails while the content is still held in memory', async () => {
    const { store, calls, root } = await countingStore();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield content(5000, 6);
      await Promise.resolve();
      throw new Error('read error');
    }
    await expect(
      readContent(failing(), { signals: BYTE_SIGNALS, store, memoryLimit: unlimited }),
    ).rejects.toThrow('read error');
    expect(calls).toEqual({ putBytes: 0, createWriter: 0 });
    expect(await storedBlobs(store)).toEqual([]);
    expect(tempFiles(root)).toEqual([]);
  });
});
