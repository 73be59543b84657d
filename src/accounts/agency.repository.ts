import type { Agency, AgencyType } from '#haven/accounts/agency.types.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface AgencyRow extends Record<string, unknown> {
  id: string;
  name: string;
  country: string;
  type: AgencyType;
  contact: string | null;
  created_at: Date;
}

const toAgency = (row: AgencyRow): Agency => ({
  id: row.id,
  name: row.name,
  country: row.country,
  type: row.type,
  contact: row.contact,
  createdAt: row.created_at,
});

export const agencyRepository = {
  async insert(db: Queryable, agency: Omit<Agency, 'createdAt'>): Promise<Agency> {
    const rows = await db.query<AgencyRow>(
      `INSERT INTO agencies (id, name, country, type, contact) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [agency.id, agency.name, agency.country, agency.type, agency.contact],
    );
    return toAgency(rows[0]!);
  },

  async insertIfAbsent(db: Queryable, agency: Omit<Agency, 'createdAt'>): Promise<Agency> {
    await db.query(
      `INSERT INTO agencies (id, name, country, type, contact) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO NOTHING`,
      [agency.id, agency.name, agency.country, agency.type, agency.contact],
    );
    const rows = await db.query<AgencyRow>('SELECT * FROM agencies WHERE name = $1', [agency.name]);
    return toAgency(rows[0]!);
  },

  async get(db: Queryable, id: string): Promise<Agency | undefined> {
    const rows = await db.query<AgencyRow>('SELECT * FROM agencies WHERE id = $1', [id]);
    return rows[0] && toAgency(rows[0]);
  },

  async findByName(db: Queryable, name: string): Promise<Agency | undefined> {
    const rows = await db.query<AgencyRow>('SELECT * FROM agencies WHERE name = $1', [name]);
    return rows[0] && toAgency(rows[0]);
  },

  async list(db: Queryable): Promise<Agency[]> {
    const rows = await db.query<AgencyRow>('SELECT * FROM agencies ORDER BY name');
    return rows.map(toAgency);
  },
};
