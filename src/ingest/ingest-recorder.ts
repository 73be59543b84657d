import type { CaseRecord } from '#haven/cases/case.types.js';
import { ingestRepository } from '#haven/ingest/ingest.repository.js';
import { enqueueMediaScans } from '#haven/ingest/media-scans.js';
import type { AnalysedContent, PipelineHandler, Problem } from '#haven/ingest/pipeline/content-pipeline.js';
import { probeOf, signalValuesOf } from '#haven/ingest/pipeline/probe.js';
import type { ContentSource } from '#haven/ingest/pipeline/content-source.js';
import { matchNotifier } from '#haven/leads/match-notifier.service.js';
import { mediaService } from '#haven/media/media.service.js';
import type { MediaDraft } from '#haven/media/media.types.js';
import type { SignalIndexes } from '#haven/matching/signal-indexes.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import type { TriageService } from '#haven/matching/triage.service.js';
import type { Database } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import { enqueueVideoAnalysis } from '#haven/video/video-queue.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';

export interface ItemRef {
  readonly itemId: number;
  doneChildren?: Set<string>;
}

export interface RecorderDeps {
  readonly db: Database;
  readonly previews: BlobStore;
  readonly indexes: SignalIndexes;
  readonly triage: TriageService;
}

/** Records every analysed content of one ingest: media, occurrence, hashes, triage, item outcome. */
export class IngestRecorder implements PipelineHandler<ItemRef> {
  readonly #deps: RecorderDeps;
  readonly #ingestId: string;
  readonly #case: CaseRecord;
  readonly #onItem: () => void;

  constructor(deps: RecorderDeps, ingestId: string, caseRecord: CaseRecord, onItem: () => void) {
    this.#deps = deps;
    this.#ingestId = ingestId;
    this.#case = caseRecord;
    this.#onItem = onItem;
  }

  async onContent(analysed: AnalysedContent, parent: ItemRef | null): Promise<ItemRef> {
    const { db, indexes, triage } = this.#deps;
    const draft = await this.#draftOf(analysed);
    const { source, content } = analysed;
    const { itemId, added } = await db.transaction(async (tx) => {
      const { media } = await mediaService.record(tx, draft, this.#ingestId);
      if (draft.kind === 'video' && draft.analysisState === 'pending') {
        await enqueueVideoAnalysis(tx, media.id);
      }
      const added = await signalValuesService.record(tx, media.id, signalValuesOf(analysed));
      await mediaService.recordFile(tx, {
        mediaId: media.id,
        caseId: this.#case.id,
        ingestId: this.#ingestId,
        sourcePath: source.displayPath,
        sourcePathKey: source.pathKey,
        containerSha256: source.containerSha256,
        size: content.size,
        ...source.times,
      });
      if ((draft.kind === 'image' || draft.kind === 'video') && draft.analysisState === 'done') {
        await enqueueMediaScans(tx, media.id);
      }
      const result = await triage.triage(tx, probeOf(analysed), { excludeIngestId: this.#ingestId });
      const itemId = await ingestRepository.saveOutcome(tx, {
        ingestId: this.#ingestId,
        parentItemId: parent?.itemId ?? null,
        sourcePath: source.displayPath,
        sourcePathKey: source.pathKey,
        isArchiveEntry: source.depth > 0,
        state: analysed.expands ? 'pending' : 'done',
        status: analysed.problem ? 'error' : result.status,
        errorCode: analysed.problem?.code ?? null,
        error: analysed.problem?.reason ?? null,
        mediaId: media.id,
        mime: content.sniff.mime,
        kind: content.sniff.kind,
        matches: result.matches,
        lists: result.lists,
      });
      await matchNotifier.onMatches(tx, {
        agencyId: this.#case.agencyId,
        ingestId: this.#ingestId,
        matchedMediaIds: result.matches.map((match) => match.mediaId),
      });
      return { itemId, added };
    });
    indexes.noteAdded(added);
    this.#onItem();
    return { itemId };
  }

  async onProblem(
    where: { displayPath: string; pathKey: Buffer; size: number; source?: ContentSource },
    problem: Problem,
    parent: ItemRef | null,
  ): Promise<void> {
    await ingestRepository.saveOutcome(this.#deps.db, {
      ingestId: this.#ingestId,
      parentItemId: parent?.itemId ?? null,
      sourcePath: where.displayPath,
      sourcePathKey: where.pathKey,
      isArchiveEntry: parent !== null,
      state: 'done',
      status: 'error',
      errorCode: problem.code,
      error: problem.reason,
      mediaId: null,
      mime: null,
      kind: null,
      matches: [],
    });
    this.#onItem();
  }

  async onArchiveDone(ref: ItemRef): Promise<void> {
    await ingestRepository.markItemDone(this.#deps.db, ref.itemId);
  }

  async alreadyDone(pathKey: Buffer, parent: ItemRef): Promise<boolean> {
    parent.doneChildren ??= await ingestRepository.doneChildKeys(this.#deps.db, parent.itemId);
    return parent.doneChildren.has(hex(pathKey));
  }

  async #draftOf(analysed: AnalysedContent): Promise<MediaDraft> {
    const { content, image, problem } = analysed;
    const kind = content.sniff.kind;
    let thumbnailSha256: Uint8Array | null = null;
    let blurredSha256: Uint8Array | null = null;
    if (image?.previews) {
      thumbnailSha256 = (await this.#deps.previews.putBytes(image.previews.thumbnail.bytes)).sha256;
      blurredSha256 = (await this.#deps.previews.putBytes(image.previews.blurred.bytes)).sha256;
    }
    const analysisState = problem ? 'error' : kind === 'video' ? 'pending' : 'done';
    return {
      sha256: content.sha256,
      size: content.size,
      mime: content.sniff.mime,
      kind,
      format: image?.format ?? content.sniff.format,
      width: image?.width ?? null,
      height: image?.height ?? null,
      analysisState,
      analysisError: problem?.reason ?? null,
      metadata: image
        ? {
            exif: image.exif,
            previews: image.previews && {
              thumbnail: { width: image.previews.thumbnail.width, height: image.previews.thumbnail.height },
              blurred: { width: image.previews.blurred.width, height: image.previews.blurred.height },
              mime: image.previews.thumbnail.mime,
            },
          }
        : null,
      thumbnailSha256,
      blurredSha256,
    };
  }
}
