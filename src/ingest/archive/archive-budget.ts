/** Limits on what one archive (with everything nested in it) may expand to: the zip-bomb guard. */
export interface ArchiveLimits {
  readonly maxEntries: number;
  readonly maxDepth: number;
  readonly maxTotalBytes: number;
  readonly maxRatio: number;
  readonly nestedMaxBytes: number;
}

// Small entries can compress extremely well for innocent reasons (blank pages, padding): the
// ratio rule only applies above this size.
const RATIO_FLOOR_BYTES = 1024 * 1024;

/** Counts entries and declared bytes across one top-level archive and its nested archives. */
export class ArchiveBudget {
  readonly limits: ArchiveLimits;
  #entries = 0;
  #bytes = 0;

  constructor(limits: ArchiveLimits) {
    this.limits = limits;
  }

  /**
   * Admits an entry or says why not. `stop` means nothing after it should be opened either
   * (entry-count and total-size limits); otherwise only this entry is refused.
   */
  admit(uncompressed: number, compressed: number): { reason: string; stop: boolean } | undefined {
    const { maxEntries, maxTotalBytes, maxRatio } = this.limits;
    if (this.#entries + 1 > maxEntries) {
      return { reason: `more than ${maxEntries} entries; the rest is not opened`, stop: true };
    }
    if (this.#bytes + uncompressed > maxTotalBytes) {
      return {
        reason: `expands to more than ${maxTotalBytes} bytes in total; the rest is not opened`,
        stop: true,
      };
    }
    if (uncompressed > RATIO_FLOOR_BYTES && uncompressed > compressed * maxRatio) {
      return {
        reason: `entry expands ${Math.round(uncompressed / Math.max(1, compressed))}:1 (${uncompressed} bytes from ${compressed}), above the ${maxRatio}:1 limit`,
        stop: false,
      };
    }
    this.#entries += 1;
    this.#bytes += uncompressed;
    return undefined;
  }
}
