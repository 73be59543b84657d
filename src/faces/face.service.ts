import type { Actor } from '#haven/access/actor.js';
import { accessService } from '#haven/access/access.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import { FACE_MODEL, FaceEngine } from '#haven/faces/face-engine.js';
import { FaceIndex } from '#haven/faces/face-index.js';
import { clusterBySimilarity } from '#haven/faces/face-math.js';
import { faceRepository } from '#haven/faces/face.repository.js';
import type {
  DetectedFace,
  FaceBox,
  FaceHit,
  FaceRecord,
  FaceSettings,
  PlacedFace,
  SuggestionRecord,
} from '#haven/faces/face.types.js';
import { enqueueFaceScan } from '#haven/faces/face-queue.js';
import { mediaService } from '#haven/media/media.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';
import { havenError, describeError } from '#haven/platform/errors/haven-error.js';
import type { Logger } from '#haven/platform/log/logger.js';
import { seriesService } from '#haven/series/series.service.js';
import type { AuditContext } from '#haven/series/series.types.js';
import { renderFaceCrop } from '#haven/faces/face-crop.js';
import type { FramePicture, MediaPictures } from '#haven/faces/media-pictures.js';

export interface FaceServiceOptions {
  readonly db: Database;
  readonly originals: BlobStore;
  /** An image's original or a video's keyframes. */
  readonly pictures: MediaPictures;
  readonly framePicture: FramePicture;
  readonly log: Logger;
  readonly matchThreshold: number;
  readonly minQuality: number;
}

/** One result of `searchFacesByImage`: the shape `haven similar` merges with place/object hits. */
export interface FaceSearchResult {
  readonly mediaId: string;
  readonly sha256: string;
  readonly score: number;
  readonly kind: 'face';
  readonly box: FaceBox;
}

const SCAN_BATCH = 20;
const SUGGESTIONS_PER_FACE = 20;

/**
 * Faces: opt-in per agency, every computation logged in face_runs. Held faces are searched in
 * memory (FaceIndex), grown from the database before each search.
 */
export class FaceService {
  readonly #options: FaceServiceOptions;
  readonly #index = new FaceIndex();

  constructor(options: FaceServiceOptions) {
    this.#options = options;
  }

  get threshold(): number {
    return this.#options.matchThreshold;
  }

  settings = (db: Queryable, agencyId: string): Promise<FaceSettings> =>
    faceRepository.settings(db, agencyId);

  /** Turns face processing on or off for an agency (audited); turning it on starts a scan. */
  async setEnabled(
    tx: Queryable,
    actor: Actor,
    agencyId: string,
    enabled: boolean,
    audit: Partial<AuditContext>,
  ): Promise<FaceSettings> {
    await faceRepository.setEnabled(tx, agencyId, enabled, actor.name);
    await auditService.record(tx, {
      actor,
      action: 'faces.settings',
      outcome: 'ok',
      objectType: 'agency',
      objectId: agencyId,
      details: { enabled },
      ...audit,
    });
    if (enabled) {
      await enqueueFaceScan(tx, agencyId);
    }
    return faceRepository.settings(tx, agencyId);
  }

  /** Asks for a scan of every opted-in agency's images that have no faces yet. */
  requestScan = (tx: Queryable, reason: string): Promise<boolean> => enqueueFaceScan(tx, reason);

  /** The scan job: each medium commits on its own, so a killed scan resumes where it stopped. */
  async scan(signal?: AbortSignal, onProgress?: () => Promise<void>): Promise<number> {
    const { db } = this.#options;
    let done = 0;
    const failed = new Set<string>();
    for (;;) {
      const ids = (await faceRepository.pendingMedia(db, null, SCAN_BATCH + failed.size)).filter(
        (id) => !failed.has(id),
      );
      if (ids.length === 0) {
        return done;
      }
      for (const id of ids) {
        signal?.throwIfAborted();
        if (!(await this.analyseMedia(id, 'faces.scan'))) {
          failed.add(id);
        }
        done++;
        await onProgress?.();
      }
    }
  }

  /**
   * Computes and stores the faces of one held image, once, if an agency holding it opted in.
   * Returns false when the image could not be read (the failed run is logged).
   */
  async analyseMedia(mediaId: string, actorName: string): Promise<boolean> {
    const { db, log } = this.#options;
    if ((await faceRepository.hasRun(db, mediaId)) || !(await faceRepository.optedInHolder(db, mediaId))) {
      return true;
    }
    const [facts] = await mediaService.facts(db, [mediaId]);
    if (!facts || (facts.kind !== 'image' && facts.kind !== 'video')) {
      return true;
    }
    const started = Date.now();
    const faces: PlacedFace[] = [];
    let error: string | null = null;
    try {
      const engine = await FaceEngine.shared();
      for (const picture of await this.#options.pictures(facts)) {
        for (const face of await engine.detect(picture.bytes)) {
          faces.push({ ...face, framePosition: picture.framePosition });
        }
      }
    } catch (caught) {
      error = describeError(caught);
      log.warn('face detection failed', { media: mediaId, error });
    }
    await db.transaction(async (tx) => {
      await faceRepository.lockMedia(tx, mediaId);
      if (await faceRepository.hasRun(tx, mediaId)) {
        return;
      }
      await faceRepository.insertFaces(tx, mediaId, faces, FACE_MODEL);
      await faceRepository.insertRun(tx, {
        kind: 'media',
        mediaId,
        agencyId: null,
        actor: actorName,
        model: FACE_MODEL,
        faces: faces.length,
        millis: Date.now() - started,
        error,
      });
    });
    return error === null;
  }

