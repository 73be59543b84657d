import { crc32, deflateRawSync } from 'node:zlib';

export interface RawZipEntry {
  /** Name bytes exactly as stored (may be unsafe, non-UTF-8, absolute...). */
  readonly name: Buffer | string;
  readonly data: Buffer;
  /** Mark the name as UTF-8 (general-purpose flag bit 11). */
  readonly utf8?: boolean;
  /** Set the "encrypted" flag (the data itself is left as is). */
  readonly encrypted?: boolean;
  readonly deflate?: boolean;
  /** Uncompressed size written into the headers instead of the real one (an archive that lies). */
  readonly declaredSize?: number;
}

/**
 * A ZIP written byte by byte, so tests can build archives that zip libraries refuse to write:
 * traversal and absolute names, raw non-UTF-8 names, encrypted flags.
 */
export function rawZip(entries: readonly RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
    const packed = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    // Traditional ZIP encryption puts a 12-byte header before the data.
    const body = entry.encrypted ? Buffer.concat([Buffer.alloc(12, 0x5a), packed]) : packed;
    const flags = (entry.utf8 ? 0x800 : 0) | (entry.encrypted ? 0x1 : 0);
    const method = entry.deflate ? 8 : 0;
    const crc = crc32(entry.data);
    const declaredSize = entry.declaredSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
