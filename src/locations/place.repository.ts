import type { Queryable } from '#haven/platform/db/database.js';

export interface PlaceRecord {
  readonly id: string;
  readonly seriesId: string;
  readonly mediaId: string | null;
  readonly agencyId: string;
  readonly description: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly country: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

interface PlaceRow extends Record<string, unknown> {
  id: string;
  series_id: string;
  media_id: string | null;
  agency_id: string;
  description: string;
  latitude: number | null;
  longitude: number | null;
  country: string | null;
  created_by: string;
  created_at: Date;
}

const toPlace = (row: PlaceRow): PlaceRecord => ({
  id: row.id,
  seriesId: row.series_id,
  mediaId: row.media_id,
  agencyId: row.agency_id,
  description: row.description,
  latitude: row.latitude,
  longitude: row.longitude,
  country: row.country,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

export const placeRepository = {
  async insert(tx: Queryable, place: Omit<PlaceRecord, 'createdAt'>): Promise<void> {
    await tx.query(
      `INSERT INTO places (id, series_id, media_id, agency_id, description, latitude, longitude, country, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        place.id,
        place.seriesId,
        place.mediaId,
        place.agencyId,
        place.description,
        place.latitude,
        place.longitude,
        place.country,
        place.createdBy,
      ],
    );
  },

  async get(db: Queryable, id: string): Promise<PlaceRecord | undefined> {
    const rows = await db.query<PlaceRow>('SELECT * FROM places WHERE id = $1', [id]);
    return rows[0] && toPlace(rows[0]);
  },

  async ofSeries(db: Queryable, seriesId: string): Promise<PlaceRecord[]> {
    const rows = await db.query<PlaceRow>(
      'SELECT * FROM places WHERE series_id = $1 ORDER BY created_at, id',
      [seriesId],
    );
    return rows.map(toPlace);
  },

  async delete(tx: Queryable, id: string): Promise<void> {
    await tx.query('DELETE FROM places WHERE id = $1', [id]);
  },
};
