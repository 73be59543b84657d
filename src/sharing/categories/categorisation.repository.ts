import type { Queryable } from '#haven/platform/db/database.js';

export interface Categorisation {
  readonly scheme: string;
  readonly code: string;
  readonly baseline: boolean;
  readonly note: string | null;
  readonly decidedBy: string;
  readonly agencyId: string | null;
  readonly decidedAt: Date;
}

/** Categorisations of held media: appended, never updated (the history is the record). */
export const categorisationRepository = {
  async insert(
    tx: Queryable,
    row: {
      mediaId: string;
      scheme: string;
      code: string;
      baseline: boolean;
      note: string | null;
      by: string;
      agencyId: string | null;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO categorisations (media_id, scheme, code, baseline, note, decided_by, agency_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.mediaId, row.scheme, row.code, row.baseline, row.note, row.by, row.agencyId],
    );
  },

  async historyOfMedia(db: Queryable, mediaId: string): Promise<Categorisation[]> {
    const rows = await db.query<{
      scheme: string;
      code: string;
      baseline: boolean;
      note: string | null;
      decided_by: string;
      agency_id: string | null;
      decided_at: Date;
    }>(
      `SELECT scheme, code, baseline, note, decided_by, agency_id, decided_at FROM categorisations
        WHERE media_id = $1 ORDER BY decided_at, id`,
      [mediaId],
    );
    return rows.map((row) => ({
      scheme: row.scheme,
      code: row.code,
      baseline: row.baseline,
      note: row.note,
      decidedBy: row.decided_by,
      agencyId: row.agency_id,
      decidedAt: row.decided_at,
    }));
  },
};
