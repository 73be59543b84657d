import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EvidenceKey } from '#haven/platform/evidence/evidence-key.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/**
 * Encrypted blob format, version 1. Each blob has its own random data key, wrapped with the
 * evidence key; the content is cut into chunks, each sealed with AES-256-GCM so that any chunk
 * can be read and verified alone (range reads of large videos) and reordering, truncation or
 * extension is detected.
 *
 *   header  = MAGIC(8) keyId(8) wrapIv(12) wrappedKey(32) wrapTag(16) chunkSize(u32 BE)   = 80 bytes
 *   chunk i = AES-256-GCM(dataKey, nonce = 0^4 || u64be(i), aad = u64be(i) || final(1)) || tag(16)
 */
export const BLOB_MAGIC = Buffer.from('HVNBLOB1', 'ascii');
export const BLOB_HEADER_BYTES = 80;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export interface BlobHeader {
  readonly bytes: Buffer;
  readonly dataKey: Buffer;
  readonly chunkSize: number;
}

export function createBlobHeader(key: EvidenceKey, chunkSize = DEFAULT_CHUNK_BYTES): BlobHeader {
  const dataKey = randomBytes(32);
  const wrapIv = randomBytes(12);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(chunkSize);
  const cipher = createCipheriv('aes-256-gcm', key.key, wrapIv);
  cipher.setAAD(Buffer.concat([BLOB_MAGIC, key.id, size]));
  const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  const bytes = Buffer.concat([BLOB_MAGIC, key.id, wrapIv, wrapped, cipher.getAuthTag(), size]);
  return { bytes, dataKey, chunkSize };
}

/** Parses and unwraps a header; `blobName` only labels errors. */
export function openBlobHeader(bytes: Uint8Array, key: EvidenceKey, blobName: string): BlobHeader {
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (header.length < BLOB_HEADER_BYTES || !header.subarray(0, 8).equals(BLOB_MAGIC)) {
    throw havenError('EVIDENCE_CORRUPT', { sha256: blobName, reason: 'not a Haven blob (bad header)' });
  }
  const keyId = header.subarray(8, 16);
  if (!keyId.equals(key.id)) {
    throw havenError('EVIDENCE_KEY_MISMATCH', {
      sha256: blobName,
      found: keyId.toString('hex'),
      expected: key.id.toString('hex'),
    });
  }
  const size = header.subarray(76, 80);
  const chunkSize = size.readUInt32BE();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, header.subarray(16, 28));
    decipher.setAAD(Buffer.concat([BLOB_MAGIC, keyId, size]));
    decipher.setAuthTag(header.subarray(60, 76));
    const dataKey = Buffer.concat([decipher.update(header.subarray(28, 60)), decipher.final()]);
    return { bytes: Buffer.from(header.subarray(0, BLOB_HEADER_BYTES)), dataKey, chunkSize };
  } catch {
    throw havenError('EVIDENCE_CORRUPT', { sha256: blobName, reason: 'header authentication failed' });
  }
}

export function sealChunk(header: BlobHeader, index: number, final: boolean, plain: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', header.dataKey, chunkNonce(index));
  cipher.setAAD(chunkAad(index, final));
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

export function openChunk(
  header: BlobHeader,
  index: number,
  final: boolean,
  sealed: Uint8Array,
  blobName: string,
): Buffer {
  const record = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (record.length < TAG_BYTES) {
    throw havenError('EVIDENCE_CORRUPT', { sha256: blobName, reason: `chunk ${index} is truncated` });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', header.dataKey, chunkNonce(index));
    decipher.setAAD(chunkAad(index, final));
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    return Buffer.concat([decipher.update(record.subarray(0, record.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw havenError('EVIDENCE_CORRUPT', {
      sha256: blobName,
      reason: `chunk ${index} failed authentication`,
    });
  }
}

/** Number of chunk records in a blob file of `fileBytes` bytes (at least one, possibly empty). */
export function chunkCount(fileBytes: number, chunkSize: number): number {
  const body = fileBytes - BLOB_HEADER_BYTES;
  return Math.max(1, Math.ceil(body / (chunkSize + TAG_BYTES)));
}

/** Size of the plaintext a blob file of `fileBytes` bytes holds. */
export function plainSize(fileBytes: number, chunkSize: number): number {
  return fileBytes - BLOB_HEADER_BYTES - chunkCount(fileBytes, chunkSize) * TAG_BYTES;
}

function chunkNonce(index: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
}

function chunkAad(index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(9);
  aad.writeBigUInt64BE(BigInt(index), 0);
  aad[8] = final ? 1 : 0;
  return aad;
}
