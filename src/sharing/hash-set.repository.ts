import { randomUUID } from 'node:crypto';
import type { Queryable } from '#haven/platform/db/database.js';
import type { VicsVariant } from '#haven/sharing/vics/vics-context.js';
import type {
  EntryDraft,
  HashSet,
  HashSetDraft,
  HashSetPurpose,
  SetScheme,
  StoredEntry,
  TrustLevel,
} from '#haven/sharing/hash-set.types.js';

interface SetRow extends Record<string, unknown> {
  id: string;
  name: string;
  purpose: HashSetPurpose;
  source: string;
  licence: string | null;
  trust: TrustLevel;
  scheme: SetScheme;
  vics_variant: VicsVariant | null;
  provider_shared: boolean;
  revision: string | number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  entries: number;
}

interface EntryRow extends Record<string, unknown> {
  id: string | number;
  media_key: string;
  md5: Buffer | null;
  sha1: Buffer | null;
  sha256: Buffer | null;
  pdq: Buffer | null;
  category: string | null;
  baseline: boolean;
  record: unknown;
  changed_at: Date;
  removed_at: Date | null;
}

/** A stored entry found by a hash, with what its set says about it. */
export interface EntryHit {
  readonly entryId: number;
  readonly setId: string;
  readonly setName: string;
  readonly purpose: HashSetPurpose;
  readonly trust: TrustLevel;
  readonly scheme: SetScheme;
  readonly providerShared: boolean;
  readonly category: string | null;
  readonly baseline: boolean;
  /** The probe value that matched (for exact hits). */
  readonly value: Buffer | null;
}

export const HASH_COLUMNS = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', pdq: 'pdq' } as const;
export type HashColumn = keyof typeof HASH_COLUMNS;

const SET_COLUMNS = `s.id, s.name, s.purpose, s.source, s.licence, s.trust, s.scheme, s.vics_variant,
  s.provider_shared, s.revision, s.created_by, s.created_at, s.updated_at,
  (SELECT count(*)::int FROM hash_set_entries e WHERE e.hash_set_id = s.id AND e.removed_at IS NULL) AS entries`;

const toSet = (row: SetRow): HashSet => ({
  id: row.id,
  name: row.name,
  purpose: row.purpose,
  source: row.source,
  licence: row.licence,
  trust: row.trust,
  scheme: row.scheme,
  vicsVariant: row.vics_variant,
  providerShared: row.provider_shared,
  revision: Number(row.revision),
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  entries: row.entries,
});

const toEntry = (row: EntryRow): StoredEntry => ({
  id: Number(row.id),
  mediaKey: row.media_key,
  md5: row.md5,
  sha1: row.sha1,
  sha256: row.sha256,
  pdq: row.pdq,
  category: row.category,
  baseline: row.baseline,
  record: row.record,
  changedAt: row.changed_at,
  removedAt: row.removed_at,
});

const HIT_COLUMNS = `e.id AS entry_id, s.id AS set_id, s.name AS set_name, s.purpose, s.trust, s.scheme,
  s.provider_shared, e.category, e.baseline`;

interface HitRow extends Record<string, unknown> {
  entry_id: string | number;
  set_id: string;
  set_name: string;
  purpose: HashSetPurpose;
  trust: TrustLevel;
  scheme: SetScheme;
  provider_shared: boolean;
  category: string | null;
  baseline: boolean;
  value?: Buffer;
}

const toHit = (row: HitRow): EntryHit => ({
  entryId: Number(row.entry_id),
  setId: row.set_id,
  setName: row.set_name,
  purpose: row.purpose,
  trust: row.trust,
  scheme: row.scheme,
  providerShared: row.provider_shared,
  category: row.category,
  baseline: row.baseline,
  value: row.value ?? null,
});

