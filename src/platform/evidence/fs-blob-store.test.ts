import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';
import { HavenError } from '#haven/platform/errors/haven-error.js';
import { BLOB_HEADER_BYTES, TAG_BYTES } from '#haven/platform/evidence/blob-cipher.js';
import type { ByteRange } from '#haven/platform/evidence/blob-store.js';
import {
  DEFAULT_KEY_FILE,
  loadEvidenceKey,
  parseKey,
  type EvidenceKey,
} from '#haven/platform/evidence/evidence-key.js';
import { FsBlobStore } from '#haven/platform/evidence/fs-blob-store.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../../test/support/temp-dir.js';

// Small chunks put several chunk boundaries inside a few kilobytes.
const CHUNK = 1024;
const RECORD = CHUNK + TAG_BYTES;
const KEY_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const OTHER_KEY_HEX = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';

function keyOf(hex: string): EvidenceKey {
  return loadEvidenceKey({ evidenceKey: hex, dataDir: '/nonexistent' });
}

async function newStore(root = tempDir('haven-blobs-'), key = keyOf(KEY_HEX)): Promise<FsBlobStore> {
  return new FsBlobStore(root, key, CHUNK).init();
}

/** Deterministic, non-repeating content so a misplaced chunk can never compare equal by accident. */
function content(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let state = seed * 2_654_435_761;
  for (let i = 0; i < size; i += 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function expectCode(work: () => Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await failure(work);
  expect(error, `expected ${code}`).toBeInstanceOf(HavenError);
  expect((error as HavenError).code).toBe(code);
}

function expectCodeSync(work: () => unknown, code: ErrorCode): HavenError {
  let caught: unknown;
  try {
    work();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(HavenError);
  expect((caught as HavenError).code).toBe(code);
  return caught as HavenError;
}

async function collect(iterable: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of iterable) {
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/** Blob files under the store root (the .tmp folder excluded). */
function blobFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !path.relative(root, entry.parentPath).startsWith('.tmp'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function expectedFileBytes(size: number): number {
  return BLOB_HEADER_BYTES + Math.max(1, Math.ceil(size / CHUNK)) * TAG_BYTES + size;
}

const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 1, 5 * CHUNK + 123];

describe('FsBlobStore round trip', () => {
  it.each(SIZES)('putBytes then readAll returns the same %i bytes', async (size) => {
    const store = await newStore();
    const bytes = content(size, size + 1);
    const put = await store.putBytes(bytes);
    expect(put).toEqual({ sha256: sha256(bytes), size, created: true });
    expect((await store.readAll(put.sha256)).equals(bytes)).toBe(true);
    expect(await store.size(put.sha256)).toBe(size);
    await store.verify(put.sha256);
  });

  it.each(SIZES)(
    'a %i-byte blob has one sealed record per chunk and no empty trailing chunk',
    async (size) => {
      const store = await newStore();
      const { sha256: name } = await store.putBytes(content(size));
      expect(statSync(store.pathOf(name)).size).toBe(expectedFileBytes(size));
    },
  );

  it.each(SIZES)('createWriter with odd write sizes stores the same %i bytes as putBytes', async (size) => {
    const store = await newStore();
    const bytes = content(size, 7);
    const writer = store.createWriter();
    // Write sizes that straddle, hit and miss chunk boundaries, including empty writes.
    const steps = [7, 0, 333, CHUNK - 1, CHUNK, 1, 2 * CHUNK + 5];
    let offset = 0;
    for (let step = 0; offset < size; step += 1) {
      const length = steps[step % steps.length]!;
      await writer.write(bytes.subarray(offset, offset + length));
      offset += length;
    }
    const put = await writer.commit();
    expect(put).toEqual({ sha256: sha256(bytes), size, created: true });
    expect((await store.readAll(put.sha256)).equals(bytes)).toBe(true);
    expect(statSync(store.pathOf(put.sha256)).size).toBe(expectedFileBytes(size));
  });

  it('writes a plain Uint8Array (not a Buffer) from a view into a larger buffer', async () => {
    const store = await newStore();
    const backing = content(3000);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 2500);
    const put = await store.putBytes(view);
    expect(put.sha256).toEqual(sha256(view));
    expect((await store.readAll(put.sha256)).equals(Buffer.from(view))).toBe(true);
  });
});

describe('FsBlobStore naming and deduplication', () => {
  it('names the file by the SHA-256 of the plaintext under ab/cd/<hex>', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    const bytes = Buffer.from('the quick brown fox');
    const hex = sha256(bytes).toString('hex');
    const put = await store.putBytes(bytes);
    expect(Buffer.from(put.sha256).toString('hex')).toBe(hex);
    expect(store.pathOf(put.sha256)).toBe(path.join(root, hex.slice(0, 2), hex.slice(2, 4), hex));
    expect(blobFiles(root)).toEqual([store.pathOf(put.sha256)]);
    expect(await store.has(put.sha256)).toBe(true);
  });

  it('stores identical content once: the second put reports created false', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    const bytes = content(3 * CHUNK);
    const first = await store.putBytes(bytes);
    const before = readFileSync(store.pathOf(first.sha256));
    const second = await store.putBytes(Buffer.from(bytes));
    expect(second).toEqual({ sha256: first.sha256, size: bytes.length, created: false });
    expect(blobFiles(root)).toHaveLength(1);
    // The stored file is untouched (not re-encrypted under a new data key).
    expect(readFileSync(store.pathOf(first.sha256)).equals(before)).toBe(true);
  });

  it('deduplicates through a writer too and leaves no temp file behind', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    const bytes = content(2 * CHUNK + 9);
    await store.putBytes(bytes);
    const writer = store.createWriter();
    await writer.write(bytes);
    const put = await writer.commit();
    expect(put.created).toBe(false);
    expect(put.sha256).toEqual(sha256(bytes));
    expect(blobFiles(root)).toHaveLength(1);
    expect(readdirSync(path.join(root, '.tmp'))).toEqual([]);
  });

  it('gives two different contents two files', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    const a = await store.putBytes(content(100, 1));
    const b = await store.putBytes(content(100, 2));
    expect(a.sha256).not.toEqual(b.sha256);
    expect(blobFiles(root)).toHaveLength(2);
  });
});

