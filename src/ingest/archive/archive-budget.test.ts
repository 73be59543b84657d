import { describe, expect, it } from 'vitest';
import { ArchiveBudget, type ArchiveLimits } from '#haven/ingest/archive/archive-budget.js';

const MIB = 1024 * 1024;

function budget(overrides: Partial<ArchiveLimits> = {}): ArchiveBudget {
  return new ArchiveBudget({
    maxEntries: 1_000,
    maxDepth: 8,
    maxTotalBytes: 1024 * MIB,
    maxRatio: 100,
    nestedMaxBytes: 64 * MIB,
    ...overrides,
  });
}

describe('ArchiveBudget', () => {
  it('admits exactly maxEntries entries, then stops everything after', () => {
    const b = budget({ maxEntries: 3 });
    expect(b.admit(10, 10)).toBeUndefined();
    expect(b.admit(10, 10)).toBeUndefined();
    expect(b.admit(10, 10)).toBeUndefined();
    expect(b.admit(10, 10)).toEqual({ reason: 'more than 3 entries; the rest is not opened', stop: true });
    expect(b.admit(0, 0)?.stop).toBe(true);
  });

  it('admits up to exactly maxTotalBytes in total, then stops', () => {
    const b = budget({ maxTotalBytes: 100 });
    expect(b.admit(60, 60)).toBeUndefined();
    expect(b.admit(40, 40)).toBeUndefined();
    expect(b.admit(1, 1)).toEqual({
      reason: 'expands to more than 100 bytes in total; the rest is not opened',
      stop: true,
    });
  });

  it('does not count an entry refused for its total size', () => {
    const b = budget({ maxTotalBytes: 100 });
    expect(b.admit(60, 60)).toBeUndefined();
    expect(b.admit(50, 50)?.stop).toBe(true);
    // The refused 50 bytes were not added: 40 more still fit.
    expect(b.admit(40, 40)).toBeUndefined();
  });

  it('checks the entry count before the size', () => {
    const b = budget({ maxEntries: 1, maxTotalBytes: 10 });
    expect(b.admit(5, 5)).toBeUndefined();
    expect(b.admit(50, 50)?.reason).toBe('more than 1 entries; the rest is not opened');
  });

  it('refuses only the entry whose ratio is too high (stop: false) and does not count it', () => {
    const b = budget({ maxRatio: 10, maxEntries: 2, maxTotalBytes: 3 * MIB });
    const refusal = b.admit(2 * MIB, 100 * 1024);
    expect(refusal).toEqual({
      reason: `entry expands 20:1 (${2 * MIB} bytes from ${100 * 1024}), above the 10:1 limit`,
      stop: false,
    });
    // Neither its count nor its bytes were used up.
    expect(b.admit(MIB, MIB)).toBeUndefined();
    expect(b.admit(2 * MIB, MIB)).toBeUndefined();
    expect(b.admit(1, 1)?.stop).toBe(true);
  });

  it('applies the ratio only above 1 MiB of uncompressed content', () => {
    const b = budget({ maxRatio: 10 });
    // 1 MiB from a single byte is 1048576:1, but small: innocent (blank pages, padding).
    expect(b.admit(MIB, 1)).toBeUndefined();
    expect(b.admit(MIB + 1, 1)?.stop).toBe(false);
  });

  it('allows a ratio exactly at the limit and refuses one just above it', () => {
    const b = budget({ maxRatio: 10 });
    expect(b.admit(20 * MIB, 2 * MIB)).toBeUndefined();
    expect(b.admit(20 * MIB + 1, 2 * MIB)?.stop).toBe(false);
  });

  it('treats a zero compressed size above the floor as a refused ratio without dividing by zero', () => {
    const b = budget({ maxRatio: 1000 });
    const refusal = b.admit(2 * MIB, 0);
    expect(refusal?.stop).toBe(false);
    expect(refusal?.reason).toBe(
      `entry expands ${2 * MIB}:1 (${2 * MIB} bytes from 0), above the 1000:1 limit`,
    );
  });

  it('is one budget across everything it is asked about (nested archives share it)', () => {
    const b = budget({ maxEntries: 4 });
    for (let i = 0; i < 4; i += 1) {
      expect(b.admit(1, 1)).toBeUndefined();
    }
    expect(b.admit(1, 1)?.stop).toBe(true);
    expect(b.limits.maxEntries).toBe(4);
  });
});
