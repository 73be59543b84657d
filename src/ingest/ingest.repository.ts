import type { Queryable } from '#haven/platform/db/database.js';
import { asBuffer, hex } from '#haven/platform/db/bytes.js';
import type { ListMatch, TriageMatch } from '#haven/matching/triage.types.js';
import type {
  IngestItemResult,
  IngestRecord,
  IngestState,
  IngestSummary,
  ItemStatus,
} from '#haven/ingest/ingest.types.js';

interface IngestRow extends Record<string, unknown> {
  id: string;
  case_id: string;
  reference: string;
  state: IngestState;
  origin: 'paths' | 'upload';
  fingerprint: string;
  sources: string[];
  operator: string;
  host: string;
  tool_version: string;
  started_at: Date;
  finished_at: Date | null;
  runs: number;
}

const INGEST_COLUMNS = `i.id, i.case_id, c.reference, i.state, i.origin, i.fingerprint, i.sources, i.operator, i.host,
  i.tool_version, i.started_at, i.finished_at, i.runs`;

const toIngest = (row: IngestRow): IngestRecord => ({
  id: row.id,
  caseId: row.case_id,
  caseReference: row.reference,
  state: row.state,
  origin: row.origin,
  fingerprint: row.fingerprint,
  sources: row.sources,
  operator: row.operator,
  host: row.host,
  toolVersion: row.tool_version,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  runs: row.runs,
});

export interface PendingItem {
  readonly id: number;
  readonly sourcePath: string;
  readonly sourcePathKey: Buffer;
  /** Set for uploaded files: the stored blob to read instead of a path. */
  readonly uploadSha256: Buffer | null;
  readonly uploadSize: number | null;
}

export interface ItemOutcome {
  readonly ingestId: string;
  readonly parentItemId: number | null;
  readonly sourcePath: string;
  readonly sourcePathKey: Uint8Array;
  readonly isArchiveEntry: boolean;
  readonly state: 'pending' | 'done';
  readonly status: ItemStatus | null;
  readonly errorCode: string | null;
  readonly error: string | null;
  readonly mediaId: string | null;
  readonly mime: string | null;
  readonly kind: string | null;
  readonly matches: readonly TriageMatch[];
  readonly lists?: readonly ListMatch[] | undefined;
}