describe('FsBlobStore encryption at rest', () => {
  it('never writes the plaintext to disk', async () => {
    const store = await newStore();
    const marker = Buffer.from('HAVEN-PLAINTEXT-MARKER-');
    const bytes = Buffer.concat(Array.from({ length: 200 }, () => marker));
    const { sha256: name } = await store.putBytes(bytes);
    const onDisk = readFileSync(store.pathOf(name));
    expect(onDisk.length).toBe(expectedFileBytes(bytes.length));
    expect(onDisk.indexOf(marker)).toBe(-1);
    // Repeated plaintext chunks must not repeat in the ciphertext (a fresh nonce per chunk).
    const first = onDisk.subarray(BLOB_HEADER_BYTES, BLOB_HEADER_BYTES + 64);
    expect(onDisk.indexOf(first, BLOB_HEADER_BYTES + 1)).toBe(-1);
  });

  it('encrypts the same content differently in two stores (a random data key per blob)', async () => {
    const bytes = content(500);
    const a = await newStore();
    const b = await newStore();
    const put = await a.putBytes(bytes);
    await b.putBytes(bytes);
    expect(readFileSync(a.pathOf(put.sha256)).equals(readFileSync(b.pathOf(put.sha256)))).toBe(false);
  });

  it('creates blob files readable by the owner only', async () => {
    const store = await newStore();
    const { sha256: name } = await store.putBytes(content(10));
    expect(statSync(store.pathOf(name)).mode & 0o777).toBe(0o600);
  });

  it('refuses to read with another key: EVIDENCE_KEY_MISMATCH', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    const { sha256: name } = await store.putBytes(content(2000));
    const other = await newStore(root, keyOf(OTHER_KEY_HEX));
    await expectCode(() => other.readAll(name), 'EVIDENCE_KEY_MISMATCH');
    await expectCode(() => other.verify(name), 'EVIDENCE_KEY_MISMATCH');
    await expectCode(() => other.size(name), 'EVIDENCE_KEY_MISMATCH');
  });
});

