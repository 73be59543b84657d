import { createHash } from 'node:crypto';
import { SNIFF_BYTES, sniffMediaType, type SniffResult } from '#haven/ingest/media-types/sniff.js';
import type { BlobStore, BlobWriter, PutResult } from '#haven/platform/evidence/blob-store.js';
import type { ByteStreamSignalType } from '#haven/signals/signal-type.js';

export interface ContentBytes {
  readonly sniff: SniffResult;
  readonly size: number;
  /** Every byte-stream signal (md5, sha1, sha256, ...), computed in the same single pass. */
  readonly hashes: ReadonlyMap<string, Uint8Array>;
  readonly sha256: Buffer;
  /** The whole content, when it was small enough to keep in memory (images to decode, archives). */
  readonly bytes: Buffer | undefined;
  /** Set when the content was written to the evidence store. */
  readonly stored: PutResult | undefined;
}

export interface ReadContentOptions {
  readonly signals: readonly ByteStreamSignalType[];
  /** Where originals go; absent when only hashing (e.g. `haven match`). */
  readonly store?: BlobStore | undefined;
  /** How many bytes of this content may be kept in memory, decided once its type is known. */
  readonly memoryLimit: (sniff: SniffResult) => number;
}

/**
 * Reads a content once, start to end: type from its first bytes, every hash, the encrypted copy in
 * the evidence store, and (when small enough) the bytes themselves for decoding.
 */
export async function readContent(
  stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ReadContentOptions,
): Promise<ContentBytes> {
  const hashers = options.signals.map((signal) => ({ name: signal.name, hasher: signal.createHasher() }));
  const ownSha256 = createHash('sha256');
  let head: Buffer[] = [];
  let headBytes = 0;
  let sniff: SniffResult | undefined;
  let limit = 0;
  let size = 0;
  // Mutated inside consume(): kept in an object so that the compiler does not narrow them.
  const state: { kept: Buffer[] | undefined; writer: BlobWriter | undefined } = {
    kept: [],
    writer: undefined,
  };

  const consume = async (chunk: Buffer): Promise<void> => {
    for (const { hasher } of hashers) {
      hasher.update(chunk);
    }
    ownSha256.update(chunk);
    size += chunk.length;
    if (state.kept && size <= limit) {
      state.kept.push(chunk);
      return;
    }
    if (options.store && !state.writer) {
      state.writer = options.store.createWriter();
      for (const earlier of state.kept ?? []) {
        await state.writer.write(earlier);
      }
    }
    state.kept = undefined;
    await state.writer?.write(chunk);
  };

  try {
    for await (const raw of stream) {
      const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      if (!sniff) {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes < SNIFF_BYTES) {
          continue;
        }
        const first = Buffer.concat(head);
        head = [];
        sniff = sniffMediaType(first);
        limit = options.memoryLimit(sniff);
        await consume(first);
        continue;
      }
      await consume(chunk);
    }
    if (!sniff) {
      const first = Buffer.concat(head);
      sniff = sniffMediaType(first);
      limit = options.memoryLimit(sniff);
      await consume(first);
    }
  } catch (error) {
    await state.writer?.abort();
    throw error;
  }

  const sha256 = ownSha256.digest();
  const bytes = state.kept ? Buffer.concat(state.kept) : undefined;
  let stored: PutResult | undefined;
  if (state.writer) {
    stored = await state.writer.commit();
  } else if (options.store && bytes && size > 0) {
    stored = await options.store.putBytes(bytes, sha256);
  }
  const hashes = new Map(hashers.map(({ name, hasher }) => [name, hasher.digest()]));
  return { sniff, size, hashes, sha256, bytes, stored };
}
