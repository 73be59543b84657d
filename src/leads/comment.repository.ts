import type { Queryable } from '#haven/platform/db/database.js';

export type CommentKind = 'comment' | 'lead';

export interface CommentRecord {
  readonly id: string;
  readonly seriesId: string;
  readonly parentId: string | null;
  readonly kind: CommentKind;
  readonly agencyId: string;
  readonly authorName: string;
  readonly body: string;
  readonly mentions: readonly string[];
  readonly createdAt: Date;
}

interface CommentRow extends Record<string, unknown> {
  id: string;
  series_id: string;
  parent_id: string | null;
  kind: CommentKind;
  agency_id: string;
  author_name: string;
  body: string;
  mentions: string[];
  created_at: Date;
}

const toComment = (row: CommentRow): CommentRecord => ({
  id: row.id,
  seriesId: row.series_id,
  parentId: row.parent_id,
  kind: row.kind,
  agencyId: row.agency_id,
  authorName: row.author_name,
  body: row.body,
  mentions: row.mentions,
  createdAt: row.created_at,
});

export const commentRepository = {
  async insert(tx: Queryable, comment: Omit<CommentRecord, 'createdAt'>): Promise<void> {
    await tx.query(
      `INSERT INTO series_comments (id, series_id, parent_id, kind, agency_id, author_name, body, mentions)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[])`,
      [
        comment.id,
        comment.seriesId,
        comment.parentId,
        comment.kind,
        comment.agencyId,
        comment.authorName,
        comment.body,
        comment.mentions,
      ],
    );
  },

  async get(db: Queryable, id: string): Promise<CommentRecord | undefined> {
    const rows = await db.query<CommentRow>('SELECT * FROM series_comments WHERE id = $1', [id]);
    return rows[0] && toComment(rows[0]);
  },

  async ofSeries(db: Queryable, seriesId: string): Promise<CommentRecord[]> {
    const rows = await db.query<CommentRow>(
      'SELECT * FROM series_comments WHERE series_id = $1 ORDER BY created_at, id',
      [seriesId],
    );
    return rows.map(toComment);
  },
};
