import type { HeldHit, HeldType } from '#haven/sharing/hash-list/held-hashes.js';

/** What matching needs of held hashes: one set's tables, or several sets' together. */
export interface HeldLookup<T> {
  readonly size: number;
  exact(type: Exclude<HeldType, 'pdq'>, value: Uint8Array): HeldHit<T>[];
  near(value: Uint8Array, maxDistance: number): HeldHit<T>[];
}

/**
 * Several independently built lookups answering as one. Each hash set keeps its own tables and PDQ
 * index, so adding or changing one set rebuilds that set alone, not every hash held. A hit's
 * `entry` is its position within its own part.
 */
export class HeldGroup<T> implements HeldLookup<T> {
  readonly size: number;
  readonly #parts: readonly HeldLookup<T>[];

  constructor(parts: readonly HeldLookup<T>[]) {
    this.#parts = parts.filter((part) => part.size > 0);
    this.size = this.#parts.reduce((sum, part) => sum + part.size, 0);
  }

  exact(type: Exclude<HeldType, 'pdq'>, value: Uint8Array): HeldHit<T>[] {
    return this.#parts.flatMap((part) => part.exact(type, value));
  }

  near(value: Uint8Array, maxDistance: number): HeldHit<T>[] {
    return this.#parts.flatMap((part) => part.near(value, maxDistance));
  }
}