describe('FsBlobStore tamper detection', () => {
  // 3 full chunks and a partial last one: records 0..2 are CHUNK+16 bytes, record 3 is 516 bytes.
  const SIZE = 3 * CHUNK + 500;
  const recordStart = (index: number): number => BLOB_HEADER_BYTES + index * RECORD;

  async function storedBlob(): Promise<{ store: FsBlobStore; name: Buffer; file: string; bytes: Buffer }> {
    const store = await newStore();
    const bytes = content(SIZE, 42);
    const put = await store.putBytes(bytes);
    const name = Buffer.from(put.sha256);
    return { store, name, file: store.pathOf(name), bytes };
  }

  function rewrite(file: string, change: (bytes: Buffer) => Buffer): void {
    writeFileSync(file, change(readFileSync(file)));
  }

  function flipByte(file: string, position: number): void {
    rewrite(file, (bytes) => {
      bytes[position] = bytes[position]! ^ 0x01;
      return bytes;
    });
  }

  async function expectCorrupt(store: FsBlobStore, name: Buffer): Promise<void> {
    await expectCode(() => store.readAll(name), 'EVIDENCE_CORRUPT');
    await expectCode(() => store.verify(name), 'EVIDENCE_CORRUPT');
    await expectCode(() => collect(store.read(name)), 'EVIDENCE_CORRUPT');
  }

  it('reads the untouched blob (the fixture itself is sound)', async () => {
    const { store, name, bytes } = await storedBlob();
    expect((await store.readAll(name)).equals(bytes)).toBe(true);
  });

  it.each([
    ['magic', 0],
    ['wrap IV', 20],
    ['wrapped data key', 40],
    ['wrap tag', 70],
    ['chunk size', BLOB_HEADER_BYTES - 1],
  ])('detects one flipped bit in the header (%s)', async (_field, position) => {
    const { store, name, file } = await storedBlob();
    flipByte(file, position);
    await expectCorrupt(store, name);
    await expectCode(() => store.size(name), 'EVIDENCE_CORRUPT');
  });

  it('reports a damaged key id in the header as a key mismatch, never as readable', async () => {
    const { store, name, file } = await storedBlob();
    flipByte(file, 10);
    await expectCode(() => store.readAll(name), 'EVIDENCE_KEY_MISMATCH');
  });

  it('detects one flipped bit in a middle chunk, also in range reads that touch it', async () => {
    const { store, name, file, bytes } = await storedBlob();
    flipByte(file, recordStart(1) + 100);
    await expectCorrupt(store, name);
    await expectCode(
      () => collect(store.read(name, { start: CHUNK - 10, end: CHUNK + 10 })),
      'EVIDENCE_CORRUPT',
    );
    // Chunks are sealed independently: a range that avoids the damage is still served, verified.
    const intact = await collect(store.read(name, { start: 0, end: CHUNK - 1 }));
    expect(intact.equals(bytes.subarray(0, CHUNK))).toBe(true);
  });

  it('detects one flipped bit in the last tag', async () => {
    const { store, name, file } = await storedBlob();
    flipByte(file, statSync(file).size - 1);
    await expectCorrupt(store, name);
    await expectCode(() => collect(store.read(name, { start: SIZE - 1, end: SIZE - 1 })), 'EVIDENCE_CORRUPT');
  });

  it('detects a file truncated by its last chunk record', async () => {
    const { store, name, file } = await storedBlob();
    rewrite(file, (bytes) => bytes.subarray(0, recordStart(3)));
    await expectCorrupt(store, name);
  });

  it('detects a file truncated by one whole record length (cutting into the previous chunk)', async () => {
    const { store, name, file } = await storedBlob();
    rewrite(file, (bytes) => bytes.subarray(0, bytes.length - RECORD));
    await expectCorrupt(store, name);
  });

  it('detects a file cut inside a tag', async () => {
    const { store, name, file } = await storedBlob();
    rewrite(file, (bytes) => bytes.subarray(0, recordStart(3) + 5));
    await expectCorrupt(store, name);
  });

  it('detects a file truncated to its header, and does not report a negative size', async () => {
    const { store, name, file } = await storedBlob();
    rewrite(file, (bytes) => bytes.subarray(0, BLOB_HEADER_BYTES));
    await expectCorrupt(store, name);
    await expectCode(() => store.size(name), 'EVIDENCE_CORRUPT');
    await expectCode(() => collect(store.read(name, { start: 0, end: 10 })), 'EVIDENCE_CORRUPT');
  });

  it('detects a file shorter than a header', async () => {
    const { store, name, file } = await storedBlob();
    rewrite(file, (bytes) => bytes.subarray(0, BLOB_HEADER_BYTES - 1));
    await expectCorrupt(store, name);
  });

  it('detects a few garbage bytes appended', async () => {
    const { store, name, file } = await storedBlob();
    appendFileSync(file, Buffer.from('garbage'));
    await expectCorrupt(store, name);
  });

  it('detects a whole extra record appended (extension past the final chunk)', async () => {
    const { store, name, file } = await storedBlob();
    appendFileSync(file, randomBytes(RECORD));
    await expectCorrupt(store, name);
  });

  it('detects two chunk records swapped', async () => {
    const { store, name, file } = await storedBlob();
    rewrite(file, (bytes) => {
      const first = Buffer.from(bytes.subarray(recordStart(0), recordStart(1)));
      const second = Buffer.from(bytes.subarray(recordStart(1), recordStart(2)));
      second.copy(bytes, recordStart(0));
      first.copy(bytes, recordStart(1));
      return bytes;
    });
    await expectCorrupt(store, name);
  });

  it('detects a blob file moved under another name (content does not match its SHA-256)', async () => {
    const store = await newStore();
    const a = await store.putBytes(content(100, 1));
    const b = await store.putBytes(content(100, 2));
    writeFileSync(store.pathOf(b.sha256), readFileSync(store.pathOf(a.sha256)));
    await expectCode(() => store.readAll(b.sha256), 'EVIDENCE_CORRUPT');
    await expectCode(() => store.verify(b.sha256), 'EVIDENCE_CORRUPT');
  });
});

