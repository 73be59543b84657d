import type { CaseRecord } from '#haven/cases/case.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

export type { CaseRecord };

interface CaseRow extends Record<string, unknown> {
  id: string;
  reference: string;
  title: string | null;
  created_at: Date;
  created_by: string;
}

const toCase = (row: CaseRow): CaseRecord => ({
  id: row.id,
  reference: row.reference,
  title: row.title,
  createdAt: row.created_at,
  createdBy: row.created_by,
});

export const caseRepository = {
  async findByReference(db: Queryable, reference: string): Promise<CaseRecord | undefined> {
    const rows = await db.query<CaseRow>('SELECT * FROM cases WHERE reference = $1', [reference]);
    return rows[0] && toCase(rows[0]);
  },

  /** Inserts unless the reference exists; returns the stored case either way. */
  async insertIfAbsent(
    db: Queryable,
    record: { id: string; reference: string; createdBy: string },
  ): Promise<CaseRecord> {
    await db.query(
      `INSERT INTO cases (id, reference, created_by) VALUES ($1, $2, $3) ON CONFLICT (reference) DO NOTHING`,
      [record.id, record.reference, record.createdBy],
    );
    const rows = await db.query<CaseRow>('SELECT * FROM cases WHERE reference = $1', [record.reference]);
    return toCase(rows[0]!);
  },

  async list(db: Queryable): Promise<CaseRecord[]> {
    const rows = await db.query<CaseRow>('SELECT * FROM cases ORDER BY created_at, reference');
    return rows.map(toCase);
  },
};
