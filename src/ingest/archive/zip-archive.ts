import { close as fsClose, open as fsOpen } from 'node:fs';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { decodeCp437 } from '#haven/ingest/archive/cp437.js';
import { displayPathOf } from '#haven/ingest/walk/display-path.js';
import { havenError, describeError } from '#haven/platform/errors/haven-error.js';

export interface ZipEntry {
  /** Raw name bytes as stored in the archive. */
  readonly nameBytes: Buffer;
  /** Name as text: UTF-8 when the archive says so, else code page 437. */
  readonly name: string;
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  readonly modifiedAt: Date | null;
  readonly isDirectory: boolean;
  readonly isEncrypted: boolean;
  readonly compressionMethod: number;
  /** Streams the entry's content; the stream errors if the content does not match its declared size. */
  openStream(): Promise<Readable>;
}

export type ZipSource = { readonly file: Buffer } | { readonly buffer: Buffer };

const UTF8_FLAG = 0x800;
const ENCRYPTED_FLAG = 0x1;

/** Reads a ZIP archive's entries one after another (central directory order). */
export async function* readZipEntries(source: ZipSource): AsyncGenerator<ZipEntry> {
  const zip = await openZip(source);
  const pending: { resolve: (entry: yauzl.Entry | null) => void; reject: (error: unknown) => void }[] = [];
  let failure: unknown;
  zip.on('entry', (entry: yauzl.Entry) => pending.shift()?.resolve(entry));
  zip.on('end', () => pending.shift()?.resolve(null));
  zip.on('error', (error: unknown) => {
    failure = error;
    pending.shift()?.reject(error);
  });
  try {
    for (;;) {
      if (failure !== undefined) {
        throw corrupt(failure);
      }
      const next = new Promise<yauzl.Entry | null>((resolve, reject) => {
        pending.push({ resolve, reject });
      });
      zip.readEntry();
      let entry: yauzl.Entry | null;
      try {
        entry = await next;
      } catch (error) {
        throw corrupt(error);
      }
      if (entry === null) {
        return;
      }
      yield toZipEntry(zip, entry);
    }
  } finally {
    zip.close();
  }
}

function toZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): ZipEntry {
  const nameBytes = entry.fileName as unknown as Buffer;
  const name = entry.generalPurposeBitFlag & UTF8_FLAG ? displayPathOf(nameBytes) : decodeCp437(nameBytes);
  let modifiedAt: Date | null = null;
  try {
    const date = entry.getLastModDate();
    modifiedAt = Number.isFinite(date.getTime()) ? date : null;
  } catch {
    modifiedAt = null;
  }
  return {
    nameBytes,
    name,
    uncompressedSize: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
    modifiedAt,
    isDirectory: name.endsWith('/') || name.endsWith('\\'),
    isEncrypted: (entry.generalPurposeBitFlag & ENCRYPTED_FLAG) !== 0,
    compressionMethod: entry.compressionMethod,
    openStream: () =>
      new Promise<Readable>((resolve, reject) => {
        zip.openReadStream(entry, (error, stream) => {
          if (error) {
            reject(corrupt(error));
          } else {
            resolve(stream);
          }
        });
      }),
  };
}

async function openZip(source: ZipSource): Promise<yauzl.ZipFile> {
  const options: yauzl.Options = {
    lazyEntries: true,
    decodeStrings: false,
    validateEntrySizes: true,
    autoClose: false,
  };
  if ('buffer' in source) {
    return new Promise((resolve, reject) => {
      yauzl.fromBuffer(source.buffer, options, (error, zip) => {
        if (error) {
          reject(corrupt(error));
        } else {
          resolve(zip);
        }
      });
    });
  }
  const fd = await new Promise<number>((resolve, reject) => {
    fsOpen(source.file, 'r', (error, descriptor) => {
      if (error) {
        reject(error);
      } else {
        resolve(descriptor);
      }
    });
  });
  return new Promise((resolve, reject) => {
    // From here yauzl owns the descriptor: closing the archive closes it.
    yauzl.fromFd(fd, options, (error, zip) => {
      if (error) {
        fsClose(fd, () => undefined);
        reject(corrupt(error));
      } else {
        resolve(zip);
      }
    });
  });
}

function corrupt(error: unknown) {
  return havenError('ARCHIVE_CORRUPT', { reason: describeError(error) }, error);
}
