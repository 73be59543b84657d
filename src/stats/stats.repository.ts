import type { Queryable } from '#haven/platform/db/database.js';

/**
 * Statistics are a read model over every capability's tables: counting in SQL, one query per
 * figure, instead of loading rows through each capability's service. Counts only: no row, name of
 * a series or medium leaves this file.
 */

export interface Totals {
  readonly images: number;
  readonly videos: number;
  readonly otherMedia: number;
  readonly series: number;
  readonly seriesVictimIdentified: number;
  readonly victims: number;
  readonly victimsIdentified: number;
  readonly offenders: number;
  readonly offendersIdentified: number;
  readonly agencies: number;
  readonly countries: number;
}

export interface AgencyFigures {
  readonly agencyId: string;
  readonly name: string;
  readonly country: string;
  readonly media: number;
  readonly images: number;
  readonly videos: number;
  readonly series: number;
  readonly victimsIdentified: number;
  readonly offendersIdentified: number;
}

export interface MonthFigures {
  readonly month: string;
  readonly media: number;
  readonly series: number;
  readonly victimsIdentified: number;
}

const n = (value: unknown): number => Number(value ?? 0);

export const statsRepository = {
  async totals(db: Queryable): Promise<Totals> {
    const rows = await db.query<Record<string, string>>(`
      SELECT
        (SELECT count(*) FROM media WHERE kind = 'image') AS images,
        (SELECT count(*) FROM media WHERE kind = 'video') AS videos,
        (SELECT count(*) FROM media WHERE kind NOT IN ('image', 'video')) AS other_media,
        (SELECT count(*) FROM series WHERE merged_into IS NULL) AS series,
        (SELECT count(*) FROM series WHERE merged_into IS NULL AND victim_identified_at IS NOT NULL) AS series_identified,
        (SELECT count(*) FROM victims) AS victims,
        (SELECT count(*) FROM victims WHERE identified) AS victims_identified,
        (SELECT count(*) FROM offenders) AS offenders,
        (SELECT count(*) FROM offenders WHERE identified) AS offenders_identified,
        (SELECT count(*) FROM agencies) AS agencies,
        (SELECT count(DISTINCT country) FROM agencies) AS countries`);
    const row = rows[0]!;
    return {
      images: n(row.images),
      videos: n(row.videos),
      otherMedia: n(row.other_media),
      series: n(row.series),
      seriesVictimIdentified: n(row.series_identified),
      victims: n(row.victims),
      victimsIdentified: n(row.victims_identified),
      offenders: n(row.offenders),
      offendersIdentified: n(row.offenders_identified),
      agencies: n(row.agencies),
      countries: n(row.countries),
    };
  },

  /** Per agency: distinct media in its cases, its series, victims it identified, offenders it identified. */
  async perAgency(db: Queryable): Promise<AgencyFigures[]> {
    const rows = await db.query<Record<string, string>>(`
      SELECT a.id, a.name, a.country,
        (SELECT count(DISTINCT f.media_id) FROM media_files f JOIN cases c ON c.id = f.case_id WHERE c.agency_id = a.id) AS media,
        (SELECT count(DISTINCT f.media_id) FROM media_files f JOIN cases c ON c.id = f.case_id JOIN media m ON m.id = f.media_id
           WHERE c.agency_id = a.id AND m.kind = 'image') AS images,
        (SELECT count(DISTINCT f.media_id) FROM media_files f JOIN cases c ON c.id = f.case_id JOIN media m ON m.id = f.media_id
           WHERE c.agency_id = a.id AND m.kind = 'video') AS videos,
        (SELECT count(*) FROM series s WHERE s.agency_id = a.id AND s.merged_into IS NULL) AS series,
        (SELECT count(*) FROM victims v WHERE v.identified AND v.identified_by = a.id) AS victims_identified,
        (SELECT count(*) FROM offenders o WHERE o.identified AND o.agency_id = a.id) AS offenders_identified
      FROM agencies a ORDER BY a.name`);
    return rows.map((row) => ({
      agencyId: row.id!,
      name: row.name!,
      country: row.country!,
      media: n(row.media),
      images: n(row.images),
      videos: n(row.videos),
      series: n(row.series),
      victimsIdentified: n(row.victims_identified),
      offendersIdentified: n(row.offenders_identified),
    }));
  },

  /** Per calendar month (UTC) from `since`: media first recorded, series created, victims identified. */
  async perMonth(db: Queryable, since: Date): Promise<MonthFigures[]> {
    const rows = await db.query<{ month: string; media: string; series: string; victims: string }>(
      `WITH months AS (
         SELECT to_char(d, 'YYYY-MM') AS month
         FROM generate_series(date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC'),
                              date_trunc('month', now() AT TIME ZONE 'UTC'), interval '1 month') AS d)
       SELECT months.month,
         (SELECT count(*) FROM media WHERE to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') = months.month) AS media,
         (SELECT count(*) FROM series WHERE to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') = months.month) AS series,
         (SELECT count(*) FROM victims WHERE identified AND to_char(identified_at, 'YYYY-MM') = months.month) AS victims
       FROM months ORDER BY months.month`,
      [since],
    );
    return rows.map((row) => ({
      month: row.month,
      media: n(row.media),
      series: n(row.series),
      victimsIdentified: n(row.victims),
    }));
  },
};
