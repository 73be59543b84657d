import type { Schemas } from '../../api/client';

export type SeriesStatus = Schemas['Series']['status'];

/** The victim-identification process in order; the server allows any step forward, one back with a note. */
export const SERIES_STATUSES: readonly SeriesStatus[] = [
  'found',
  'compared',
  'analysed',
  'country_identified',
  'disseminated',
  'local_investigation',
  'victim_identified',
];

export const statusLabel = (status: SeriesStatus): string => status.replace(/_/g, ' ');

/** The statuses a series may move to from `status`: every later one, and the one just before. */
export function allowedMoves(status: SeriesStatus): { forward: SeriesStatus[]; back: SeriesStatus | null } {
  const rank = SERIES_STATUSES.indexOf(status);
  return {
    forward: SERIES_STATUSES.slice(rank + 1),
    back: rank > 0 ? (SERIES_STATUSES[rank - 1] ?? null) : null,
  };
}
