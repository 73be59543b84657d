import type { Queryable } from '#haven/platform/db/database.js';

/** A held medium as a VICS export needs it. */
export interface HeldMedium {
  readonly id: string;
  readonly sha256: Uint8Array;
  readonly size: number;
  readonly mime: string;
  readonly kind: string;
  readonly exif: Readonly<Record<string, unknown>> | null;
  readonly createdAt: Date;
}

export interface HeldFile {
  readonly mediaId: string;
  readonly sourcePath: string;
  readonly modifiedAt: Date | null;
  readonly accessedAt: Date | null;
  readonly bornAt: Date | null;
}

export interface HeldSignal {
  readonly mediaId: string;
  readonly signal: string;
  readonly value: Uint8Array;
}

export interface HeldCategory {
  readonly mediaId: string;
  readonly code: string;
  readonly baseline: boolean;
  readonly decidedAt: Date;
  /** Distinct codes among each person's latest decision in the scheme (more than one: a conflict). */
  readonly codes: readonly string[];
}

/**
 * Which media an export covers: those of one case, or those of one series that occur in a case the
 * agency may see. `caseVisible` is the sharing rule in SQL for alias `c` and parameter `$2`.
 */
export type HeldScope =
  | { readonly caseId: string }
  | { readonly seriesId: string; readonly agencyId: string | null; readonly caseVisible: string };

function scopeSql(scope: HeldScope): { where: string; params: unknown[] } {
  if ('caseId' in scope) {
    return {
      where: 'EXISTS (SELECT 1 FROM media_files f WHERE f.media_id = m.id AND f.case_id = $1)',
      params: [scope.caseId],
    };
  }
  return {
    where: `EXISTS (SELECT 1 FROM series_media sm WHERE sm.media_id = m.id AND sm.series_id = $1)
        AND EXISTS (SELECT 1 FROM media_files f JOIN cases c ON c.id = f.case_id
                     WHERE f.media_id = m.id AND ${scope.caseVisible})`,
    params: [scope.seriesId, scope.agencyId],
  };
}

/** Reads held media, their hashes, occurrences, categorisations and series for VICS exports. */
export const heldMediaRepository = {
  /** The next page of media in SHA-256 order (a stable order that needs no internal identifier). */
  async page(db: Queryable, scope: HeldScope, after: Buffer | null, limit: number): Promise<HeldMedium[]> {
    const { where, params } = scopeSql(scope);
    const p = params.length;
    const rows = await db.query<{
      id: string;
      sha256: Uint8Array;
      size: string | number;
      mime: string;
      kind: string;
      exif: Record<string, unknown> | null;
      created_at: Date;
    }>(
      `SELECT m.id, m.sha256, m.size, m.mime, m.kind, m.metadata->'exif' AS exif, m.created_at
         FROM media m
        WHERE ${where} AND ($${p + 1}::bytea IS NULL OR m.sha256 > $${p + 1}::bytea)
        ORDER BY m.sha256 LIMIT $${p + 2}`,
      [...params, after, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      sha256: row.sha256,
      size: Number(row.size),
      mime: row.mime,
      kind: row.kind,
      exif: row.exif !== null && typeof row.exif === 'object' ? row.exif : null,
      createdAt: row.created_at,
    }));
  },

  async count(db: Queryable, scope: HeldScope): Promise<number> {
    const { where, params } = scopeSql(scope);
    const rows = await db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM media m WHERE ${where}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  },

  /** Hashes VICS can carry: MD5, SHA-1, PDQ (best quality first) and video frame hashes. */
  async signals(db: Queryable, ids: readonly string[]): Promise<HeldSignal[]> {
    const rows = await db.query<{ media_id: string; signal: string; value: Uint8Array }>(
      `SELECT media_id, signal, value FROM media_signals
        WHERE media_id = ANY($1::uuid[]) AND signal IN ('md5', 'sha1', 'pdq', 'vpdq')
        ORDER BY media_id, signal, quality DESC NULLS LAST, id`,
      [ids],
    );
    return rows.map((row) => ({ mediaId: row.media_id, signal: row.signal, value: row.value }));
  },

  /**
   * Occurrences of the media: in the case exported, or (series) in the cases the agency may see.
   * `caseCondition` uses alias `c` and parameter `$2`.
   */
  async files(db: Queryable, ids: readonly string[], scope: HeldScope): Promise<HeldFile[]> {
    const [condition, param] =
      'caseId' in scope ? ['c.id = $2::uuid', scope.caseId] : [scope.caseVisible, scope.agencyId];
    const rows = await db.query<{
      media_id: string;
      source_path: string;
      modified_at: Date | null;
      accessed_at: Date | null;
      born_at: Date | null;
    }>(
      `SELECT f.media_id, f.source_path, f.modified_at, f.accessed_at, f.born_at
         FROM media_files f JOIN cases c ON c.id = f.case_id
        WHERE f.media_id = ANY($1::uuid[]) AND ${condition}
        ORDER BY f.media_id, c.reference, f.source_path`,
      [ids, param],
    );
    return rows.map((row) => ({
      mediaId: row.media_id,
      sourcePath: row.source_path,
      modifiedAt: row.modified_at,
      accessedAt: row.accessed_at,
      bornAt: row.born_at,
    }));
  },

  /** The latest categorisation of each medium in a scheme, and every person's current code in it. */
  async categories(db: Queryable, ids: readonly string[], scheme: string): Promise<HeldCategory[]> {
    const rows = await db.query<{
      media_id: string;
      code: string;
      baseline: boolean;
      decided_at: Date;
      codes: string[];
    }>(
      `WITH latest_per_person AS (
         SELECT DISTINCT ON (media_id, decided_by) media_id, decided_by, code, baseline, decided_at, id
           FROM categorisations
          WHERE media_id = ANY($1::uuid[]) AND scheme = $2
          ORDER BY media_id, decided_by, decided_at DESC, id DESC)
       SELECT DISTINCT ON (l.media_id) l.media_id, l.code, l.baseline, l.decided_at,
              (SELECT array_agg(DISTINCT o.code ORDER BY o.code) FROM latest_per_person o
                WHERE o.media_id = l.media_id) AS codes
         FROM latest_per_person l
        ORDER BY l.media_id, l.decided_at DESC, l.id DESC`,
      [ids, scheme],
    );
    return rows.map((row) => ({
      mediaId: row.media_id,
      code: row.code,
      baseline: row.baseline,
      decidedAt: row.decided_at,
      codes: row.codes,
    }));
  },

  /** Numbers of the series (not merged away) holding each medium that the agency may see. */
  async seriesNumbers(
    db: Queryable,
    ids: readonly string[],
    seriesVisible: string,
    agencyId: string | null,
  ): Promise<Map<string, string[]>> {
    const rows = await db.query<{ media_id: string; number: string }>(
      `SELECT sm.media_id, s.number FROM series_media sm JOIN series s ON s.id = sm.series_id
        WHERE sm.media_id = ANY($1::uuid[]) AND s.merged_into IS NULL AND ${seriesVisible}
        ORDER BY sm.media_id, s.number`,
      [ids, agencyId],
    );
    const out = new Map<string, string[]>();
    for (const row of rows) {
      out.set(row.media_id, [...(out.get(row.media_id) ?? []), row.number]);
    }
    return out;
  },
};
