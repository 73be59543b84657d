/**
 * The container shared by the serialized PDQ indexes: a 32-byte header (magic, format version,
 * kind, total length, CRC-32 of the body) and a body of little-endian numbers and 8-byte-aligned
 * typed arrays. Reading checks every length before using it, so corrupt or truncated input ends in
 * INDEX_CORRUPT rather than a crash or a huge allocation.
 */
import { crc32 } from 'node:zlib';
import { havenError, type HavenError } from '#haven/platform/errors/haven-error.js';

const MAGIC = 'HAVNPDQX';
export const FORMAT_VERSION = 1;
export const KIND_MULTI_INDEX = 1;
export const KIND_FLAT = 2;
const HEADER_BYTES = 32;
const CRC_CHUNK = 1 << 26;

export function corrupt(reason: string): HavenError {
  return havenError('INDEX_CORRUPT', { file: '<memory>', reason });
}

/** Typed arrays are copied as raw bytes, which is only the documented byte order on little-endian hosts. */
function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw havenError('INTERNAL', { reason: 'PDQ index files need a little-endian host' });
  }
}

type Part = { readonly value: number; readonly float: boolean } | { readonly bytes: Uint8Array };

function bytesOf(array: Uint32Array | Float64Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Collects references first and copies once at the end: serializing needs one output-sized buffer. */
export class IndexWriter {
  private readonly parts: Part[] = [];
  private size = HEADER_BYTES;

  u32(value: number): void {
    this.parts.push({ value, float: false });
    this.size += 4;
  }

  f64(value: number): void {
    this.align();
    this.parts.push({ value, float: true });
    this.size += 8;
  }

  array(array: Uint32Array | Float64Array | Uint8Array): void {
    this.align();
    this.parts.push({ bytes: bytesOf(array) });
    this.size += array.byteLength;
  }

  private align(): void {
    if (this.size % 8 !== 0) {
      this.u32(0);
    }
  }

  finish(kind: number): Uint8Array {
    assertLittleEndian();
    const out = new Uint8Array(this.size);
    const view = new DataView(out.buffer);
    let pos = HEADER_BYTES;
    for (const part of this.parts) {
      if ('bytes' in part) {
        out.set(part.bytes, pos);
        pos += part.bytes.length;
      } else if (part.float) {
        view.setFloat64(pos, part.value, true);
        pos += 8;
      } else {
        view.setUint32(pos, part.value, true);
        pos += 4;
      }
    }
    out.set(new TextEncoder().encode(MAGIC), 0);
    view.setUint32(8, FORMAT_VERSION, true);
    view.setUint32(12, kind, true);
    view.setFloat64(16, this.size, true);
    view.setUint32(24, checksum(out), true);
    return out;
  }
}

function checksum(bytes: Uint8Array): number {
  let crc = 0;
  for (let pos = HEADER_BYTES; pos < bytes.length; pos += CRC_CHUNK) {
    crc = crc32(bytes.subarray(pos, Math.min(bytes.length, pos + CRC_CHUNK)), crc);
  }
  return crc;
}

/** Reads a body written by IndexWriter; arrays are copied onto SharedArrayBuffers. */
export class IndexReader {
  private readonly view: DataView;
  private pos = HEADER_BYTES;

  private constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Checks the header and checksum of a whole serialized index of the given kind. */
  static open(bytes: Uint8Array, kind: number): IndexReader {
    assertLittleEndian();
    if (bytes.length < HEADER_BYTES) {
      throw corrupt(`${bytes.length} bytes is shorter than the header`);
    }
    if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
      throw corrupt('not a Haven PDQ index (bad magic)');
    }
    const reader = new IndexReader(bytes);
    const version = reader.view.getUint32(8, true);
    if (version !== FORMAT_VERSION) {
      throw corrupt(`unsupported format version ${version}`);
    }
    const found = reader.view.getUint32(12, true);
    if (found !== kind) {
      throw corrupt(`index kind ${found} where ${kind} was expected`);
    }
    const length = reader.view.getFloat64(16, true);
    if (length !== bytes.length) {
      throw corrupt(`header says ${length} bytes but ${bytes.length} were given (truncated?)`);
    }
    if (reader.view.getUint32(24, true) !== checksum(bytes)) {
      throw corrupt('checksum mismatch');
    }
    return reader;
  }

  private need(bytes: number): void {
    if (!(bytes >= 0 && this.pos + bytes <= this.bytes.length)) {
      throw corrupt(`truncated at byte ${this.pos}`);
    }
  }

  private align(): void {
    if (this.pos % 8 !== 0) {
      this.u32();
    }
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  f64(): number {
    this.align();
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  private copy(byteLength: number): SharedArrayBuffer {
    this.align();
    this.need(byteLength);
    const buffer = new SharedArrayBuffer(byteLength);
    new Uint8Array(buffer).set(this.bytes.subarray(this.pos, this.pos + byteLength));
    this.pos += byteLength;
    return buffer;
  }

  u32Array(length: number): Uint32Array {
    return new Uint32Array(this.copy(length * 4));
  }

  f64Array(length: number): Float64Array {
    return new Float64Array(this.copy(length * 8));
  }

  u8Array(length: number): Uint8Array {
    return new Uint8Array(this.copy(length));
  }

  /** Rejects trailing bytes, which would mean the writer and reader disagree about the layout. */
  end(): void {
    if (this.pos !== this.bytes.length) {
      throw corrupt(`${this.bytes.length - this.pos} unexpected trailing bytes`);
    }
  }
}
