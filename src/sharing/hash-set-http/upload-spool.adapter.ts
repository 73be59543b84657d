import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** An uploaded hash list written to disk as it arrives, for the streaming importer to read. */
export interface SpooledUpload {
  readonly file: string;
  readonly bytes: number;
  remove(): Promise<void>;
}

/**
 * Streams an upload into a private folder under the data directory, chunk by chunk (a file of
 * hundreds of MB never sits in memory). The file keeps a safe form of the client's name, so that
 * import errors name the file the user sent.
 */
export async function spoolUpload(
  dataDir: string,
  clientName: string,
  content: AsyncIterable<Uint8Array>,
  isTruncated: () => boolean,
  limit: number,
): Promise<SpooledUpload> {
  const folder = path.join(dataDir, 'tmp', `hashset-upload-${randomUUID()}`);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const remove = (): Promise<void> => rm(folder, { recursive: true, force: true });
  const file = path.join(folder, safeName(clientName));
  let bytes = 0;
  try {
    await pipeline(
      Readable.from(content),
      async function* (source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(file, { mode: 0o600 }),
    );
    if (isTruncated()) {
      throw havenError('PAYLOAD_TOO_LARGE', { limit });
    }
    return { file, bytes, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

function safeName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
  return cleaned.slice(-120) || 'upload';
}
