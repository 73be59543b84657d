import type { Queryable } from '#haven/platform/db/database.js';
import type {
  CountryConfidence,
  SeriesEvent,
  SeriesMediaLink,
  SeriesOfMedia,
  SeriesRecord,
  SeriesStatus,
  Sharing,
} from '#haven/series/series.types.js';

interface SeriesRow extends Record<string, unknown> {
  id: string;
  number: string;
  title: string;
  agency_id: string;
  sharing: Sharing;
  status: SeriesStatus;
  offender_identified: boolean;
  notes: string;
  probable_country: string | null;
  country_confidence: CountryConfidence | null;
  country_evidence: string | null;
  victim_identified_at: Date | null;
  victim_identified_by: string | null;
  merged_into: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const toSeries = (row: SeriesRow): SeriesRecord => ({
  id: row.id,
  number: row.number,
  title: row.title,
  agencyId: row.agency_id,
  sharing: row.sharing,
  status: row.status,
  offenderIdentified: row.offender_identified,
  notes: row.notes,
  probableCountry: row.probable_country,
  countryConfidence: row.country_confidence,
  countryEvidence: row.country_evidence,
  victimIdentifiedAt: row.victim_identified_at,
  victimIdentifiedBy: row.victim_identified_by,
  mergedInto: row.merged_into,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Columns a service may change, by their record names. */
export interface SeriesChanges {
  readonly title?: string;
  readonly notes?: string;
  readonly status?: SeriesStatus;
  readonly offenderIdentified?: boolean;
  readonly probableCountry?: string | null;
  readonly countryConfidence?: CountryConfidence | null;
  readonly countryEvidence?: string | null;
  readonly victimIdentifiedAt?: Date | null;
  readonly victimIdentifiedBy?: string | null;
  readonly mergedInto?: string | null;
}

const COLUMNS: Readonly<Record<keyof SeriesChanges, string>> = {
  title: 'title',
  notes: 'notes',
  status: 'status',
  offenderIdentified: 'offender_identified',
  probableCountry: 'probable_country',
  countryConfidence: 'country_confidence',
  countryEvidence: 'country_evidence',
  victimIdentifiedAt: 'victim_identified_at',
  victimIdentifiedBy: 'victim_identified_by',
  mergedInto: 'merged_into',
};

export interface SeriesFilter {
  readonly status?: SeriesStatus | undefined;
  readonly own?: boolean | undefined;
  readonly unidentified?: boolean | undefined;
  readonly includeMerged?: boolean | undefined;
  readonly mediaId?: string | undefined;
}

export const seriesRepository = {
  /**
   * The next number of a kind for a country and year. The upsert locks the counter row until the
   * transaction ends, so concurrent transactions (in any process) queue for it and never share a
   * number; a rolled-back transaction gives its number back.
   */
  async nextNumber(tx: Queryable, kind: string, country: string, year: number): Promise<number> {
    const rows = await tx.query<{ last: number }>(
      `INSERT INTO number_counters (kind, country, year, last) VALUES ($1, $2, $3, 1)
       ON CONFLICT (kind, country, year) DO UPDATE SET last = number_counters.last + 1
       RETURNING last`,
      [kind, country, year],
    );
    return rows[0]!.last;
  },

  async insert(
    tx: Queryable,
    record: {
      id: string;
      number: string;
      title: string;
      agencyId: string;
      sharing: Sharing;
      notes: string;
      createdBy: string;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO series (id, number, title, agency_id, sharing, notes, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        record.id,
        record.number,
        record.title,
        record.agencyId,
        record.sharing,
        record.notes,
        record.createdBy,
      ],
    );
  },

  async get(db: Queryable, id: string): Promise<SeriesRecord | undefined> {
    const rows = await db.query<SeriesRow>('SELECT * FROM series WHERE id = $1', [id]);
    return rows[0] && toSeries(rows[0]);
  },

  /** Locks the row for the rest of the transaction (status changes, merges and splits queue). */
  async getForUpdate(tx: Queryable, id: string): Promise<SeriesRecord | undefined> {
    const rows = await tx.query<SeriesRow>('SELECT * FROM series WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] && toSeries(rows[0]);
  },

  /** Whether the series exists and condition (SQL over alias s; agency in $2) holds. */
  async isVisible(db: Queryable, id: string, condition: string, agencyId: string | null): Promise<boolean> {
    const rows = await db.query(`SELECT 1 FROM series s WHERE s.id = $1 AND ${condition}`, [id, agencyId]);
    return rows.length > 0;
  },

  /** How many of the series have an identified victim. */
  async identifiedCount(db: Queryable, ids: readonly string[]): Promise<number> {
    const rows = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM series WHERE id = ANY($1::uuid[]) AND victim_identified_at IS NOT NULL',
      [ids],
    );
    return Number(rows[0]!.n);
  },

  /** The ids among `ids` whose condition (SQL over alias s; agency in $2) holds. */
  async visibleAmong(
    db: Queryable,
    ids: readonly string[],
    condition: string,
    agencyId: string | null,
  ): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `SELECT s.id FROM series s WHERE s.id = ANY($1::uuid[]) AND ${condition}`,
      [ids, agencyId],
    );
    return rows.map((row) => row.id);
  },

  /** Series whose visibility condition (SQL over alias s, agency in $1) holds, newest first. */
  async listWhere(
    db: Queryable,
    condition: string,
    agencyId: string | null,
    filter: SeriesFilter,
  ): Promise<SeriesRecord[]> {
    const params: unknown[] = [agencyId];
    const where = [condition];
    if (!filter.includeMerged) {
      where.push('s.merged_into IS NULL');
    }
    if (filter.status) {
      params.push(filter.status);
      where.push(`s.status = $${params.length}`);
    }
    if (filter.own && agencyId !== null) {
      where.push('s.agency_id = $1::uuid');
    }
    if (filter.unidentified) {
      where.push('s.victim_identified_at IS NULL');
    }
    if (filter.mediaId) {
      params.push(filter.mediaId);
      where.push(
        `EXISTS (SELECT 1 FROM series_media m WHERE m.series_id = s.id AND m.media_id = $${params.length})`,
      );
    }
    const rows = await db.query<SeriesRow>(
      `SELECT s.* FROM series s WHERE ${where.join(' AND ')} ORDER BY s.created_at DESC, s.number DESC`,
      params,
    );
    return rows.map(toSeries);
  },

  async update(tx: Queryable, id: string, changes: SeriesChanges): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, column] of Object.entries(COLUMNS) as [keyof SeriesChanges, string][]) {
      if (changes[key] !== undefined) {
        params.push(changes[key]);
        sets.push(`${column} = $${params.length}`);
      }
    }
    await tx.query(`UPDATE series SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`, params);
  },

  async setSharing(tx: Queryable, id: string, sharing: Sharing, agencyIds: readonly string[]): Promise<void> {
    await tx.query('UPDATE series SET sharing = $2, updated_at = now() WHERE id = $1', [id, sharing]);
    await tx.query('DELETE FROM series_shares WHERE series_id = $1', [id]);
    if (sharing === 'selected' && agencyIds.length > 0) {
      await tx.query(
        'INSERT INTO series_shares (series_id, agency_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
        [id, agencyIds],
      );
    }
  },

  async sharedWith(db: Queryable, id: string): Promise<string[]> {
    const rows = await db.query<{ agency_id: string }>(
      'SELECT agency_id FROM series_shares WHERE series_id = $1 ORDER BY agency_id',
      [id],
    );
    return rows.map((row) => row.agency_id);
  },

  /** Adds media (already linked ones are skipped); returns the ids it added. */
  async addMedia(tx: Queryable, id: string, mediaIds: readonly string[], addedBy: string): Promise<string[]> {
    const rows = await tx.query<{ media_id: string }>(
      `INSERT INTO series_media (series_id, media_id, added_by) SELECT $1, unnest($2::uuid[]), $3
       ON CONFLICT DO NOTHING RETURNING media_id`,
      [id, mediaIds, addedBy],
    );
    return rows.map((row) => row.media_id);
  },

  async removeMedia(tx: Queryable, id: string, mediaIds: readonly string[]): Promise<string[]> {
    const rows = await tx.query<{ media_id: string }>(
      'DELETE FROM series_media WHERE series_id = $1 AND media_id = ANY($2::uuid[]) RETURNING media_id',
      [id, mediaIds],
    );
    return rows.map((row) => row.media_id);
  },

  async media(db: Queryable, id: string): Promise<SeriesMediaLink[]> {
    const rows = await db.query<{ media_id: string; added_at: Date; added_by: string }>(
      'SELECT media_id, added_at, added_by FROM series_media WHERE series_id = $1 ORDER BY added_at, media_id',
      [id],
    );
    return rows.map((row) => ({ mediaId: row.media_id, addedAt: row.added_at, addedBy: row.added_by }));
  },

  async mediaCounts(db: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await db.query<{ series_id: string; n: string }>(
      'SELECT series_id, count(*) AS n FROM series_media WHERE series_id = ANY($1::uuid[]) GROUP BY series_id',
      [ids],
    );
    return new Map(rows.map((row) => [row.series_id, Number(row.n)]));
  },

  /** Moves every link and attachment of `from` to `to` (a merge), leaving `from` empty. */
  async moveAll(tx: Queryable, from: string, to: string): Promise<void> {
    await tx.query(
      `INSERT INTO series_media (series_id, media_id, added_at, added_by)
       SELECT $2, media_id, added_at, added_by FROM series_media WHERE series_id = $1 ON CONFLICT DO NOTHING`,
      [from, to],
    );
    await tx.query('DELETE FROM series_media WHERE series_id = $1', [from]);
    for (const [table, key] of [
      ['series_victims', 'victim_id'],
      ['series_offenders', 'offender_id'],
    ] as const) {
      await tx.query(
        `INSERT INTO ${table} (series_id, ${key}) SELECT $2, ${key} FROM ${table} WHERE series_id = $1
         ON CONFLICT DO NOTHING`,
        [from, to],
      );
      await tx.query(`DELETE FROM ${table} WHERE series_id = $1`, [from]);
    }
    for (const table of ['clues', 'places', 'series_comments']) {
      await tx.query(`UPDATE ${table} SET series_id = $2 WHERE series_id = $1`, [from, to]);
    }
  },

  /** Moves some media, and the clues and places drawn on them, from one series to another (a split). */
  async moveMedia(tx: Queryable, from: string, to: string, mediaIds: readonly string[]): Promise<void> {
    await tx.query(
      `UPDATE series_media SET series_id = $2 WHERE series_id = $1 AND media_id = ANY($3::uuid[])`,
      [from, to, mediaIds],
    );
    for (const table of ['clues', 'places']) {
      await tx.query(
        `UPDATE ${table} SET series_id = $2 WHERE series_id = $1 AND media_id = ANY($3::uuid[])`,
        [from, to, mediaIds],
      );
    }
  },

  async addEvent(
    tx: Queryable,
    event: { seriesId: string; kind: string; agencyId: string | null; actorName: string; details: object },
  ): Promise<void> {
    await tx.query(
      'INSERT INTO series_events (series_id, kind, agency_id, actor_name, details) VALUES ($1, $2, $3, $4, $5)',
      [event.seriesId, event.kind, event.agencyId, event.actorName, JSON.stringify(event.details)],
    );
  },

  async events(db: Queryable, id: string): Promise<SeriesEvent[]> {
    const rows = await db.query<{
      id: string;
      kind: string;
      agency_id: string | null;
      actor_name: string;
      details: Record<string, unknown>;
      at: Date;
    }>('SELECT * FROM series_events WHERE series_id = $1 ORDER BY id', [id]);
    return rows.map((row) => ({
      id: Number(row.id),
      kind: row.kind,
      agencyId: row.agency_id,
      actorName: row.actor_name,
      details: row.details,
      at: row.at,
    }));
  },

  /** Every live series holding any of the media, with its owner and who identified its victim. */
  async ofMedia(db: Queryable, mediaIds: readonly string[]): Promise<SeriesOfMedia[]> {
    if (mediaIds.length === 0) {
      return [];
    }
    const rows = await db.query<
      SeriesRow & {
        media_id: string;
        owner_name: string;
        owner_country: string;
        owner_contact: string | null;
        identifier_name: string | null;
        identifier_country: string | null;
      }
    >(
      `SELECT s.*, m.media_id, a.name AS owner_name, a.country AS owner_country, a.contact AS owner_contact,
              i.name AS identifier_name, i.country AS identifier_country
       FROM series_media m JOIN series s ON s.id = m.series_id JOIN agencies a ON a.id = s.agency_id
       LEFT JOIN agencies i ON i.id = s.victim_identified_by
       WHERE m.media_id = ANY($1::uuid[]) AND s.merged_into IS NULL ORDER BY s.number`,
      [mediaIds],
    );
    return rows.map((row) => ({
      mediaId: row.media_id,
      series: toSeries(row),
      owner: { name: row.owner_name, country: row.owner_country, contact: row.owner_contact },
      identifiedBy:
        row.identifier_name === null ? null : { name: row.identifier_name, country: row.identifier_country! },
    }));
  },

  /** The owner and the agencies the series is explicitly shared with (whom its news concerns). */
  async interestedAgencies(db: Queryable, id: string): Promise<string[]> {
    const rows = await db.query<{ agency_id: string }>(
      `SELECT agency_id FROM series_shares WHERE series_id = $1
       UNION SELECT agency_id FROM series WHERE id = $1`,
      [id],
    );
    return rows.map((row) => row.agency_id);
  },
};