/** Hash sets, their entries and imports: the only SQL of hash sets. */
export const hashSetRepository = {
  async byName(db: Queryable, name: string): Promise<HashSet | undefined> {
    const rows = await db.query<SetRow>(`SELECT ${SET_COLUMNS} FROM hash_sets s WHERE s.name = $1`, [name]);
    return rows[0] ? toSet(rows[0]) : undefined;
  },

  async list(db: Queryable): Promise<HashSet[]> {
    const rows = await db.query<SetRow>(`SELECT ${SET_COLUMNS} FROM hash_sets s ORDER BY s.name`);
    return rows.map(toSet);
  },

  /** Creates the set, or updates its description; locks its row for the rest of the transaction. */
  async upsert(tx: Queryable, draft: HashSetDraft, by: string): Promise<string> {
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO hash_sets (id, name, purpose, source, licence, trust, scheme, provider_shared, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (name) DO UPDATE SET source = EXCLUDED.source, licence = EXCLUDED.licence,
         trust = EXCLUDED.trust, provider_shared = EXCLUDED.provider_shared, updated_at = now()
       RETURNING id`,
      [
        randomUUID(),
        draft.name,
        draft.purpose,
        draft.source,
        draft.licence,
        draft.trust,
        draft.scheme,
        draft.providerShared,
        by,
      ],
    );
    const id = rows[0]!.id;
    await tx.query('SELECT id FROM hash_sets WHERE id = $1 FOR UPDATE', [id]);
    return id;
  },

  async startImport(
    tx: Queryable,
    setId: string,
    file: { name: string; sha256: Buffer; format: string; mode: 'replace' | 'add'; by: string },
  ): Promise<number> {
    const rows = await tx.query<{ id: string | number }>(
      `INSERT INTO hash_set_imports (hash_set_id, file_name, file_sha256, format, mode, records, added, changed,
                                     removed, skipped, imported_by)
       VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, 0, $6) RETURNING id`,
      [setId, file.name, file.sha256, file.format, file.mode, file.by],
    );
    return Number(rows[0]!.id);
  },

  async finishImport(
    tx: Queryable,
    importId: number,
    counts: {
      records: number;
      added: number;
      changed: number;
      removed: number;
      skipped: number;
      sha256: Buffer;
    },
  ): Promise<void> {
    await tx.query(
      `UPDATE hash_set_imports SET records = $2, added = $3, changed = $4, removed = $5, skipped = $6,
         file_sha256 = $7 WHERE id = $1`,
      [importId, counts.records, counts.added, counts.changed, counts.removed, counts.skipped, counts.sha256],
    );
  },

  /**
   * Inserts or updates a batch of entries for one import. Returns, per media key written, whether it
   * was new or changed; a key already written by this same import is not returned (a duplicate).
   */
  async upsertEntries(
    tx: Queryable,
    setId: string,
    importId: number,
    entries: readonly EntryDraft[],
  ): Promise<{ mediaKey: string; inserted: boolean; changed: boolean }[]> {
    if (entries.length === 0) {
      return [];
    }
    const rows = await tx.query<{ media_key: string; inserted: boolean; changed: boolean }>(
      `INSERT INTO hash_set_entries AS e (hash_set_id, media_key, md5, sha1, sha256, pdq, category, baseline,
                                          record, last_import)
       SELECT $1, k, m5, s1, s256, p, c, b, r, $2
         FROM unnest($3::text[], $4::bytea[], $5::bytea[], $6::bytea[], $7::bytea[], $8::text[], $9::boolean[],
                     $10::jsonb[]) AS t(k, m5, s1, s256, p, c, b, r)
       ON CONFLICT (hash_set_id, media_key) DO UPDATE SET
         md5 = EXCLUDED.md5, sha1 = EXCLUDED.sha1, sha256 = EXCLUDED.sha256, pdq = EXCLUDED.pdq,
         category = EXCLUDED.category, baseline = EXCLUDED.baseline, record = EXCLUDED.record,
         last_import = EXCLUDED.last_import,
         changed_at = CASE
           WHEN e.removed_at IS NOT NULL
             OR (e.md5, e.sha1, e.sha256, e.pdq, e.category, e.baseline, e.record)
                IS DISTINCT FROM
                (EXCLUDED.md5, EXCLUDED.sha1, EXCLUDED.sha256, EXCLUDED.pdq, EXCLUDED.category,
                 EXCLUDED.baseline, EXCLUDED.record)
           THEN now() ELSE e.changed_at END,
         removed_at = NULL
       WHERE e.last_import <> EXCLUDED.last_import
       RETURNING media_key, (xmax = 0) AS inserted, (changed_at = now()) AS changed`,
      [
        setId,
        importId,
        entries.map((e) => e.mediaKey),
        entries.map((e) => e.md5),
        entries.map((e) => e.sha1),
        entries.map((e) => e.sha256),
        entries.map((e) => e.pdq),
        entries.map((e) => e.category),
        entries.map((e) => e.baseline),
        entries.map((e) => JSON.stringify(e.record)),
      ],
    );
    return rows.map((row) => ({ mediaKey: row.media_key, inserted: row.inserted, changed: row.changed }));
  },

  /** Marks entries the given import did not bring as removed (a replacing import); returns how many. */
  async removeNotIn(tx: Queryable, setId: string, importId: number): Promise<number> {
    const rows = await tx.query(
      `UPDATE hash_set_entries SET removed_at = now(), changed_at = now()
       WHERE hash_set_id = $1 AND last_import <> $2 AND removed_at IS NULL RETURNING id`,
      [setId, importId],
    );
    return rows.length;
  },

  async bumpRevision(tx: Queryable, setId: string, variant: VicsVariant | null): Promise<void> {
    await tx.query(
      `UPDATE hash_sets SET revision = revision + 1, updated_at = now(),
         vics_variant = coalesce($2, vics_variant) WHERE id = $1`,
      [setId, variant],
    );
  },

  /** Changes whenever any set or entry changes: what matchers compare to know their cache is stale. */
  async fingerprint(db: Queryable): Promise<string> {
    const rows = await db.query<{ f: string | null }>(
      `SELECT md5(string_agg(id::text || ':' || revision::text, ',' ORDER BY id)) AS f FROM hash_sets`,
    );
    return rows[0]?.f ?? 'empty';
  },

  /**
   * Each set's version for in-memory caches: its revision (entries, negative bank) and when its
   * description last changed (trust, sharing, scheme live in every cached entry's info).
   */
  async versions(db: Queryable): Promise<{ id: string; version: string }[]> {
    const rows = await db.query<{ id: string; version: string }>(
      `SELECT id, revision::text || '@' || (extract(epoch FROM updated_at) * 1000000)::bigint::text AS version
         FROM hash_sets ORDER BY id`,
    );
    return rows;
  },

  /** Active entries of a set, by id, a page at a time (exports). */
  async pageEntries(db: Queryable, setId: string, afterId: number, limit: number): Promise<StoredEntry[]> {
    const rows = await db.query<EntryRow>(
      `SELECT id, media_key, md5, sha1, sha256, pdq, category, baseline, record, changed_at, removed_at
         FROM hash_set_entries WHERE hash_set_id = $1 AND removed_at IS NULL AND id > $2 ORDER BY id LIMIT $3`,
      [setId, afterId, limit],
    );
    return rows.map(toEntry);
  },

  /** Active entries of every set whose hash in `column` is one of `values`. */
  async exactHits(db: Queryable, column: HashColumn, values: readonly Buffer[]): Promise<EntryHit[]> {
    if (values.length === 0) {
      return [];
    }
    const name = HASH_COLUMNS[column];
    const rows = await db.query<HitRow>(
      `SELECT ${HIT_COLUMNS}, e.${name} AS value FROM hash_set_entries e JOIN hash_sets s ON s.id = e.hash_set_id
        WHERE e.removed_at IS NULL AND e.${name} = ANY($1::bytea[])`,
      [values],
    );
    return rows.map(toHit);
  },

  async hitsByIds(db: Queryable, ids: readonly number[]): Promise<EntryHit[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await db.query<HitRow>(
      `SELECT ${HIT_COLUMNS} FROM hash_set_entries e JOIN hash_sets s ON s.id = e.hash_set_id
        WHERE e.removed_at IS NULL AND e.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map(toHit);
  },

  /** PDQ values of active entries of sets of material to find, by id (the near index). */
  async pdqPage(
    db: Queryable,
    afterId: number,
    limit: number,
  ): Promise<{ id: number; setId: string; pdq: Buffer }[]> {
    const rows = await db.query<{ id: string | number; hash_set_id: string; pdq: Buffer }>(
      `SELECT e.id, e.hash_set_id, e.pdq FROM hash_set_entries e JOIN hash_sets s ON s.id = e.hash_set_id
        WHERE s.purpose = 'known' AND e.removed_at IS NULL AND e.pdq IS NOT NULL AND e.id > $1
        ORDER BY e.id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), setId: row.hash_set_id, pdq: row.pdq }));
  },

  /** Active entries of one set, by id, a page at a time (the matcher builds each set alone). */
  async activePageOfSet(
    db: Queryable,
    setId: string,
    afterId: number,
    limit: number,
  ): Promise<
    (EntryHit & { md5: Buffer | null; sha1: Buffer | null; sha256: Buffer | null; pdq: Buffer | null })[]
  > {
    const rows = await db.query<
      HitRow & { md5: Buffer | null; sha1: Buffer | null; sha256: Buffer | null; pdq: Buffer | null }
    >(
      `SELECT ${HIT_COLUMNS}, e.md5, e.sha1, e.sha256, e.pdq FROM hash_set_entries e
         JOIN hash_sets s ON s.id = e.hash_set_id
        WHERE e.hash_set_id = $1 AND e.removed_at IS NULL AND e.id > $2 ORDER BY e.id LIMIT $3`,
      [setId, afterId, limit],
    );
    return rows.map((row) => ({
      ...toHit(row),
      md5: row.md5,
      sha1: row.sha1,
      sha256: row.sha256,
      pdq: row.pdq,
    }));
  },

  async negativeHashes(db: Queryable): Promise<{ setId: string; pdq: Buffer }[]> {
    const rows = await db.query<{ hash_set_id: string; pdq: Buffer }>(
      'SELECT hash_set_id, pdq FROM negative_hashes ORDER BY id',
    );
    return rows.map((row) => ({ setId: row.hash_set_id, pdq: row.pdq }));
  },

  async addNegative(tx: Queryable, setId: string, pdq: Buffer, reason: string, by: string): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO negative_hashes (hash_set_id, pdq, reason, added_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (hash_set_id, pdq) DO NOTHING RETURNING id`,
      [setId, pdq, reason, by],
    );
    return rows.length > 0;
  },
};
