import type { CaseRecord, Sharing } from '#haven/cases/case.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

export type { CaseRecord };

interface CaseRow extends Record<string, unknown> {
  id: string;
  reference: string;
  title: string | null;
  created_at: Date;
  created_by: string;
  agency_id: string | null;
  sharing: Sharing;
}

const toCase = (row: CaseRow): CaseRecord => ({
  id: row.id,
  reference: row.reference,
  title: row.title,
  createdAt: row.created_at,
  createdBy: row.created_by,
  agencyId: row.agency_id,
  sharing: row.sharing,
});

export const caseRepository = {
  async findByReference(db: Queryable, reference: string): Promise<CaseRecord | undefined> {
    const rows = await db.query<CaseRow>('SELECT * FROM cases WHERE reference = $1', [reference]);
    return rows[0] && toCase(rows[0]);
  },

  /** Inserts unless the reference exists; returns the stored case either way. */
  async insertIfAbsent(
    db: Queryable,
    record: { id: string; reference: string; createdBy: string; agencyId: string; title?: string | null },
  ): Promise<CaseRecord> {
    await db.query(
      `INSERT INTO cases (id, reference, created_by, agency_id, title) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (reference) DO NOTHING`,
      [record.id, record.reference, record.createdBy, record.agencyId, record.title ?? null],
    );
    const rows = await db.query<CaseRow>('SELECT * FROM cases WHERE reference = $1', [record.reference]);
    return toCase(rows[0]!);
  },

  async get(db: Queryable, id: string): Promise<CaseRecord | undefined> {
    const rows = await db.query<CaseRow>('SELECT * FROM cases WHERE id = $1', [id]);
    return rows[0] && toCase(rows[0]);
  },

  async setSharing(db: Queryable, id: string, sharing: Sharing, agencyIds: readonly string[]): Promise<void> {
    await db.query('UPDATE cases SET sharing = $2 WHERE id = $1', [id, sharing]);
    await db.query('DELETE FROM case_shares WHERE case_id = $1', [id]);
    if (sharing === 'selected' && agencyIds.length > 0) {
      await db.query(
        'INSERT INTO case_shares (case_id, agency_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
        [id, agencyIds],
      );
    }
  },

  async sharedWith(db: Queryable, id: string): Promise<string[]> {
    const rows = await db.query<{ agency_id: string }>(
      'SELECT agency_id FROM case_shares WHERE case_id = $1 ORDER BY agency_id',
      [id],
    );
    return rows.map((row) => row.agency_id);
  },

  /** Cases whose visibility condition (SQL over alias c, parameter $1) holds. */
  async listWhere(db: Queryable, condition: string, params: readonly unknown[]): Promise<CaseRecord[]> {
    const rows = await db.query<CaseRow>(
      `SELECT c.* FROM cases c WHERE ${condition} ORDER BY c.created_at, c.reference`,
      [...params],
    );
    return rows.map(toCase);
  },

  async list(db: Queryable): Promise<CaseRecord[]> {
    const rows = await db.query<CaseRow>('SELECT * FROM cases ORDER BY created_at, reference');
    return rows.map(toCase);
  },
};
