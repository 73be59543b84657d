import type { AppealOutcome, AppealRecord, AppealState, AppealTexts } from '#haven/appeals/appeal.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import type { AppealPerson, AppealType } from '#haven/portal/exchange/portal-exchange.js';

interface AppealRow extends Record<string, unknown> {
  id: string;
  public_id: string;
  agency_id: string;
  type: AppealType;
  state: AppealState;
  texts: AppealTexts;
  person: AppealPerson | null;
  country: string | null;
  region: string;
  series_id: string | null;
  clue_id: string | null;
  image_width: number;
  image_height: number;
  proposed_by: string;
  proposed_by_name: string;
  proposed_at: Date;
  reviewed_by_name: string | null;
  reviewed_at: Date | null;
  review_note: string;
  published_at: Date | null;
  unpublished_at: Date | null;
  unpublished_by_name: string | null;
  country_found: string | null;
  object_identified: boolean;
  children_identified: number;
}

const COLUMNS = `id, public_id, agency_id, type, state, texts, person, country, region, series_id, clue_id,
  image_width, image_height, proposed_by, proposed_by_name, proposed_at, reviewed_by_name, reviewed_at,
  review_note, published_at, unpublished_at, unpublished_by_name, country_found, object_identified,
  children_identified`;

const toAppeal = (row: AppealRow): AppealRecord => ({
  id: row.id,
  publicId: row.public_id,
  agencyId: row.agency_id,
  type: row.type,
  state: row.state,
  texts: row.texts,
  person: row.person,
  country: row.country,
  region: row.region,
  seriesId: row.series_id,
  clueId: row.clue_id,
  imageWidth: row.image_width,
  imageHeight: row.image_height,
  proposedBy: row.proposed_by,
  proposedByName: row.proposed_by_name,
  proposedAt: row.proposed_at,
  reviewedByName: row.reviewed_by_name,
  reviewedAt: row.reviewed_at,
  reviewNote: row.review_note,
  publishedAt: row.published_at,
  unpublishedAt: row.unpublished_at,
  unpublishedByName: row.unpublished_by_name,
  countryFound: row.country_found,
  objectIdentified: row.object_identified,
  childrenIdentified: row.children_identified,
});

export interface AppealDraft {
  readonly id: string;
  readonly publicId: string;
  readonly agencyId: string;
  readonly type: AppealType;
  readonly texts: AppealTexts;
  readonly person: AppealPerson | null;
  readonly country: string | null;
  readonly region: string;
  readonly seriesId: string | null;
  readonly clueId: string | null;
  readonly image: Buffer;
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly proposedBy: string;
  readonly proposedByName: string;
}

export const appealRepository = {
  async insert(tx: Queryable, draft: AppealDraft): Promise<void> {
    await tx.query(
      `INSERT INTO appeals (id, public_id, agency_id, type, texts, person, country, region, series_id, clue_id,
         image, image_width, image_height, proposed_by, proposed_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        draft.id,
        draft.publicId,
        draft.agencyId,
        draft.type,
        JSON.stringify(draft.texts),
        draft.person === null ? null : JSON.stringify(draft.person),
        draft.country,
        draft.region,
        draft.seriesId,
        draft.clueId,
        draft.image,
        draft.imageWidth,
        draft.imageHeight,
        draft.proposedBy,
        draft.proposedByName,
      ],
    );
  },

  async get(db: Queryable, id: string, forUpdate = false): Promise<AppealRecord | undefined> {
    const rows = await db.query<AppealRow>(
      `SELECT ${COLUMNS} FROM appeals WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] && toAppeal(rows[0]);
  },

  async byPublicId(db: Queryable, publicId: string): Promise<AppealRecord | undefined> {
    const rows = await db.query<AppealRow>(`SELECT ${COLUMNS} FROM appeals WHERE public_id = $1`, [publicId]);
    return rows[0] && toAppeal(rows[0]);
  },

  async image(db: Queryable, id: string): Promise<Buffer | undefined> {
    const rows = await db.query<{ image: Uint8Array }>('SELECT image FROM appeals WHERE id = $1', [id]);
    return rows[0] && Buffer.from(rows[0].image);
  },

  async ofAgency(db: Queryable, agencyId: string, state: AppealState | undefined): Promise<AppealRecord[]> {
    const rows = await db.query<AppealRow>(
      `SELECT ${COLUMNS} FROM appeals WHERE agency_id = $1 AND ($2::text IS NULL OR state = $2)
       ORDER BY proposed_at DESC, id`,
      [agencyId, state ?? null],
    );
    return rows.map(toAppeal);
  },

  async review(
    tx: Queryable,
    id: string,
    change: { state: 'live' | 'rejected'; reviewerId: string; reviewerName: string; note: string },
  ): Promise<void> {
    await tx.query(
      `UPDATE appeals SET state = $2, reviewed_by = $3, reviewed_by_name = $4, reviewed_at = now(), review_note = $5,
         published_at = CASE WHEN $2 = 'live' THEN now() ELSE NULL END
       WHERE id = $1`,
      [id, change.state, change.reviewerId, change.reviewerName, change.note],
    );
  },

  async unpublish(tx: Queryable, id: string, byName: string): Promise<void> {
    await tx.query(
      `UPDATE appeals SET state = 'unpublished', unpublished_at = now(), unpublished_by_name = $2 WHERE id = $1`,
      [id, byName],
    );
  },

  async setOutcome(tx: Queryable, id: string, outcome: AppealOutcome): Promise<void> {
    await tx.query(
      `UPDATE appeals SET country_found = $2, object_identified = $3, children_identified = $4 WHERE id = $1`,
      [id, outcome.countryFound, outcome.objectIdentified, outcome.childrenIdentified],
    );
  },

  /** Live appeals with their pictures, to rebuild the portal folder. */
  async live(db: Queryable): Promise<(AppealRecord & { image: Buffer })[]> {
    const rows = await db.query<AppealRow & { image: Uint8Array }>(
      `SELECT ${COLUMNS}, image FROM appeals WHERE state = 'live' ORDER BY published_at, id`,
    );
    return rows.map((row) => ({ ...toAppeal(row), image: Buffer.from(row.image) }));
  },

  /** The public figures: appeals ever published, appeals whose country was found, children identified. */
  async figures(
    db: Queryable,
  ): Promise<{ published: number; countriesFound: number; childrenIdentified: number }> {
    const rows = await db.query<{ published: number; countries_found: number; children: number }>(
      `SELECT count(*) FILTER (WHERE a.published_at IS NOT NULL)::int AS published,
         count(*) FILTER (WHERE a.country_found IS NOT NULL OR EXISTS (
           SELECT 1 FROM tips t WHERE t.appeal_id = a.id AND t.outcome = 'country_narrowed'))::int AS countries_found,
         coalesce(sum(a.children_identified), 0)::int AS children
       FROM appeals a`,
    );
    const row = rows[0]!;
    return {
      published: row.published,
      countriesFound: row.countries_found,
      childrenIdentified: row.children,
    };
  },
};