  async #refreshIndex(): Promise<FaceIndex> {
    for (;;) {
      const batch = await faceRepository.facesAfter(this.#options.db, this.#index.lastId, 5000);
      if (batch.length === 0) {
        return this.#index;
      }
      this.#index.add(batch);
    }
  }

  /** Faces of the query image against every held face, best per medium, logged as a search run. */
  async #search(
    bytes: Uint8Array,
    limit: number,
    minScore: number,
    who: { actor: string; agencyId: string | null },
  ): Promise<{ faces: DetectedFace[]; hits: FaceHit[] }> {
    const started = Date.now();
    const engine = await FaceEngine.shared();
    let faces: DetectedFace[] = [];
    let error: string | null = null;
    try {
      faces = await engine.detect(bytes);
    } catch (caught) {
      error = describeError(caught);
      throw caught;
    } finally {
      // Logged whether or not the photo could be read.
      await faceRepository.insertRun(this.#options.db, {
        kind: 'search',
        mediaId: null,
        agencyId: who.agencyId,
        actor: who.actor,
        model: FACE_MODEL,
        faces: faces.length,
        millis: Date.now() - started,
        error,
      });
    }
    const index = await this.#refreshIndex();
    const best = new Map<string, FaceHit>();
    faces.forEach((face, queryFace) => {
      for (const hit of index.search(face.embedding, limit * 4, minScore)) {
        const known = best.get(hit.mediaId);
        if (!known || known.score < hit.score) {
          best.set(hit.mediaId, { ...hit, queryFace });
        }
      }
    });
    const hits = [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
    return { faces, hits };
  }

  /**
   * Held media showing a face of the image, most similar first, at or above `minScore` (default:
   * every face, ranked). For the command line and `haven similar`: no sharing applies (the system
   * sees everything).
   */
  /** Whether any face is held at all: a search for the same person is pointless before that. */
  async holdsFaces(): Promise<boolean> {
    return (await faceRepository.facesAfter(this.#options.db, 0, 1)).length > 0;
  }

  async searchFacesByImage(bytes: Uint8Array, limit: number, minScore = -1): Promise<FaceSearchResult[]> {
    const { hits } = await this.#search(bytes, limit, minScore, { actor: 'system', agencyId: null });
    return hits.map((hit) => ({
      mediaId: hit.mediaId,
      sha256: hex(hit.sha256),
      score: hit.score,
      kind: 'face',
      box: hit.box,
    }));
  }

  /**
   * A photo (e.g. of a missing child) against held faces for a user: only from an opted-in agency,
   * audited; matches the caller may not see say only that they exist and whom to ask.
   */
  async searchForActor(
    actor: Actor,
    bytes: Uint8Array,
    limit: number,
    audit: AuditContext,
  ): Promise<{
    faces: DetectedFace[];
    hits: FaceHit[];
    visible: Set<string>;
    holders: Map<string, { name: string; country: string; contact: string | null }[]>;
  }> {
    const { db } = this.#options;
    await this.requireOptedIn(db, actor);
    const { faces, hits } = await this.#search(bytes, limit, this.threshold, {
      actor: actor.name,
      agencyId: actor.agencyId,
    });
    const ids = hits.map((hit) => hit.mediaId);
    const visible = await accessService.visibleMedia(db, actor, ids);
    const holders = await accessService.holders(db, ids);
    await db.transaction((tx) =>
      auditService.record(tx, {
        actor,
        action: 'faces.search',
        outcome: 'ok',
        objectType: 'faces',
        details: { faces: faces.length, matches: hits.length, visible: visible.size },
        ...audit,
      }),
    );
    return { faces, hits, visible, holders };
  }

  async requireOptedIn(db: Queryable, actor: Actor): Promise<void> {
    if (actor.kind === 'system') {
      return;
    }
    if (actor.agencyId === null || !(await faceRepository.settings(db, actor.agencyId)).enabled) {
      throw havenError('FACES_DISABLED');
    }
  }

  /** The faces of a series' media, grouped into people (clusters) within the series. */
  async seriesFaces(
    db: Queryable,
    actor: Actor,
    seriesId: string,
  ): Promise<{ face: FaceRecord; cluster: number }[]> {
    await seriesService.requireVisible(db, actor, seriesId);
    const faces = await faceRepository.facesOfMedia(db, await seriesService.mediaIds(db, seriesId));
    const clusters = clusterBySimilarity(
      faces.map((face) => face.embedding),
      this.threshold,
    );
    return faces.map((face, i) => ({ face, cluster: clusters[i]! }));
  }

  /**
   * "Same person as in series X": faces of this series similar to faces in media of other series.
   * Found again on each call (new faces, new series members), recorded once; decisions stay.
   */
  async suggestions(db: Database, actor: Actor, seriesId: string): Promise<SuggestionRecord[]> {
    await seriesService.requireVisible(db, actor, seriesId);
    const mediaIds = new Set(await seriesService.mediaIds(db, seriesId));
    const faces = (await faceRepository.facesOfMedia(db, [...mediaIds])).filter(
      (face) => face.quality >= this.#options.minQuality,
    );
    const index = await this.#refreshIndex();
    const found: { face: FaceRecord; hit: { faceId: number; mediaId: string; score: number } }[] = [];
    for (const face of faces) {
      for (const hit of index.search(face.embedding, SUGGESTIONS_PER_FACE, this.threshold)) {
        if (!mediaIds.has(hit.mediaId)) {
          found.push({ face, hit });
        }
      }
    }
    const seriesOf = await seriesService.ofMedia(db, [...new Set(found.map((f) => f.hit.mediaId))]);
    await db.transaction(async (tx) => {
      for (const { face, hit } of found) {
        for (const other of seriesOf.filter((s) => s.mediaId === hit.mediaId && s.series.id !== seriesId)) {
          await faceRepository.upsertSuggestion(tx, {
            faceId: face.id,
            otherFaceId: hit.faceId,
            seriesId,
            otherSeriesId: other.series.id,
            score: hit.score,
          });
        }
      }
    });
    return faceRepository.suggestionsOfSeries(db, seriesId);
  }

  /**
   * Suggestions of every series the actor may see that holds a face, open ones first, then by
   * score: the overview a reviewer works through. Found afresh like those of one series.
   */
  async allSuggestions(
    db: Database,
    actor: Actor,
    state: SuggestionRecord['state'] | undefined,
  ): Promise<SuggestionRecord[]> {
    const withFaces = await faceRepository.mediaWithFaces(db, this.#options.minQuality);
    const seriesIds = [...new Set((await seriesService.ofMedia(db, withFaces)).map((s) => s.series.id))];
    const visible = await seriesService.visibleIds(db, actor, seriesIds);
    const all: SuggestionRecord[] = [];
    for (const seriesId of seriesIds.filter((id) => visible.has(id))) {
      all.push(...(await this.suggestions(db, actor, seriesId)));
    }
    const order = { open: 0, accepted: 1, rejected: 2 } as const;
    return all
      .filter((s) => state === undefined || s.state === state)
      .sort((a, b) => order[a.state] - order[b.state] || b.score - a.score || a.id - b.id);
  }

  /** A human's decision on a suggestion: recorded with who and when, audited. */
  async decide(
    tx: Queryable,
    actor: Actor,
    suggestionId: number,
    decision: 'accepted' | 'rejected',
    audit: AuditContext,
  ): Promise<SuggestionRecord> {
    const suggestion = await faceRepository.suggestion(tx, suggestionId);
    if (
      !suggestion ||
      !(await seriesService.visibleIds(tx, actor, [suggestion.seriesId])).has(suggestion.seriesId)
    ) {
      throw havenError('NOT_FOUND');
    }
    await faceRepository.decide(tx, suggestionId, decision, { name: actor.name, userId: actor.userId });
    await auditService.record(tx, {
      actor,
      action: `faces.suggestion.${decision === 'accepted' ? 'accept' : 'reject'}`,
      outcome: 'ok',
      objectType: 'series',
      objectId: suggestion.seriesId,
      details: {
        suggestion: suggestionId,
        otherSeries: suggestion.otherSeriesId,
        score: suggestion.score,
        previous: suggestion.state,
      },
      ...audit,
    });
    return (await faceRepository.suggestion(tx, suggestionId))!;
  }

  /** A face's crop, blurred and greyscale unless `clear`; only for a medium the actor may see. */
  async crop(
    db: Queryable,
    actor: Actor,
    faceId: number,
    clear: boolean,
  ): Promise<{ face: FaceRecord; webp: Buffer }> {
    const face = await faceRepository.face(db, faceId);
    if (!face || !(await accessService.visibleMedia(db, actor, [face.mediaId])).has(face.mediaId)) {
      throw havenError('NOT_FOUND');
    }
    const picture =
      face.framePosition === null
        ? await this.#options.originals.readAll(face.sha256)
        : await this.#options.framePicture(face.mediaId, face.framePosition);
    if (!picture) {
      throw havenError('NOT_FOUND');
    }
    return { face, webp: await renderFaceCrop(picture, face.box, clear) };
  }

  runs = (db: Queryable, limit: number): ReturnType<typeof faceRepository.runs> =>
    faceRepository.runs(db, limit);
}
