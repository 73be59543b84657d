import type { MediaText, TextHit } from '#haven/ocr/ocr.types.js';
import type { Script } from '#haven/ocr/script-detect.js';
import type { Queryable } from '#haven/platform/db/database.js';

interface TextRow extends Record<string, unknown> {
  media_id: string;
  text: string;
  confidence: number;
  words: number;
  script: Script;
  language: string | null;
  languages: string[];
  engine: string;
  error: string | null;
  read_at: Date;
}

const toText = (row: TextRow): MediaText => ({
  mediaId: row.media_id,
  text: row.text,
  confidence: row.confidence,
  words: row.words,
  script: row.script,
  language: row.language,
  languages: row.languages,
  engine: row.engine,
  error: row.error,
  readAt: row.read_at,
});

export const ocrRepository = {
  /** Decoded images without read text yet, oldest first. */
  async pendingMedia(db: Queryable, limit: number): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `SELECT m.id FROM media m
       WHERE m.kind IN ('image', 'video') AND m.analysis_state = 'done'
         AND NOT EXISTS (SELECT 1 FROM media_texts t WHERE t.media_id = m.id)
       ORDER BY m.created_at, m.id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  },

  /** Records once: a medium already read keeps its first reading. */
  async insert(tx: Queryable, text: Omit<MediaText, 'readAt'>): Promise<void> {
    await tx.query(
      `INSERT INTO media_texts (media_id, text, confidence, words, script, language, languages, engine, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (media_id) DO NOTHING`,
      [
        text.mediaId,
        text.text,
        text.confidence,
        text.words,
        text.script,
        text.language,
        text.languages,
        text.engine,
        text.error,
      ],
    );
  },

  async get(db: Queryable, mediaId: string): Promise<MediaText | undefined> {
    const rows = await db.query<TextRow>('SELECT * FROM media_texts WHERE media_id = $1', [mediaId]);
    return rows.map(toText)[0];
  },

  /** Full-text search (the 'simple' configuration: no stemming, so it works for every language). */
  async search(db: Queryable, query: string, limit: number): Promise<TextHit[]> {
    const rows = await db.query<{
      media_id: string;
      sha256: Uint8Array;
      rank: number;
      snippet: string;
      script: Script;
      language: string | null;
    }>(
      `SELECT t.media_id, m.sha256, t.script, t.language, ts_rank(to_tsvector('simple', t.text), q) AS rank,
              ts_headline('simple', t.text, q, 'StartSel=«, StopSel=», MaxWords=20, MinWords=5') AS snippet
       FROM media_texts t JOIN media m ON m.id = t.media_id, websearch_to_tsquery('simple', $1) q
       WHERE to_tsvector('simple', t.text) @@ q
       ORDER BY rank DESC, t.media_id LIMIT $2`,
      [query, limit],
    );
    return rows.map((row) => ({
      mediaId: row.media_id,
      sha256: row.sha256,
      rank: row.rank,
      snippet: row.snippet,
      script: row.script,
      language: row.language,
    }));
  },
};
