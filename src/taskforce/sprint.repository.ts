import type { Queryable } from '#haven/platform/db/database.js';
import type { AssignmentRecord, SprintOutcome, SprintRecord } from '#haven/taskforce/sprint.types.js';

interface SprintRow extends Record<string, unknown> {
  id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  agency_id: string;
  created_by: string;
  created_at: Date;
  agencies: string[] | null;
}

interface AssignmentRow extends Record<string, unknown> {
  sprint_id: string;
  series_id: string;
  assigned_agency_id: string;
  outcome: SprintOutcome;
  probable_country: string | null;
  note: string;
  evaluated_at: Date | null;
  evaluated_by: string | null;
  disseminated_at: Date | null;
}

const toSprint = (row: SprintRow): SprintRecord => ({
  id: row.id,
  name: row.name,
  startsOn: row.starts_on,
  endsOn: row.ends_on,
  agencyId: row.agency_id,
  createdBy: row.created_by,
  createdAt: row.created_at,
  agencies: row.agencies ?? [],
});

const toAssignment = (row: AssignmentRow): AssignmentRecord => ({
  sprintId: row.sprint_id,
  seriesId: row.series_id,
  assignedAgencyId: row.assigned_agency_id,
  outcome: row.outcome,
  probableCountry: row.probable_country,
  note: row.note,
  evaluatedAt: row.evaluated_at,
  evaluatedBy: row.evaluated_by,
  disseminatedAt: row.disseminated_at,
});

const SELECT_SPRINT = `SELECT p.id, p.name, p.starts_on::text AS starts_on, p.ends_on::text AS ends_on, p.agency_id,
    p.created_by, p.created_at,
    (SELECT array_agg(a.agency_id ORDER BY a.agency_id) FROM sprint_agencies a WHERE a.sprint_id = p.id) AS agencies
  FROM sprints p`;

export const sprintRepository = {
  async insert(
    tx: Queryable,
    sprint: {
      id: string;
      name: string;
      startsOn: string;
      endsOn: string;
      agencyId: string;
      createdBy: string;
    },
    agencies: readonly string[],
  ): Promise<void> {
    await tx.query(
      'INSERT INTO sprints (id, name, starts_on, ends_on, agency_id, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
      [sprint.id, sprint.name, sprint.startsOn, sprint.endsOn, sprint.agencyId, sprint.createdBy],
    );
    await tx.query(
      'INSERT INTO sprint_agencies (sprint_id, agency_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
      [sprint.id, agencies],
    );
  },

  async get(db: Queryable, id: string): Promise<SprintRecord | undefined> {
    const rows = await db.query<SprintRow>(`${SELECT_SPRINT} WHERE p.id = $1`, [id]);
    return rows[0] && toSprint(rows[0]);
  },

  /** Sprints an agency coordinates or takes part in (every sprint for NULL), newest first. */
  async listFor(db: Queryable, agencyId: string | null): Promise<SprintRecord[]> {
    const rows = await db.query<SprintRow>(
      `${SELECT_SPRINT} WHERE $1::uuid IS NULL OR p.agency_id = $1::uuid
         OR EXISTS (SELECT 1 FROM sprint_agencies a WHERE a.sprint_id = p.id AND a.agency_id = $1::uuid)
       ORDER BY p.starts_on DESC, p.created_at DESC`,
      [agencyId],
    );
    return rows.map(toSprint);
  },

  async assign(tx: Queryable, sprintId: string, seriesId: string, agencyId: string): Promise<void> {
    await tx.query(
      `INSERT INTO sprint_series (sprint_id, series_id, assigned_agency_id) VALUES ($1, $2, $3)
       ON CONFLICT (sprint_id, series_id) DO UPDATE SET assigned_agency_id = EXCLUDED.assigned_agency_id`,
      [sprintId, seriesId, agencyId],
    );
  },

  async assignment(db: Queryable, sprintId: string, seriesId: string): Promise<AssignmentRecord | undefined> {
    const rows = await db.query<AssignmentRow>(
      'SELECT * FROM sprint_series WHERE sprint_id = $1 AND series_id = $2',
      [sprintId, seriesId],
    );
    return rows[0] && toAssignment(rows[0]);
  },

  async assignments(db: Queryable, sprintId: string): Promise<AssignmentRecord[]> {
    const rows = await db.query<AssignmentRow>(
      'SELECT * FROM sprint_series WHERE sprint_id = $1 ORDER BY series_id',
      [sprintId],
    );
    return rows.map(toAssignment);
  },

  async recordOutcome(
    tx: Queryable,
    sprintId: string,
    seriesId: string,
    outcome: { outcome: SprintOutcome; probableCountry: string | null; note: string; by: string },
  ): Promise<void> {
    await tx.query(
      `UPDATE sprint_series SET outcome = $3, probable_country = $4, note = $5, evaluated_by = $6, evaluated_at = now()
       WHERE sprint_id = $1 AND series_id = $2`,
      [sprintId, seriesId, outcome.outcome, outcome.probableCountry, outcome.note, outcome.by],
    );
  },

  async markDisseminated(tx: Queryable, sprintId: string, seriesIds: readonly string[]): Promise<void> {
    await tx.query(
      `UPDATE sprint_series SET disseminated_at = now()
       WHERE sprint_id = $1 AND series_id = ANY($2::uuid[]) AND disseminated_at IS NULL`,
      [sprintId, seriesIds],
    );
  },
};
