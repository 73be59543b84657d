import type { PersonFields, PersonKind, PersonRecord, Sex } from '#haven/people/people.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface PersonRow extends Record<string, unknown> {
  id: string;
  code: string;
  agency_id: string;
  identified: boolean;
  notes: string;
  created_at: Date;
  series_ids: string[] | null;
  sex?: Sex;
  age_min?: number | null;
  age_max?: number | null;
  identified_by?: string | null;
  identified_at?: string | null;
  safeguarded_at?: string | null;
  arrested_at?: string | null;
}

const TABLES = {
  victim: { table: 'victims', links: 'series_victims', key: 'victim_id' },
  offender: { table: 'offenders', links: 'series_offenders', key: 'offender_id' },
} as const;

const COLUMNS: Readonly<Record<keyof PersonFields, string>> = {
  notes: 'notes',
  sex: 'sex',
  ageMin: 'age_min',
  ageMax: 'age_max',
  identified: 'identified',
  identifiedAt: 'identified_at',
  safeguardedAt: 'safeguarded_at',
  arrestedAt: 'arrested_at',
};

const toPerson = (kind: PersonKind, row: PersonRow): PersonRecord => ({
  kind,
  id: row.id,
  code: row.code,
  agencyId: row.agency_id,
  identified: row.identified,
  notes: row.notes,
  createdAt: row.created_at,
  seriesIds: row.series_ids ?? [],
  sex: row.sex ?? null,
  ageMin: row.age_min ?? null,
  ageMax: row.age_max ?? null,
  identifiedBy: row.identified_by ?? null,
  identifiedAt: row.identified_at ?? null,
  safeguardedAt: row.safeguarded_at ?? null,
  arrestedAt: row.arrested_at ?? null,
});

/** Dates come back as text so that a calendar day never shifts with a time zone. */
const SELECT = (kind: PersonKind): string => {
  const { table, links, key } = TABLES[kind];
  const dates =
    kind === 'victim'
      ? `, p.identified_at::text AS identified_at, p.safeguarded_at::text AS safeguarded_at`
      : `, p.arrested_at::text AS arrested_at`;
  return `SELECT p.*${dates},
            (SELECT array_agg(l.series_id ORDER BY l.series_id) FROM ${links} l WHERE l.${key} = p.id) AS series_ids
          FROM ${table} p`;
};

export const peopleRepository = {
  async insert(
    tx: Queryable,
    kind: PersonKind,
    person: { id: string; code: string; agencyId: string; fields: PersonFields },
  ): Promise<void> {
    const { table } = TABLES[kind];
    await tx.query(
      `INSERT INTO ${table} (id, code, agency_id${kind === 'victim' ? ', sex' : ''}) VALUES ($1, $2, $3${kind === 'victim' ? ', $4' : ''})`,
      [
        person.id,
        person.code,
        person.agencyId,
        ...(kind === 'victim' ? [person.fields.sex ?? 'unknown'] : []),
      ],
    );
    await peopleRepository.update(tx, kind, person.id, person.fields);
  },

  async codeInUse(db: Queryable, kind: PersonKind, code: string): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM ${TABLES[kind].table} WHERE code = $1`, [code])).length > 0;
  },

  async update(
    tx: Queryable,
    kind: PersonKind,
    id: string,
    fields: PersonFields & { identifiedBy?: string | null },
  ): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const columns: Record<string, string> = { ...COLUMNS, identifiedBy: 'identified_by' };
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined && columns[name]) {
        params.push(value);
        sets.push(`${columns[name]} = $${params.length}`);
      }
    }
    if (sets.length > 0) {
      await tx.query(`UPDATE ${TABLES[kind].table} SET ${sets.join(', ')} WHERE id = $1`, params);
    }
  },

  async get(db: Queryable, kind: PersonKind, id: string): Promise<PersonRecord | undefined> {
    const rows = await db.query<PersonRow>(`${SELECT(kind)} WHERE p.id = $1`, [id]);
    return rows[0] && toPerson(kind, rows[0]);
  },

  /**
   * People visible to an agency ($1; NULL: everyone): its own, and those linked to a series
   * visible to it (`seriesVisible`: SQL over alias s, agency in $1), optionally of one series.
   */
  async listVisible(
    db: Queryable,
    kind: PersonKind,
    seriesVisible: string,
    agencyId: string | null,
    options: { id?: string | undefined; seriesId?: string | undefined },
  ): Promise<PersonRecord[]> {
    const { links, key } = TABLES[kind];
    const params: unknown[] = [agencyId];
    const where = [
      `($1::uuid IS NULL OR p.agency_id = $1::uuid OR EXISTS (
         SELECT 1 FROM ${links} v JOIN series s ON s.id = v.series_id WHERE v.${key} = p.id AND ${seriesVisible}))`,
    ];
    if (options.id) {
      params.push(options.id);
      where.push(`p.id = $${params.length}`);
    }
    if (options.seriesId) {
      params.push(options.seriesId);
      where.push(
        `EXISTS (SELECT 1 FROM ${links} w WHERE w.${key} = p.id AND w.series_id = $${params.length})`,
      );
    }
    const rows = await db.query<PersonRow>(
      `${SELECT(kind)} WHERE ${where.join(' AND ')} ORDER BY p.code`,
      params,
    );
    return rows.map((row) => toPerson(kind, row));
  },

  async link(tx: Queryable, kind: PersonKind, seriesId: string, personId: string): Promise<boolean> {
    const { links, key } = TABLES[kind];
    const rows = await tx.query(
      `INSERT INTO ${links} (series_id, ${key}) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING series_id`,
      [seriesId, personId],
    );
    return rows.length > 0;
  },

  async unlink(tx: Queryable, kind: PersonKind, seriesId: string, personId: string): Promise<boolean> {
    const { links, key } = TABLES[kind];
    const rows = await tx.query(
      `DELETE FROM ${links} WHERE series_id = $1 AND ${key} = $2 RETURNING series_id`,
      [seriesId, personId],
    );
    return rows.length > 0;
  },
};
