import type { ClueKind, ClueRecord } from '#haven/clues/clue.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface ClueRow extends Record<string, unknown> {
  id: string;
  series_id: string;
  media_id: string;
  agency_id: string;
  kind: ClueKind;
  x: number;
  y: number;
  width: number;
  height: number;
  note: string;
  created_by: string;
  created_at: Date;
}

const toClue = (row: ClueRow): ClueRecord => ({
  id: row.id,
  seriesId: row.series_id,
  mediaId: row.media_id,
  agencyId: row.agency_id,
  kind: row.kind,
  rect: { x: row.x, y: row.y, width: row.width, height: row.height },
  note: row.note,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

export const clueRepository = {
  async insert(tx: Queryable, clue: Omit<ClueRecord, 'createdAt'>): Promise<void> {
    await tx.query(
      `INSERT INTO clues (id, series_id, media_id, agency_id, kind, x, y, width, height, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        clue.id,
        clue.seriesId,
        clue.mediaId,
        clue.agencyId,
        clue.kind,
        clue.rect.x,
        clue.rect.y,
        clue.rect.width,
        clue.rect.height,
        clue.note,
        clue.createdBy,
      ],
    );
  },

  async get(db: Queryable, id: string): Promise<ClueRecord | undefined> {
    const rows = await db.query<ClueRow>('SELECT * FROM clues WHERE id = $1', [id]);
    return rows[0] && toClue(rows[0]);
  },

  async ofSeries(db: Queryable, seriesIds: readonly string[]): Promise<ClueRecord[]> {
    const rows = await db.query<ClueRow>(
      'SELECT * FROM clues WHERE series_id = ANY($1::uuid[]) ORDER BY created_at, id',
      [seriesIds],
    );
    return rows.map(toClue);
  },

  async delete(tx: Queryable, id: string): Promise<void> {
    await tx.query('DELETE FROM clues WHERE id = $1', [id]);
  },
};