export const ingestRepository = {
  async insert(
    tx: Queryable,
    row: {
      id: string;
      caseId: string;
      fingerprint: string;
      sources: readonly string[];
      operator: string;
      host: string;
      toolVersion: string;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ingests (id, case_id, state, fingerprint, sources, operator, host, tool_version)
       VALUES ($1, $2, 'enumerating', $3, $4, $5, $6, $7)`,
      [
        row.id,
        row.caseId,
        row.fingerprint,
        JSON.stringify(row.sources),
        row.operator,
        row.host,
        row.toolVersion,
      ],
    );
  },

  async get(db: Queryable, id: string): Promise<IngestRecord | undefined> {
    const rows = await db.query<IngestRow>(
      `SELECT ${INGEST_COLUMNS} FROM ingests i JOIN cases c ON c.id = i.case_id WHERE i.id = $1`,
      [id],
    );
    return rows[0] && toIngest(rows[0]);
  },

  /** The newest unfinished ingest with this fingerprint: running the same ingest again resumes it. */
  async findUnfinished(db: Queryable, fingerprint: string): Promise<IngestRecord | undefined> {
    const rows = await db.query<IngestRow>(
      `SELECT ${INGEST_COLUMNS} FROM ingests i JOIN cases c ON c.id = i.case_id
       WHERE i.fingerprint = $1 AND i.state IN ('enumerating', 'processing')
       ORDER BY i.started_at DESC LIMIT 1`,
      [fingerprint],
    );
    return rows[0] && toIngest(rows[0]);
  },

  async latest(db: Queryable, caseId?: string): Promise<IngestRecord | undefined> {
    const rows = await db.query<IngestRow>(
      `SELECT ${INGEST_COLUMNS} FROM ingests i JOIN cases c ON c.id = i.case_id
       WHERE $1::uuid IS NULL OR i.case_id = $1 ORDER BY i.started_at DESC LIMIT 1`,
      [caseId ?? null],
    );
    return rows[0] && toIngest(rows[0]);
  },

  /** Locks the ingest's row until the transaction ends and returns its current state. */
  async lockState(tx: Queryable, id: string): Promise<IngestState | undefined> {
    const rows = await tx.query<{ state: IngestState }>(
      'SELECT state FROM ingests WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0]?.state;
  },

  async markResumed(db: Queryable, id: string): Promise<void> {
    await db.query('UPDATE ingests SET runs = runs + 1 WHERE id = $1', [id]);
  },

  async setState(db: Queryable, id: string, state: IngestState): Promise<void> {
    await db.query(
      `UPDATE ingests SET state = $2, finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() ELSE NULL END
       WHERE id = $1`,
      [id, state],
    );
  },

  /** Adds walked files as pending items (or finished error items); existing paths are left alone. */
  async addItems(
    tx: Queryable,
    ingestId: string,
    items: readonly { path: string; key: Uint8Array; errorCode: string | null; error: string | null }[],
  ): Promise<void> {
    if (items.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO ingest_items (ingest_id, source_path, source_path_key, state, status, error_code, error, processed_at)
       SELECT $1, p, k, CASE WHEN e IS NULL THEN 'pending' ELSE 'done' END,
              CASE WHEN e IS NULL THEN NULL ELSE 'error' END, ec, e,
              CASE WHEN e IS NULL THEN NULL ELSE now() END
       FROM unnest($2::text[], $3::bytea[], $4::text[], $5::text[]) AS t(p, k, ec, e)
       ON CONFLICT (ingest_id, source_path_key) DO NOTHING`,
      [
        ingestId,
        items.map((item) => item.path),
        items.map((item) => asBuffer(item.key)),
        items.map((item) => item.errorCode),
        items.map((item) => item.error),
      ],
    );
  },

  async pendingTopLevel(
    db: Queryable,
    ingestId: string,
    afterId: number,
    limit: number,
  ): Promise<PendingItem[]> {
    const rows = await db.query<{
      id: number;
      source_path: string;
      source_path_key: Uint8Array;
      upload_sha256: Uint8Array | null;
      upload_size: number | null;
    }>(
      `SELECT id, source_path, source_path_key, upload_sha256, upload_size FROM ingest_items
       WHERE ingest_id = $1 AND state = 'pending' AND parent_item_id IS NULL AND id > $2
       ORDER BY id LIMIT $3`,
      [ingestId, afterId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      sourcePath: row.source_path,
      sourcePathKey: asBuffer(row.source_path_key),
      uploadSha256: row.upload_sha256 && asBuffer(row.upload_sha256),
      uploadSize: row.upload_size,
    }));
  },

  async insertUpload(
    tx: Queryable,
    row: {
      id: string;
      caseId: string;
      operator: string;
      host: string;
      toolVersion: string;
      userId: string | null;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ingests (id, case_id, state, fingerprint, sources, operator, host, tool_version, origin,
                            created_by_user)
       VALUES ($1::uuid, $2, 'uploading', $1::text, '[]', $3, $4, $5, 'upload', $6)`,
      [row.id, row.caseId, row.operator, row.host, row.toolVersion, row.userId],
    );
  },

  /** Records an uploaded file as a pending item (the same name and content twice is one item). */
  async addUploadItem(
    tx: Queryable,
    ingestId: string,
    item: { path: string; key: Uint8Array; sha256: Uint8Array; size: number },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ingest_items (ingest_id, source_path, source_path_key, state, upload_sha256, upload_size)
       VALUES ($1, $2, $3, 'pending', $4, $5)
       ON CONFLICT (ingest_id, source_path_key) DO NOTHING`,
      [ingestId, item.path, asBuffer(item.key), asBuffer(item.sha256), item.size],
    );
  },

  async listForCase(db: Queryable, caseId: string): Promise<IngestRecord[]> {
    const rows = await db.query<IngestRow>(
      `SELECT ${INGEST_COLUMNS} FROM ingests i JOIN cases c ON c.id = i.case_id
       WHERE i.case_id = $1 ORDER BY i.started_at DESC`,
      [caseId],
    );
    return rows.map(toIngest);
  },

  /** Keys of the finished entries below an archive item (to skip them when an ingest resumes). */
  async doneChildKeys(db: Queryable, parentItemId: number): Promise<Set<string>> {
    const rows = await db.query<{ source_path_key: Uint8Array }>(
      `SELECT source_path_key FROM ingest_items WHERE parent_item_id = $1 AND state = 'done'`,
      [parentItemId],
    );
    return new Set(rows.map((row) => hex(row.source_path_key)));
  },

  /** Writes an item's outcome, creating the item for archive entries; returns its id. */
  async saveOutcome(tx: Queryable, outcome: ItemOutcome): Promise<number> {
    const rows = await tx.query<{ id: number }>(
      `INSERT INTO ingest_items (ingest_id, parent_item_id, source_path, source_path_key, is_archive_entry, state,
                                 status, error_code, error, media_id, mime, kind, matches, processed_at, list_matches)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(), $14)
       ON CONFLICT (ingest_id, source_path_key) DO UPDATE SET
         state = EXCLUDED.state, status = EXCLUDED.status, error_code = EXCLUDED.error_code,
         error = EXCLUDED.error, media_id = EXCLUDED.media_id, mime = EXCLUDED.mime, kind = EXCLUDED.kind,
         matches = EXCLUDED.matches, processed_at = now(), list_matches = EXCLUDED.list_matches
       RETURNING id`,
      [
        outcome.ingestId,
        outcome.parentItemId,
        outcome.sourcePath,
        asBuffer(outcome.sourcePathKey),
        outcome.isArchiveEntry,
        outcome.state,
        outcome.status,
        outcome.errorCode,
        outcome.error,
        outcome.mediaId,
        outcome.mime,
        outcome.kind,
        JSON.stringify(outcome.matches),
        outcome.lists && outcome.lists.length > 0 ? JSON.stringify(outcome.lists) : null,
      ],
    );
    return rows[0]!.id;
  },

  async markItemDone(db: Queryable, itemId: number): Promise<void> {
    await db.query(`UPDATE ingest_items SET state = 'done', processed_at = now() WHERE id = $1`, [itemId]);
  },

  async countPending(db: Queryable, ingestId: string): Promise<number> {
    const rows = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ingest_items WHERE ingest_id = $1 AND state = 'pending'`,
      [ingestId],
    );
    return rows[0]?.n ?? 0;
  },

  /** Every item with its outcome, in path order (archive entries follow their archive). */
  async results(
    db: Queryable,
    ingestId: string,
    page: { offset: number; limit: number | null; status?: string | undefined } = { offset: 0, limit: null },
  ): Promise<IngestItemResult[]> {
    const rows = await db.query<{
      id: number;
      source_path: string;
      sha256: Uint8Array | null;
      media_id: string | null;
      status: ItemStatus | null;
      kind: string | null;
      mime: string | null;
      error: string | null;
      error_code: string | null;
      matches: TriageMatch[] | null;
      is_archive_entry: boolean;
      list_matches: ListMatch[] | null;
    }>(
      `SELECT it.id, it.source_path, m.sha256, it.media_id, it.status, it.kind, it.mime, it.error, it.error_code, it.matches,
              it.is_archive_entry, it.list_matches
       FROM ingest_items it LEFT JOIN media m ON m.id = it.media_id
       WHERE it.ingest_id = $1 AND ($2::text IS NULL OR it.status = $2)
       ORDER BY it.source_path_key OFFSET $3 LIMIT $4`,
      [ingestId, page.status ?? null, page.offset, page.limit],
    );
    return rows.map((row) => ({
      id: row.id,
      path: row.source_path,
      sha256: row.sha256 ? hex(row.sha256) : null,
      mediaId: row.media_id,
      status: row.status,
      kind: row.kind,
      mime: row.mime,
      error: row.error,
      errorCode: row.error_code,
      matches: row.matches ?? [],
      isArchiveEntry: row.is_archive_entry,
      ...(row.list_matches ? { lists: row.list_matches } : {}),
    }));
  },

  async summary(db: Queryable, ingest: IngestRecord): Promise<IngestSummary> {
    const rows = await db.query<{ status: string | null; kind: string | null; state: string; n: number }>(
      `SELECT status, kind, state, count(*)::int AS n FROM ingest_items WHERE ingest_id = $1
       GROUP BY status, kind, state`,
      [ingest.id],
    );
    const distinct = await db.query<{ n: number }>(
      `SELECT count(DISTINCT media_id)::int AS n FROM ingest_items WHERE ingest_id = $1 AND media_id IS NOT NULL`,
      [ingest.id],
    );
    const counts = { new: 0, exact: 0, near: 0, error: 0, pending: 0, files: 0, newImages: 0, newVideos: 0 };
    const byKind: Record<string, number> = {};
    for (const row of rows) {
      const n = row.n;
      counts.files += n;
      if (row.state === 'pending') {
        counts.pending += n;
      } else if (
        row.status === 'new' ||
        row.status === 'exact' ||
        row.status === 'near' ||
        row.status === 'error'
      ) {
        counts[row.status] += n;
      }
      if (row.kind) {
        byKind[row.kind] = (byKind[row.kind] ?? 0) + n;
      }
      if (row.status === 'new' && row.kind === 'image') {
        counts.newImages += n;
      }
      if (row.status === 'new' && row.kind === 'video') {
        counts.newVideos += n;
      }
    }
    return {
      ingestId: ingest.id,
      case: ingest.caseReference,
      state: ingest.state,
      operator: ingest.operator,
      host: ingest.host,
      startedAt: ingest.startedAt.toISOString(),
      finishedAt: ingest.finishedAt?.toISOString() ?? null,
      files: counts.files,
      new: counts.new,
      exact: counts.exact,
      near: counts.near,
      error: counts.error,
      pending: counts.pending,
      byKind,
      distinctMedia: distinct[0]?.n ?? 0,
      newImages: counts.newImages,
      newVideos: counts.newVideos,
    };
  },
  /** Items of a medium still reporting the provisional outcome given before its video analysis. */
  async itemsAwaitingVideo(db: Queryable, mediaId: string): Promise<{ id: number; ingestId: string }[]> {
    const rows = await db.query<{ id: number; ingest_id: string }>(
      `SELECT id, ingest_id FROM ingest_items WHERE media_id = $1 AND kind = 'video' AND status = 'new' ORDER BY id`,
      [mediaId],
    );
    return rows.map((row) => ({ id: row.id, ingestId: row.ingest_id }));
  },

  async setItemResult(
    tx: Queryable,
    itemId: number,
    result: {
      status: ItemStatus;
      matches: readonly TriageMatch[];
      errorCode: string | null;
      error: string | null;
    },
  ): Promise<void> {
    await tx.query(
      `UPDATE ingest_items SET status = $2, matches = $3, error_code = $4, error = $5, processed_at = now() WHERE id = $1`,
      [itemId, result.status, JSON.stringify(result.matches), result.errorCode, result.error],
    );
  },
};
