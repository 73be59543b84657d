import type { Stats } from 'node:fs';

/** The file-system timestamps kept for every occurrence of a file. */
export interface FileTimes {
  readonly modifiedAt: Date | null;
  readonly accessedAt: Date | null;
  readonly changedAt: Date | null;
  readonly bornAt: Date | null;
}

export const NO_TIMES: FileTimes = { modifiedAt: null, accessedAt: null, changedAt: null, bornAt: null };

export function timesOf(stats: Stats): FileTimes {
  return {
    modifiedAt: validDate(stats.mtime),
    accessedAt: validDate(stats.atime),
    changedAt: validDate(stats.ctime),
    // File systems without a birth time report the epoch.
    bornAt: stats.birthtimeMs > 0 ? validDate(stats.birthtime) : null,
  };
}

function validDate(date: Date): Date | null {
  return Number.isFinite(date.getTime()) ? date : null;
}
