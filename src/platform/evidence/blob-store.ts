/**
 * Content-addressed, encrypted, verified storage for evidence originals and previews. Blobs are
 * named by the SHA-256 of their plaintext, stored once, never modified, and checked on every read.
 * The file-system backend is the default; an S3-compatible backend implements the same interface.
 */
export interface PutResult {
  readonly sha256: Uint8Array;
  readonly size: number;
  /** False when an identical blob was already stored (deduplicated). */
  readonly created: boolean;
}

export interface BlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Seals the blob and stores it under its SHA-256 (unless already present). */
  commit(): Promise<PutResult>;
  /** Discards everything written so far. */
  abort(): Promise<void>;
}

export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, inclusive. */
  readonly end: number;
}

export interface BlobStore {
  has(sha256: Uint8Array): Promise<boolean>;
  /** Stores bytes already in memory; `knownSha256` saves hashing them again when the caller has it. */
  putBytes(bytes: Uint8Array, knownSha256?: Uint8Array): Promise<PutResult>;
  createWriter(): BlobWriter;
  /** Plaintext size of a stored blob. */
  size(sha256: Uint8Array): Promise<number>;
  /**
   * Streams the plaintext. Every chunk is authenticated before it is yielded; a whole-blob read is
   * also checked against its SHA-256 at the end (the iterator throws EVIDENCE_CORRUPT if not).
   */
  read(sha256: Uint8Array, range?: ByteRange): AsyncIterable<Buffer>;
  readAll(sha256: Uint8Array): Promise<Buffer>;
  /** Reads the whole blob and checks it; throws EVIDENCE_CORRUPT / EVIDENCE_NOT_FOUND. */
  verify(sha256: Uint8Array): Promise<void>;
  list(): AsyncIterable<Uint8Array>;
}