describe('FsBlobStore missing blobs', () => {
  it('reports EVIDENCE_NOT_FOUND for every read of an unknown SHA-256', async () => {
    const store = await newStore();
    const name = sha256(Buffer.from('never stored'));
    expect(await store.has(name)).toBe(false);
    await expectCode(() => store.readAll(name), 'EVIDENCE_NOT_FOUND');
    await expectCode(() => store.verify(name), 'EVIDENCE_NOT_FOUND');
    await expectCode(() => store.size(name), 'EVIDENCE_NOT_FOUND');
    await expectCode(() => collect(store.read(name, { start: 0, end: 1 })), 'EVIDENCE_NOT_FOUND');
  });
});

describe('FsBlobStore range reads', () => {
  const SIZE = 5 * CHUNK + 123;
  const RANGES: [number, number][] = [
    [0, 0],
    [0, CHUNK - 1],
    [CHUNK - 1, CHUNK],
    [CHUNK, CHUNK],
    [1000, 3000],
    [2 * CHUNK - 1, 4 * CHUNK + 1],
    [SIZE - 1, SIZE - 1],
    [0, SIZE - 1],
    [5 * CHUNK, SIZE - 1],
  ];

  it.each(RANGES)('range %i..%i equals the same slice of the content', async (start, end) => {
    const range: ByteRange = { start, end };
    const store = await newStore();
    const bytes = content(SIZE, 3);
    const { sha256: name } = await store.putBytes(bytes);
    const got = await collect(store.read(name, range));
    expect(got.length).toBe(range.end - range.start + 1);
    expect(got.equals(bytes.subarray(range.start, range.end + 1))).toBe(true);
  });

  it('clamps a range that runs past the end to the content', async () => {
    const store = await newStore();
    const bytes = content(SIZE, 3);
    const { sha256: name } = await store.putBytes(bytes);
    const got = await collect(store.read(name, { start: SIZE - 10, end: SIZE + 5000 }));
    expect(got.equals(bytes.subarray(SIZE - 10))).toBe(true);
  });

  it('returns nothing for a range that starts after the end', async () => {
    const store = await newStore();
    const { sha256: name } = await store.putBytes(content(SIZE, 3));
    expect((await collect(store.read(name, { start: SIZE + 1, end: SIZE + 100 }))).length).toBe(0);
  });

  it('reads an empty blob as empty, with and without a range', async () => {
    const store = await newStore();
    const { sha256: name } = await store.putBytes(Buffer.alloc(0));
    expect((await store.readAll(name)).length).toBe(0);
    expect((await collect(store.read(name, { start: 0, end: 10 }))).length).toBe(0);
  });
});

