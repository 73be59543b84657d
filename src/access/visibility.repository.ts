import type { Queryable } from '#haven/platform/db/database.js';

/**
 * The sharing rule in SQL, in one place: a case is visible to an agency that owns it, to every
 * agency when shared with the network, and to listed agencies when shared with selected ones.
 * `$agency` NULL means an unscoped actor (the system; see sharingScopeOf).
 */
const SHARED_VISIBLE = (
  alias: string,
  agencyParam: string,
  shares: { table: string; key: string },
): string => `(
  ${agencyParam}::uuid IS NULL OR ${alias}.agency_id = ${agencyParam}::uuid OR ${alias}.sharing = 'network'
  OR (${alias}.sharing = 'selected' AND EXISTS (
        SELECT 1 FROM ${shares.table} ${alias}_sh WHERE ${alias}_sh.${shares.key} = ${alias}.id
          AND ${alias}_sh.agency_id = ${agencyParam}::uuid)))`;

const CASE_VISIBLE = (caseAlias: string, agencyParam: string): string =>
  SHARED_VISIBLE(caseAlias, agencyParam, { table: 'case_shares', key: 'case_id' });

/** Series follow the same rule as cases, over their own owner, level and share list. */
const SERIES_VISIBLE = (seriesAlias: string, agencyParam: string): string =>
  SHARED_VISIBLE(seriesAlias, agencyParam, { table: 'series_shares', key: 'series_id' });

export const visibilityRepository = {
  async caseVisible(db: Queryable, caseId: string, agencyId: string | null): Promise<boolean> {
    const rows = await db.query(`SELECT 1 FROM cases c WHERE c.id = $1 AND ${CASE_VISIBLE('c', '$2')}`, [
      caseId,
      agencyId,
    ]);
    return rows.length > 0;
  },

  /** The media among `ids` that occur in at least one case visible to the agency. */
  async visibleMedia(db: Queryable, ids: readonly string[], agencyId: string | null): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    const rows = await db.query<{ media_id: string }>(
      `SELECT DISTINCT f.media_id FROM media_files f JOIN cases c ON c.id = f.case_id
       WHERE f.media_id = ANY($1::uuid[]) AND ${CASE_VISIBLE('c', '$2')}`,
      [ids, agencyId],
    );
    return new Set(rows.map((row) => row.media_id));
  },

  /** For each medium, the references of the cases holding it that the agency may see. */
  async visibleCaseReferences(
    db: Queryable,
    ids: readonly string[],
    agencyId: string | null,
  ): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    if (ids.length === 0) {
      return result;
    }
    const rows = await db.query<{ media_id: string; reference: string }>(
      `SELECT DISTINCT f.media_id, c.reference FROM media_files f JOIN cases c ON c.id = f.case_id
       WHERE f.media_id = ANY($1::uuid[]) AND ${CASE_VISIBLE('c', '$2')} ORDER BY c.reference`,
      [ids, agencyId],
    );
    for (const row of rows) {
      result.set(row.media_id, [...(result.get(row.media_id) ?? []), row.reference]);
    }
    return result;
  },

  /** The agencies holding each medium (where a specialist can ask about a match they may not see). */
  async holders(
    db: Queryable,
    ids: readonly string[],
  ): Promise<Map<string, { name: string; country: string; contact: string | null }[]>> {
    const result = new Map<string, { name: string; country: string; contact: string | null }[]>();
    if (ids.length === 0) {
      return result;
    }
    const rows = await db.query<{ media_id: string; name: string; country: string; contact: string | null }>(
      `SELECT DISTINCT f.media_id, a.name, a.country, a.contact FROM media_files f
       JOIN cases c ON c.id = f.case_id JOIN agencies a ON a.id = c.agency_id
       WHERE f.media_id = ANY($1::uuid[]) ORDER BY a.name`,
      [ids],
    );
    for (const row of rows) {
      const list = result.get(row.media_id) ?? [];
      list.push({ name: row.name, country: row.country, contact: row.contact });
      result.set(row.media_id, list);
    }
    return result;
  },

  /** SQL condition (for other repositories' queries) that case alias `c` is visible to param `$n`. */
  caseVisibleSql: CASE_VISIBLE,

  /** SQL condition that series alias `s` is visible to param `$n` (the same rule as cases). */
  seriesVisibleSql: SERIES_VISIBLE,
};
