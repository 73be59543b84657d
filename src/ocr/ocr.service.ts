import type { Actor } from '#haven/access/actor.js';
import { accessService } from '#haven/access/access.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { mediaService } from '#haven/media/media.service.js';
import { OCR_ENGINE, OcrEngine } from '#haven/ocr/ocr-engine.js';
import { enqueueOcrScan } from '#haven/ocr/ocr-queue.js';
import { ocrRepository } from '#haven/ocr/ocr.repository.js';
import type { MediaText, TextHit } from '#haven/ocr/ocr.types.js';
import { LANGUAGES, textClues, type TextClues } from '#haven/ocr/script-detect.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import type { MediaPictures } from '#haven/faces/media-pictures.js';
import { describeError, havenError } from '#haven/platform/errors/haven-error.js';
import type { Logger } from '#haven/platform/log/logger.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext } from '#haven/series/series.types.js';

export interface OcrServiceOptions {
  readonly db: Database;
  /** An image's original or a video's keyframes. */
  readonly pictures: MediaPictures;
  readonly log: Logger;
}

export interface Holder {
  readonly name: string;
  readonly country: string;
  readonly contact: string | null;
}

/** A search hit as the caller may learn of it. */
export type VisibleTextHit =
  | (TextHit & { readonly restricted: false })
  | { readonly restricted: true; readonly rank: number; readonly ask: readonly Holder[] };

const SCAN_BATCH = 20;
const MAX_QUERY = 500;

/** Text visible in images (signs, labels, screens), read offline, searchable, a clue to the country. */
export class OcrService {
  readonly #options: OcrServiceOptions;

  constructor(options: OcrServiceOptions) {
    this.#options = options;
  }

  requestScan = (tx: Queryable, reason: string): Promise<boolean> => enqueueOcrScan(tx, reason);

  /** Reads every image not read yet; each commits on its own, so a killed scan resumes. */
  async scan(signal?: AbortSignal, onProgress?: () => Promise<void>): Promise<number> {
    let done = 0;
    for (;;) {
      const ids = await ocrRepository.pendingMedia(this.#options.db, SCAN_BATCH);
      if (ids.length === 0) {
        return done;
      }
      for (const id of ids) {
        signal?.throwIfAborted();
        await this.readMedia(id);
        done++;
        await onProgress?.();
      }
    }
  }

  /** Reads one held image (or video keyframes) once; an unreadable one is recorded with its error (not retried). */
  async readMedia(mediaId: string): Promise<MediaText | undefined> {
    const { db, log } = this.#options;
    const known = await ocrRepository.get(db, mediaId);
    if (known) {
      return known;
    }
    const [facts] = await mediaService.facts(db, [mediaId]);
    if (!facts || (facts.kind !== 'image' && facts.kind !== 'video')) {
      return undefined;
    }
    // A video's keyframes often show the same sign: each line is kept once, in order of appearance.
    const lines: string[] = [];
    let confidenceSum = 0;
    let words = 0;
    let error: string | null = null;
    try {
      const engine = await OcrEngine.shared();
      for (const picture of await this.#options.pictures(facts)) {
        const read = await engine.recognise(picture.bytes);
        for (const line of read.text.split('\n').filter((l) => l.length > 0 && !lines.includes(l))) {
          lines.push(line);
        }
        confidenceSum += read.confidence * read.words;
        words += read.words;
      }
    } catch (caught) {
      error = describeError(caught);
      log.warn('text reading failed', { media: mediaId, error });
    }
    const text = lines.join('\n');
    const confidence = words === 0 ? 0 : confidenceSum / words;
    words = text.split(/\s+/).filter((word) => word.length > 0).length;
    const clues = textClues(text);
    await ocrRepository.insert(db, {
      mediaId,
      text,
      confidence,
      words,
      script: clues.script,
      language: clues.language,
      languages: clues.languages.map((entry) => entry.language),
      engine: OCR_ENGINE,
      error,
    });
    return ocrRepository.get(db, mediaId);
  }

  /** The text of a medium the actor may see, with its clues; undefined while not read yet. */
  async textOf(
    db: Queryable,
    actor: Actor,
    mediaId: string,
  ): Promise<{ text: MediaText; clues: TextClues } | undefined> {
    await mediaService.visibleDetail(db, actor, mediaId);
    const text = await ocrRepository.get(db, mediaId);
    return text && { text, clues: textClues(text.text) };
  }

  /** Full-text search over read text; media the caller may not see say only who holds them. */
  async search(
    db: Database,
    actor: Actor,
    query: string,
    limit: number,
    audit: AuditContext,
  ): Promise<VisibleTextHit[]> {
    const trimmed = query.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_QUERY) {
      throw havenError('VALIDATION_FAILED', { issues: `q: 1 to ${MAX_QUERY} characters` });
    }
    const hits = await ocrRepository.search(db, trimmed, limit);
    const ids = hits.map((hit) => hit.mediaId);
    const visible = await accessService.visibleMedia(db, actor, ids);
    const holders = await accessService.holders(db, ids);
    await db.transaction((tx) =>
      auditService.record(tx, {
        actor,
        action: 'text.search',
        outcome: 'ok',
        objectType: 'text',
        details: { query: trimmed, hits: hits.length, visible: visible.size },
        ...audit,
      }),
    );
    return hits.map((hit) =>
      visible.has(hit.mediaId)
        ? { ...hit, restricted: false as const }
        : { restricted: true as const, rank: hit.rank, ask: holders.get(hit.mediaId) ?? [] },
    );
  }

  /** What the text in a series' images says about where it was made. */
  async seriesClues(
    db: Queryable,
    actor: Actor,
    seriesId: string,
  ): Promise<{
    media: number;
    withText: number;
    scripts: { script: string; media: number }[];
    languages: { language: string; media: number; countries: readonly string[] }[];
  }> {
    await seriesService.requireVisible(db, actor, seriesId);
    const ids = await seriesService.mediaIds(db, seriesId);
    const scripts = new Map<string, number>();
    const languages = new Map<string, number>();
    let withText = 0;
    for (const id of ids) {
      const text = await ocrRepository.get(db, id);
      if (!text || text.words === 0) {
        continue;
      }
      withText++;
      const clues = textClues(text.text);
      scripts.set(clues.script, (scripts.get(clues.script) ?? 0) + 1);
      if (clues.language) {
        languages.set(clues.language, (languages.get(clues.language) ?? 0) + 1);
      }
    }
    return {
      media: ids.length,
      withText,
      scripts: [...scripts].map(([script, media]) => ({ script, media })).sort((a, b) => b.media - a.media),
      languages: [...languages]
        .map(([language, media]) => ({ language, media, countries: LANGUAGES[language]?.countries ?? [] }))
        .sort((a, b) => b.media - a.media),
    };
  }
}