describe('FsBlobStore listing, aborts and leftovers', () => {
  it('list() enumerates exactly the stored blobs and ignores stray files', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    const names = new Set<string>();
    for (const seed of [1, 2, 3, 4]) {
      const put = await store.putBytes(content(50 * seed, seed));
      names.add(Buffer.from(put.sha256).toString('hex'));
    }
    writeFileSync(path.join(root, 'README'), 'not a blob');
    mkdirSync(path.join(root, 'zz'));
    writeFileSync(path.join(root, '.tmp', 'x'.repeat(64)), 'temp');
    const listed: string[] = [];
    for await (const name of store.list()) {
      listed.push(Buffer.from(name).toString('hex'));
    }
    expect(listed.sort()).toEqual([...names].sort());
  });

  it('list() of an empty store yields nothing', async () => {
    const store = await newStore();
    const listed: Uint8Array[] = [];
    for await (const name of store.list()) {
      listed.push(name);
    }
    expect(listed).toEqual([]);
  });

  it('an aborted writer leaves neither a blob nor a temp file', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    const bytes = content(4 * CHUNK);
    const writer = store.createWriter();
    // Enough to have flushed sealed chunks into the temp file before the abort.
    await writer.write(bytes);
    expect(readdirSync(path.join(root, '.tmp'))).toHaveLength(1);
    await writer.abort();
    expect(await store.has(sha256(bytes))).toBe(false);
    expect(blobFiles(root)).toEqual([]);
    expect(readdirSync(path.join(root, '.tmp'))).toEqual([]);
  });

  it('an abort before any write is harmless', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    await store.createWriter().abort();
    expect(blobFiles(root)).toEqual([]);
  });

  it('init() drops temp files left by a killed writer and keeps stored blobs', async () => {
    const root = tempDir('haven-blobs-');
    const store = await newStore(root);
    const put = await store.putBytes(content(10));
    const writer = store.createWriter();
    await writer.write(content(3 * CHUNK, 9));
    // The writer is never committed nor aborted: as if the process had died.
    writeFileSync(path.join(root, '.tmp', 'leftover'), 'half a blob');
    expect(readdirSync(path.join(root, '.tmp')).length).toBe(2);
    const reopened = await newStore(root);
    expect(readdirSync(path.join(root, '.tmp'))).toEqual([]);
    expect(await reopened.has(put.sha256)).toBe(true);
    expect((await reopened.readAll(put.sha256)).equals(content(10))).toBe(true);
  });

  it('reads blobs written with another chunk size (the size is taken from the header)', async () => {
    const root = tempDir('haven-blobs-');
    const key = keyOf(KEY_HEX);
    const writerStore = await new FsBlobStore(root, key, 300).init();
    const bytes = content(2000);
    const put = await writerStore.putBytes(bytes);
    const readerStore = await new FsBlobStore(root, key).init();
    expect((await readerStore.readAll(put.sha256)).equals(bytes)).toBe(true);
    expect(await readerStore.size(put.sha256)).toBe(2000);
  });
});

