import type { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import type { ImageTaskResult } from '#haven/ingest/analysis/image-task.js';
import { ArchiveBudget, type ArchiveLimits } from '#haven/ingest/archive/archive-budget.js';
import { zipChildren, type ArchiveProblem } from '#haven/ingest/archive/zip-children.js';
import { isOpenableArchive, type SniffResult } from '#haven/ingest/media-types/sniff.js';
import type { ContentSource } from '#haven/ingest/pipeline/content-source.js';
import { readContent, type ContentBytes } from '#haven/ingest/pipeline/read-content.js';
import { errnoReason } from '#haven/ingest/walk/walk-sources.js';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';
import { describeError, havenError, isHavenError } from '#haven/platform/errors/haven-error.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';
import { BYTE_SIGNALS } from '#haven/signals/registry.js';

export interface Problem {
  readonly code: ErrorCode;
  readonly reason: string;
}

/** A content read, hashed and (for images) analysed; `problem` says what could not be done. */
export interface AnalysedContent {
  readonly source: ContentSource;
  readonly content: ContentBytes;
  readonly image: ImageTaskResult | undefined;
  readonly problem: Problem | undefined;
  /** True when the content is an archive whose entries will follow. */
  readonly expands: boolean;
}

/**
 * What to do with each result: `ingest` records and stores, `match` only reports. `Ref` is whatever
 * the handler needs to link archive entries to their archive.
 */
export interface PipelineHandler<Ref> {
  onContent(content: AnalysedContent, parent: Ref | null): Promise<Ref>;
  onProblem(
    where: { displayPath: string; pathKey: Buffer; size: number; source?: ContentSource },
    problem: Problem,
    parent: Ref | null,
  ): Promise<void>;
  /** Called after the last entry of an archive was handled. */
  onArchiveDone(ref: Ref): Promise<void>;
  /** Entries already handled by an earlier, interrupted run are skipped. */
  alreadyDone(pathKey: Buffer, parent: Ref): Promise<boolean>;
}

export interface PipelineOptions {
  readonly analyser: ImageAnalyser;
  readonly store: BlobStore | undefined;
  readonly withPreviews: boolean;
  readonly maxImagePixels: number;
  readonly maxImageBytes: number;
  readonly archiveLimits: ArchiveLimits;
  /** Archive entries analysed at the same time (entries are read in order, analysed in parallel). */
  readonly entryConcurrency: number;
}

// Everything this small is kept in memory: it avoids a temporary file for the encrypted copy.
const SMALL_CONTENT_BYTES = 4 * 1024 * 1024;

/** Reads, hashes, stores and analyses contents, descending into archives. */
export class ContentPipeline<Ref> {
  readonly #options: PipelineOptions;
  readonly #handler: PipelineHandler<Ref>;

  constructor(options: PipelineOptions, handler: PipelineHandler<Ref>) {
    this.#options = options;
    this.#handler = handler;
  }

  /** Handles a file on disk (and, for an archive, everything inside it). */
  process(source: ContentSource): Promise<void> {
    return this.#process(source, null, new ArchiveBudget(this.#options.archiveLimits));
  }

  async #process(source: ContentSource, parent: Ref | null, budget: ArchiveBudget): Promise<void> {
    const where = {
      displayPath: source.displayPath,
      pathKey: source.pathKey,
      size: source.declaredSize,
      source,
    };
    let content: ContentBytes;
    try {
      content = await readContent(await source.open(), {
        signals: BYTE_SIGNALS,
        store: source.alreadyStored ? undefined : this.#options.store,
        memoryLimit: (sniff) => this.#memoryLimit(sniff, source),
      });
    } catch (error) {
      await this.#handler.onProblem(where, readProblem(error, source), parent);
      return;
    }
    if (content.size === 0) {
      await this.#handler.onProblem(
        { ...where, size: 0 },
        { code: 'INPUT_EMPTY', reason: 'empty file' },
        parent,
      );
      return;
    }
    const { image, problem } = await this.#analyse(content);
    const expands = isOpenableArchive(content.sniff);
    const ref = await this.#handler.onContent({ source, content, image, problem, expands }, parent);
    if (expands) {
      await this.#expand(source, content, ref, budget);
      await this.#handler.onArchiveDone(ref);
    }
  }

  async #analyse(content: ContentBytes): Promise<{ image?: ImageTaskResult; problem?: Problem }> {
    if (content.sniff.kind !== 'image') {
      return {};
    }
    if (!content.bytes) {
      const problem = havenError('IMAGE_NOT_DECODED', {
        size: content.size,
        limit: this.#options.maxImageBytes,
      });
      return { problem: { code: problem.code, reason: problem.message } };
    }
    try {
      const image = await this.#options.analyser.analyse({
        bytes: content.bytes,
        mime: content.sniff.mime,
        maxPixels: this.#options.maxImagePixels,
        withPreviews: this.#options.withPreviews,
      });
      return { image };
    } catch (error) {
      const code = isHavenError(error) ? error.code : 'IMAGE_UNDECODABLE';
      return { problem: { code, reason: describeError(error) } };
    }
  }

  async #expand(
    source: ContentSource,
    content: ContentBytes,
    ref: Ref,
    budget: ArchiveBudget,
  ): Promise<void> {
    const running = new Set<Promise<void>>();
    const failures: unknown[] = [];
    const archive = { source, sha256: content.sha256, bytes: content.bytes };
    for await (const child of zipChildren(archive, budget)) {
      if (failures.length > 0) {
        break;
      }
      if ('problem' in child) {
        if (!(await this.#handler.alreadyDone(child.problem.pathKey, ref))) {
          await this.#handler.onProblem(problemPlace(child.problem), child.problem, ref);
        }
        continue;
      }
      if (await this.#handler.alreadyDone(child.source.pathKey, ref)) {
        continue;
      }
      // The archive is read through a random-access reader, so several entries can be in flight.
      const task = this.#process(child.source, ref, budget).catch((error: unknown) => {
        failures.push(error);
      });
      running.add(task);
      void task.finally(() => running.delete(task));
      if (running.size >= this.#options.entryConcurrency) {
        await Promise.race(running);
      }
    }
    await Promise.all(running);
    if (failures.length > 0) {
      // Not a problem with the content (those are recorded per entry) but with recording itself.
      throw failures[0];
    }
  }

  #memoryLimit(sniff: SniffResult, source: ContentSource): number {
    const { maxImageBytes, archiveLimits } = this.#options;
    if (sniff.kind === 'image') {
      return maxImageBytes;
    }
    if (isOpenableArchive(sniff) && source.filePath === null) {
      return archiveLimits.nestedMaxBytes;
    }
    return SMALL_CONTENT_BYTES;
  }
}

function problemPlace(problem: ArchiveProblem): { displayPath: string; pathKey: Buffer; size: number } {
  return { displayPath: problem.displayPath, pathKey: problem.pathKey, size: 0 };
}

function readProblem(error: unknown, source: ContentSource): Problem {
  if (isHavenError(error)) {
    return { code: error.code, reason: error.message };
  }
  if (source.depth > 0) {
    return { code: 'ARCHIVE_ENTRY_UNREADABLE', reason: describeError(error) };
  }
  return { code: 'INPUT_UNREADABLE', reason: errnoReason(error) };
}
