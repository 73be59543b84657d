import type { Queryable } from '#haven/platform/db/database.js';
import {
  statsRepository,
  type AgencyFigures,
  type MonthFigures,
  type Totals,
} from '#haven/stats/stats.repository.js';

/**
 * Network statistics. Only counts, so every member with stats.read sees the same figures whatever
 * the sharing of the things counted: a count names no series, medium or person.
 */
export const statsService = {
  async figures(
    db: Queryable,
    months: number,
  ): Promise<{ totals: Totals; perAgency: AgencyFigures[]; perMonth: MonthFigures[] }> {
    const now = new Date();
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
    const [totals, perAgency, perMonth] = await Promise.all([
      statsRepository.totals(db),
      statsRepository.perAgency(db),
      statsRepository.perMonth(db, since),
    ]);
    return { totals, perAgency, perMonth };
  },
};
