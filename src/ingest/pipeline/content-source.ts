import { createReadStream } from 'node:fs';
import { NO_TIMES, type FileTimes } from '#haven/ingest/walk/file-times.js';

/** Something whose bytes can be read once from the start: a file on disk or an archive entry. */
export interface ContentSource {
  readonly displayPath: string;
  /** Raw bytes identifying this occurrence (absolute path, or archive path + "!/" + entry name). */
  readonly pathKey: Buffer;
  readonly declaredSize: number;
  readonly times: FileTimes;
  /** 0 for files on disk, n for an entry n archives deep. */
  readonly depth: number;
  /** SHA-256 of the archive holding this entry. */
  readonly containerSha256: Buffer | null;
  /** Set for files on disk, so that archives can be opened in place. */
  readonly filePath: Buffer | null;
  /** The content is already in the evidence store (uploads): read it, don't store it again. */
  readonly alreadyStored?: boolean;
  open(): Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>>;
}

export function fileSource(
  fsPath: Buffer,
  displayPath: string,
  size: number,
  times: FileTimes,
): ContentSource {
  return {
    displayPath,
    pathKey: fsPath,
    declaredSize: size,
    times,
    depth: 0,
    containerSha256: null,
    filePath: fsPath,
    open: () => Promise.resolve(createReadStream(fsPath, { highWaterMark: 1024 * 1024 })),
  };
}

export function bufferSource(
  displayPath: string,
  pathKey: Buffer,
  bytes: Buffer,
  times: FileTimes,
  depth: number,
  containerSha256: Buffer | null,
): ContentSource {
  return {
    displayPath,
    pathKey,
    declaredSize: bytes.length,
    times,
    depth,
    containerSha256,
    filePath: null,
    open: () => Promise.resolve([bytes]),
  };
}

/** An uploaded file, already stored encrypted: its bytes come back from the evidence store, verified. */
export function storedSource(
  store: { read(sha256: Uint8Array): AsyncIterable<Uint8Array> },
  sha256: Buffer,
  displayPath: string,
  pathKey: Buffer,
  size: number,
): ContentSource {
  return {
    displayPath,
    pathKey,
    declaredSize: size,
    times: NO_TIMES,
    depth: 0,
    containerSha256: null,
    filePath: null,
    alreadyStored: true,
    open: () => Promise.resolve(store.read(sha256)),
  };
}

/** Separator between an archive's path and an entry's name in displayed and stored paths. */
export const ARCHIVE_SEPARATOR = '!/';
