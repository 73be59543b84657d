/**
 * A compact exact-match table for fixed-length cryptographic hashes: the values back to back in one
 * byte array and an open-addressing slot array of row numbers. Tens of millions of values cost their
 * own bytes plus 8-16 bytes of slots each, where a Map of strings would cost well over 100.
 * Cryptographic hashes are uniformly distributed, so their first four bytes are the slot hash.
 */
export class ExactTable {
  readonly #byteLength: number;
  readonly #values: Uint8Array;
  readonly #slots: Uint32Array;
  readonly #mask: number;

  /** `values` holds `count` values of `byteLength` bytes; rows are their positions (0-based). */
  constructor(byteLength: number, values: Uint8Array, count: number) {
    this.#byteLength = byteLength;
    this.#values = values;
    let size = 16;
    while (size < count * 2) {
      size *= 2;
    }
    this.#slots = new Uint32Array(size);
    this.#mask = size - 1;
    for (let row = 0; row < count; row += 1) {
      let slot = this.#start(values, row * byteLength);
      while (this.#slots[slot] !== 0) {
        slot = (slot + 1) & this.#mask;
      }
      this.#slots[slot] = row + 1;
    }
  }

  /** Rows holding exactly `value`. */
  rows(value: Uint8Array): number[] {
    if (value.length !== this.#byteLength) {
      return [];
    }
    const found: number[] = [];
    let slot = this.#start(value, 0);
    for (;;) {
      const stored = this.#slots[slot]!;
      if (stored === 0) {
        return found;
      }
      if (this.#equals(stored - 1, value)) {
        found.push(stored - 1);
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  #start(bytes: Uint8Array, at: number): number {
    return (
      ((bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0) &
      this.#mask
    );
  }

  #equals(row: number, value: Uint8Array): boolean {
    const at = row * this.#byteLength;
    for (let i = 0; i < this.#byteLength; i += 1) {
      if (this.#values[at + i] !== value[i]) {
        return false;
      }
    }
    return true;
  }
}
