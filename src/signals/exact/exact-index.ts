import type { IndexHit, SignalIndex } from '#haven/signals/signal-type.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

const MAGIC = 0x48_58_49_31; // "HXI1"

/** Exact-value index for cryptographic hashes: every id stored under a value, distance always 0. */
export class ExactIndex implements SignalIndex {
  readonly #byteLength: number;
  readonly #ids = new Map<string, number[]>();
  readonly #valueOf = new Map<number, string>();

  constructor(byteLength: number) {
    this.#byteLength = byteLength;
  }

  get size(): number {
    return this.#valueOf.size;
  }

  add(id: number, value: Uint8Array): void {
    this.remove(id);
    const key = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
    const ids = this.#ids.get(key);
    if (ids) {
      ids.push(id);
    } else {
      this.#ids.set(key, [id]);
    }
    this.#valueOf.set(id, key);
  }

  remove(id: number): void {
    const key = this.#valueOf.get(id);
    if (key === undefined) {
      return;
    }
    this.#valueOf.delete(id);
    const remaining = (this.#ids.get(key) ?? []).filter((other) => other !== id);
    if (remaining.length > 0) {
      this.#ids.set(key, remaining);
    } else {
      this.#ids.delete(key);
    }
  }

  query(value: Uint8Array, _maxDistance: number): IndexHit[] {
    const key = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
    return (this.#ids.get(key) ?? []).map((id) => ({ id, distance: 0 }));
  }

  serialize(): Uint8Array {
    const record = this.#byteLength + 8;
    const out = Buffer.alloc(12 + this.#valueOf.size * record);
    out.writeUInt32LE(MAGIC, 0);
    out.writeUInt32LE(this.#byteLength, 4);
    out.writeUInt32LE(this.#valueOf.size, 8);
    let offset = 12;
    for (const [id, key] of this.#valueOf) {
      out.write(key, offset, 'latin1');
      out.writeDoubleLE(id, offset + this.#byteLength);
      offset += record;
    }
    return out;
  }

  static deserialize(bytes: Uint8Array, byteLength: number): ExactIndex {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const fail = (reason: string): never => {
      throw havenError('INDEX_CORRUPT', { file: '<memory>', reason });
    };
    if (data.length < 12 || data.readUInt32LE(0) !== MAGIC) {
      fail('not an exact-hash index');
    }
    if (data.readUInt32LE(4) !== byteLength) {
      fail(`value size ${data.readUInt32LE(4)} is not ${byteLength}`);
    }
    const count = data.readUInt32LE(8);
    const record = byteLength + 8;
    if (data.length !== 12 + count * record) {
      fail('length does not match the entry count');
    }
    const index = new ExactIndex(byteLength);
    for (let i = 0; i < count; i += 1) {
      const offset = 12 + i * record;
      const id = data.readDoubleLE(offset + byteLength);
      if (!Number.isSafeInteger(id) || id <= 0) {
        fail(`entry ${i} has an invalid id`);
      }
      index.add(id, data.subarray(offset, offset + byteLength));
    }
    return index;
  }
}
