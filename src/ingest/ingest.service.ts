import { createHash, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { caseService } from '#haven/cases/case.service.js';
import type { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import { ingestRepository } from '#haven/ingest/ingest.repository.js';
import type { IngestItemResult, IngestRecord, IngestSummary } from '#haven/ingest/ingest.types.js';
import { IngestRecorder, type ItemRef } from '#haven/ingest/ingest-recorder.js';
import { ContentPipeline } from '#haven/ingest/pipeline/content-pipeline.js';
import { pipelineOptions } from '#haven/ingest/pipeline/pipeline-options.js';
import { fileSource, storedSource } from '#haven/ingest/pipeline/content-source.js';
import { timesOf } from '#haven/ingest/walk/file-times.js';
import { errnoReason, walkSources } from '#haven/ingest/walk/walk-sources.js';
import type { SignalIndexes } from '#haven/matching/signal-indexes.js';
import type { TriageService } from '#haven/matching/triage.service.js';
import type { Config } from '#haven/platform/config/config.schema.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';
import { JobInterrupted } from '#haven/platform/jobs/job-runner.js';
import type { Logger } from '#haven/platform/log/logger.js';

export const INGEST_QUEUE = 'ingest.run';
export const ingestJobKey = (ingestId: string): string => `ingest:${ingestId}`;

export interface IngestDeps {
  readonly config: Config;
  readonly db: Database;
  readonly originals: BlobStore;
  readonly previews: BlobStore;
  readonly analyser: ImageAnalyser;
  readonly indexes: SignalIndexes;
  readonly triage: TriageService;
  readonly log: Logger;
  readonly toolVersion: string;
}

export interface IngestProgress {
  readonly phase: 'enumerating' | 'processing';
  readonly found: number;
  readonly handled: number;
}

const ENUMERATION_BATCH = 500;

export class IngestService {
  readonly #deps: IngestDeps;
  readonly #watchers = new Map<string, Set<(progress: IngestProgress) => void>>();

  constructor(deps: IngestDeps) {
    this.#deps = deps;
  }

  /**
   * Starts an ingest of `sources` into a case, or resumes the unfinished one with the same case and
   * sources. The work itself is a durable job, enqueued in the same transaction.
   */
  async start(request: {
    caseReference: string;
    sources: readonly string[];
    operator: string;
    /** Agency that owns the case if this ingest creates it. */
    agencyId: string;
  }): Promise<IngestRecord> {
    const { db, config, toolVersion } = this.#deps;
    if (request.sources.length === 0) {
      throw havenError('INVALID_ARGUMENT', { reason: 'Nothing to ingest: give at least one file or folder' });
    }
    const sources = [...new Set(request.sources.map((source) => path.resolve(source)))];
    return db.transaction(async (tx) => {
      const caseRecord = await caseService.ensure(
        tx,
        request.caseReference,
        request.operator,
        request.agencyId,
      );
      const fingerprint = createHash('sha256')
        .update(JSON.stringify([caseRecord.id, [...sources].sort()]))
        .digest('hex');
      const unfinished = await ingestRepository.findUnfinished(tx, fingerprint);
      if (unfinished) {
        await ingestRepository.markResumed(tx, unfinished.id);
        return (await ingestRepository.get(tx, unfinished.id))!;
      }
      const id = randomUUID();
      await ingestRepository.insert(tx, {
        id,
        caseId: caseRecord.id,
        fingerprint,
        sources,
        operator: request.operator,
        host: config.host,
        toolVersion,
      });
      await jobQueue.enqueue(tx, { queue: INGEST_QUEUE, key: ingestJobKey(id), payload: { ingestId: id } });
      return (await ingestRepository.get(tx, id))!;
    });
  }

  /** Calls `listener` with the progress of an ingest while it runs in this process; returns an unsubscribe. */
  watch(ingestId: string, listener: (progress: IngestProgress) => void): () => void {
    const listeners = this.#watchers.get(ingestId) ?? new Set();
    listeners.add(listener);
    this.#watchers.set(ingestId, listeners);
    return () => {
      listeners.delete(listener);
    };
  }

  /** Does (or finishes) the work of an ingest. Safe to run again after a crash at any point. */
  async run(ingestId: string, signal?: AbortSignal): Promise<void> {
    const onProgress = (progress: IngestProgress): void => {
      for (const listener of this.#watchers.get(ingestId) ?? []) {
        listener(progress);
      }
    };
    const { db, log } = this.#deps;
    const ingest = await ingestRepository.get(db, ingestId);
    if (!ingest) {
      throw havenError('INGEST_NOT_FOUND', { ingestId });
    }
    if (ingest.state === 'done') {
      return;
    }
    const counters = { found: 0, handled: 0 };
    if (ingest.state === 'enumerating') {
      await this.#enumerate(ingest, (found) => {
        counters.found = found;
        onProgress({ phase: 'enumerating', found, handled: 0 });
      });
      await ingestRepository.setState(db, ingest.id, 'processing');
    }
    counters.found = await ingestRepository.countPending(db, ingest.id);
    await this.#process(ingest, signal, () => {
      counters.handled += 1;
      log.debug('item recorded', { ingest: ingest.id, handled: counters.handled });
      onProgress({ phase: 'processing', ...counters });
    });
    await this.#deps.indexes.save();
    await ingestRepository.setState(db, ingest.id, 'done');
    log.debug('ingest finished', { ingest: ingest.id });
  }

  /** An ingest fed over HTTP: created empty in state 'uploading', filled by receiveUpload, then started. */
  async createUpload(
    tx: Queryable,
    request: { caseId: string; operator: string; userId: string | null },
  ): Promise<IngestRecord> {
    const id = randomUUID();
    await ingestRepository.insertUpload(tx, {
      id,
      caseId: request.caseId,
      operator: request.operator,
      host: this.#deps.config.host,
      toolVersion: this.#deps.toolVersion,
      userId: request.userId,
    });
    return (await ingestRepository.get(tx, id))!;
  }

  /**
   * Streams one uploaded file into the evidence store (encrypted, hashed on the way, never held in
   * memory whole) and records it as a pending item of the ingest. Returns what was stored.
   */
  async receiveUpload(
    ingest: IngestRecord,
    name: string,
    content: AsyncIterable<Uint8Array>,
    isTruncated: () => boolean,
    limit: number,
  ): Promise<{ name: string; sha256: string; size: number }> {
    if (ingest.state !== 'uploading') {
      throw havenError('CONFLICT', {
        reason: `Ingest ${ingest.id} is ${ingest.state}, not open for uploads`,
      });
    }
    const writer = this.#deps.originals.createWriter();
    let stored;
    try {
      for await (const chunk of content) {
        await writer.write(chunk);
      }
      if (isTruncated()) {
        throw havenError('PAYLOAD_TOO_LARGE', { limit });
      }
      stored = await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    const sha256 = Buffer.from(stored.sha256).toString('hex');
    const path = `upload/${safeUploadName(name)}`;
    await this.#deps.db.transaction(async (tx) => {
      // The ingest may have been started while this file was streaming: then it is too late.
      const state = await ingestRepository.lockState(tx, ingest.id);
      if (state !== 'uploading') {
        throw havenError('CONFLICT', {
          reason: `Ingest ${ingest.id} was started meanwhile; upload into a new ingest`,
        });
      }
      await ingestRepository.addUploadItem(tx, ingest.id, {
        path,
        key: Buffer.from(`${path}\0${sha256}`),
        sha256: stored.sha256,
        size: stored.size,
      });
    });
    return { name: path, sha256, size: stored.size };
  }

  /** Closes an upload ingest and queues its processing (in one transaction). */
  async startUpload(tx: Queryable, ingest: IngestRecord): Promise<void> {
    if ((await ingestRepository.lockState(tx, ingest.id)) !== 'uploading') {
      throw havenError('CONFLICT', {
        reason: `Ingest ${ingest.id} is ${ingest.state}, not waiting to start`,
      });
    }
    await ingestRepository.setState(tx, ingest.id, 'processing');
    await jobQueue.enqueue(tx, {
      queue: INGEST_QUEUE,
      key: ingestJobKey(ingest.id),
      payload: { ingestId: ingest.id },
    });
  }

  listForCase(caseId: string): Promise<IngestRecord[]> {
    return ingestRepository.listForCase(this.#deps.db, caseId);
  }

  async get(ingestId: string): Promise<IngestRecord> {
    const found = await ingestRepository.get(this.#deps.db, ingestId);
    if (!found) {
      throw havenError('INGEST_NOT_FOUND', { ingestId });
    }
    return found;
  }

  async latest(caseReference?: string): Promise<IngestRecord> {
    const { db } = this.#deps;
    const caseId = caseReference === undefined ? undefined : (await caseService.get(db, caseReference)).id;
    const found = await ingestRepository.latest(db, caseId);
    if (!found) {
      throw havenError('INGEST_NOT_FOUND', {
        ingestId: caseReference ? `in case ${caseReference}` : '(none yet)',
      });
    }
    return found;
  }

  results(
    ingestId: string,
    page?: { offset: number; limit: number | null; status?: string | undefined },
  ): Promise<IngestItemResult[]> {
    return ingestRepository.results(this.#deps.db, ingestId, page);
  }

  async summary(ingestId: string): Promise<IngestSummary> {
    return ingestRepository.summary(this.#deps.db, await this.get(ingestId));
  }

  async #enumerate(ingest: IngestRecord, onFound: (found: number) => void): Promise<void> {
    const { db } = this.#deps;
    let batch: { path: string; key: Uint8Array; errorCode: string | null; error: string | null }[] = [];
    let found = 0;
    const flush = async (): Promise<void> => {
      await ingestRepository.addItems(db, ingest.id, batch);
      batch = [];
      onFound(found);
    };
    for await (const entry of walkSources(ingest.sources)) {
      found += 1;
      batch.push({
        path: entry.displayPath,
        key: entry.pathKey,
        errorCode: entry.problem?.code ?? null,
        error: entry.problem?.reason ?? null,
      });
      if (batch.length >= ENUMERATION_BATCH) {
        await flush();
      }
    }
    await flush();
  }

  async #process(ingest: IngestRecord, signal: AbortSignal | undefined, onItem: () => void): Promise<void> {
    const { db, config } = this.#deps;
    const caseRecord = await caseService.get(db, ingest.caseReference);
    const recorder = new IngestRecorder(this.#deps, ingest.id, caseRecord, onItem);
    const { workers } = config;
    const pipeline = new ContentPipeline(
      pipelineOptions(config, this.#deps.analyser, this.#deps.originals),
      recorder,
    );
    const running = new Set<Promise<void>>();
    const failures: unknown[] = [];
    let afterId = 0;
    for (;;) {
      const page = await ingestRepository.pendingTopLevel(db, ingest.id, afterId, 200);
      if (page.length === 0 || failures.length > 0 || aborted(signal)) {
        break;
      }
      for (const item of page) {
        if (aborted(signal)) {
          break;
        }
        afterId = item.id;
        const work = item.uploadSha256
          ? pipeline.process(
              storedSource(
                this.#deps.originals,
                item.uploadSha256,
                item.sourcePath,
                item.sourcePathKey,
                item.uploadSize ?? 0,
              ),
            )
          : this.#processFile(pipeline, recorder, item.sourcePathKey, item.sourcePath);
        const task = work.catch((error: unknown) => {
          failures.push(error);
        });
        running.add(task);
        void task.finally(() => running.delete(task));
        if (running.size >= workers.ingestConcurrency) {
          await Promise.race(running);
        }
      }
    }
    await Promise.all(running);
    if (failures.length > 0) {
      throw failures[0];
    }
    if (signal?.aborted) {
      // Finished items stay finished; the rest runs when the job is picked up again.
      throw new JobInterrupted();
    }
  }

  async #processFile(
    pipeline: ContentPipeline<ItemRef>,
    recorder: IngestRecorder,
    fsPath: Buffer,
    displayPath: string,
  ): Promise<void> {
    let stats;
    try {
      stats = await stat(fsPath);
    } catch (error) {
      await recorder.onProblem(
        { displayPath, pathKey: fsPath, size: 0 },
        { code: 'INPUT_UNREADABLE', reason: errnoReason(error) },
        null,
      );
      return;
    }
    await pipeline.process(fileSource(fsPath, displayPath, stats.size, timesOf(stats)));
  }
}

/** A file name as a client sent it, made safe to show: no directories above it, no control characters. */
function safeUploadName(name: string): string {
  const parts = name
    .replace(/\\/g, '/')
    .split('/')
    .map((part) => part.replace(/\p{Cc}/gu, '?').trim())
    .filter((part) => part !== '' && part !== '.' && part !== '..');
  return parts.length > 0 ? parts.join('/').slice(0, 512) : 'unnamed';
}

// A function, not an inline check: the signal changes while this code awaits.
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
