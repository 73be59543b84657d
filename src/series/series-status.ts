import { SERIES_STATUSES, type SeriesStatus } from '#haven/series/series.types.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

const rank = (status: SeriesStatus): number => SERIES_STATUSES.indexOf(status);

/**
 * The process moves forward (steps may be skipped: an owner can identify a victim before any
 * dissemination), or back one step to correct a mistake, with a note saying why.
 */
export function checkTransition(from: SeriesStatus, to: SeriesStatus, note: string | undefined): void {
  if (from === to) {
    throw havenError('CONFLICT', { reason: `The series is already ${to}` });
  }
  if (rank(to) < rank(from)) {
    if (rank(from) - rank(to) > 1) {
      throw havenError('VALIDATION_FAILED', {
        issues: `status: from ${from} only one step back (to ${SERIES_STATUSES[rank(from) - 1]}) is allowed`,
      });
    }
    if (!note?.trim()) {
      throw havenError('VALIDATION_FAILED', { issues: 'note: a step back needs a note saying why' });
    }
  }
}

export const isBefore = (status: SeriesStatus, other: SeriesStatus): boolean => rank(status) < rank(other);