describe('evidence key parsing', () => {
  const RAW = Buffer.from(KEY_HEX, 'hex');

  it('accepts 64 hex digits, either case, with surrounding whitespace', () => {
    expect(parseKey(KEY_HEX, 'test').equals(RAW)).toBe(true);
    expect(parseKey(`  ${KEY_HEX.toUpperCase()}\n`, 'test').equals(RAW)).toBe(true);
  });

  it('accepts base64 and base64url of 32 bytes', () => {
    const key = randomBytes(32);
    expect(parseKey(key.toString('base64'), 'test').equals(key)).toBe(true);
    expect(parseKey(`${key.toString('base64url')}\n`, 'test').equals(key)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['short hex', KEY_HEX.slice(1)],
    ['long hex', `${KEY_HEX}00`],
    ['non-hex 64 characters', 'g'.repeat(64)],
    ['base64 of 31 bytes', randomBytes(31).toString('base64')],
    ['base64 of 33 bytes', randomBytes(33).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
  ])('rejects %s with EVIDENCE_KEY_INVALID naming where the key came from', (_label, text) => {
    const error = expectCodeSync(() => parseKey(text, 'HAVEN_EVIDENCE_KEY'), 'EVIDENCE_KEY_INVALID');
    expect(error.message).toContain('HAVEN_EVIDENCE_KEY');
  });
});

describe('evidence key loading', () => {
  it('derives an 8-byte id that is stable for a key and differs between keys', () => {
    const a = keyOf(KEY_HEX);
    expect(a.source).toBe('config');
    expect(a.key.equals(Buffer.from(KEY_HEX, 'hex'))).toBe(true);
    expect(a.id).toHaveLength(8);
    expect(keyOf(KEY_HEX).id.equals(a.id)).toBe(true);
    expect(keyOf(OTHER_KEY_HEX).id.equals(a.id)).toBe(false);
  });

  it('rejects an invalid configured key', () => {
    expectCodeSync(
      () => loadEvidenceKey({ evidenceKey: 'nope', dataDir: tempDir() }),
      'EVIDENCE_KEY_INVALID',
    );
  });

  it('generates a key into the data dir on first use (0600) and reuses it afterwards', () => {
    const dataDir = tempDir('haven-data-');
    const file = path.join(dataDir, DEFAULT_KEY_FILE);
    const first = loadEvidenceKey({ dataDir });
    expect(first.source).toBe('generated');
    expect(first.key).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(parseKey(readFileSync(file, 'utf8'), file).equals(first.key)).toBe(true);

    const second = loadEvidenceKey({ dataDir });
    expect(second.source).toBe('file');
    expect(second.key.equals(first.key)).toBe(true);
    expect(second.id.equals(first.id)).toBe(true);
  });

  it('generates a different key for each data dir', () => {
    const a = loadEvidenceKey({ dataDir: tempDir('haven-data-') });
    const b = loadEvidenceKey({ dataDir: tempDir('haven-data-') });
    expect(a.key.equals(b.key)).toBe(false);
  });

  it('prefers a configured key over the key file in the data dir, and writes nothing', () => {
    const dataDir = tempDir('haven-data-');
    const key = loadEvidenceKey({ evidenceKey: KEY_HEX, dataDir });
    expect(key.source).toBe('config');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('reads an explicit key file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'my.key');
    writeFileSync(file, `${Buffer.from(OTHER_KEY_HEX, 'hex').toString('base64')}\n`);
    const key = loadEvidenceKey({ evidenceKeyFile: file, dataDir: dir });
    expect(key.source).toBe('file');
    expect(key.key.equals(Buffer.from(OTHER_KEY_HEX, 'hex'))).toBe(true);
  });

  it('rejects a missing or malformed key file with EVIDENCE_KEY_INVALID', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'absent.key');
    expectCodeSync(() => loadEvidenceKey({ evidenceKeyFile: missing, dataDir: dir }), 'EVIDENCE_KEY_INVALID');
    const bad = path.join(dir, 'bad.key');
    writeFileSync(bad, 'not a key\n');
    const error = expectCodeSync(
      () => loadEvidenceKey({ evidenceKeyFile: bad, dataDir: dir }),
      'EVIDENCE_KEY_INVALID',
    );
    expect(error.message).toContain(bad);
  });

  it('rejects a damaged generated key file instead of silently generating a new key', () => {
    const dataDir = tempDir('haven-data-');
    loadEvidenceKey({ dataDir });
    writeFileSync(path.join(dataDir, DEFAULT_KEY_FILE), 'damaged\n');
    expectCodeSync(() => loadEvidenceKey({ dataDir }), 'EVIDENCE_KEY_INVALID');
  });
});
