import type { Database, Queryable } from '#haven/platform/db/database.js';
import { havenError, HavenError } from '#haven/platform/errors/haven-error.js';
import type { FsBlobStore } from '#haven/platform/evidence/fs-blob-store.js';
import type { Logger } from '#haven/platform/log/logger.js';
import { decodeForHashing } from '#haven/ingest/image/decode-image.js';
import { sniffMediaType } from '#haven/ingest/media-types/sniff.js';
import { DEFAULT_BRANCH_SEARCH } from '#haven/signals/orb/descriptor-matching.js';
import type { VerifyOptions } from '#haven/signals/orb/geometric-verification.js';
import type { LocalFeatures } from '#haven/signals/orb/orb-features.js';
import { mirroredBreadth, verifyCandidates } from '#haven/signals/orb/verify-candidates.js';
import { orbSignal } from '#haven/signals/orb/orb-signal.js';
import { gemSignal } from '#haven/signals/gem/gem-signal.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import path from 'node:path';
import { SimilarityIndex } from './similarity-index.js';
import { SimilarityGlobalIndex } from './similarity-global-index.js';
import { similarityGlobalRepository } from './similarity-global.repository.js';
import { fuse } from './similarity-fusion.js';
import { similarityRepository } from './similarity.repository.js';
import {
  enqueueFeatureExtraction,
  enqueueGlobalExtraction,
  similarityGlobalJobKey,
  similarityJobKey,
} from './similarity-queue.js';
import type {
  Region,
  SearchOptions,
  SimilarityHit,
  SimilarityOutcome,
  SimilaritySource,
} from './similarity.types.js';

export interface SimilarityDeps {
  readonly db: Database;
  readonly originals: FsBlobStore;
  readonly log: Logger;
  readonly indexFile: string;
  readonly maxPixels: number;
  /** Verified matches with fewer inliers are not reported (the default acceptance threshold). */
  readonly minInliers: number;
  /** Candidates from the inverted file that are geometrically verified per query. */
  readonly verifyCandidates: number;
  /** Matches whose global descriptors are at least this similar are accepted without inliers. */
  readonly minGlobalSimilarity: number;
  /** Nearest neighbours by global descriptor added to the candidates (per query orientation). */
  readonly globalCandidates: number;
}

const DEFAULT_LIMIT = 20;

/** Checks a region against the image it is meant for; returns it clamped to whole pixels. */
export function checkRegion(region: Region, width: number, height: number): Region {
  const values = [region.x, region.y, region.width, region.height];
  const text = values.join(',');
  if (!values.every((v) => Number.isFinite(v))) {
    throw havenError('SIMILARITY_REGION_INVALID', { region: text, reason: 'X, Y, W and H must be numbers' });
  }
  if (region.x < 0 || region.y < 0 || region.width < 16 || region.height < 16) {
    throw havenError('SIMILARITY_REGION_INVALID', {
      region: text,
      reason: 'X and Y must be at least 0, W and H at least 16 pixels',
    });
  }
  if (region.x + region.width > width || region.y + region.height > height) {
    throw havenError('SIMILARITY_REGION_INVALID', {
      region: text,
      reason: `it reaches outside the ${width}x${height} image`,
    });
  }
  return {
    x: Math.floor(region.x),
    y: Math.floor(region.y),
    width: Math.floor(region.width),
    height: Math.floor(region.height),
  };
}

/**
 * Place and object search over everything held: features come from decrypted originals in memory
 * (never written to disk). Candidates come from two sources, the inverted file over local features
 * and the nearest neighbours by global descriptor; each is geometrically verified, and a match is
 * accepted by enough inliers OR by a high global similarity (another viewpoint of a room shares
 * too few keypoints for a homography but still looks alike as a whole).
 */
export class SimilarityService {
  readonly #index: SimilarityIndex;
  readonly #globalIndex: SimilarityGlobalIndex;
  readonly #extraSources: SimilaritySource[] = [];

  constructor(private readonly deps: SimilarityDeps) {
    this.#index = new SimilarityIndex(deps.indexFile, deps.log);
    this.#globalIndex = new SimilarityGlobalIndex(
      gemSignal,
      path.join(path.dirname(deps.indexFile), `similarity-${gemSignal.name}.bin`),
      deps.log,
    );
  }

  /** Adds another source of results (e.g. faces); its hits are merged with places and objects. */
  addSource(source: SimilaritySource): void {
    this.#extraSources.push(source);
  }

  /** Enqueues extraction jobs (local features, global descriptor) for held still images lacking them. */
  async enqueueMissing(limit = 100_000): Promise<string[]> {
    const { db } = this.deps;
    const [pending, pendingGlobal] = await Promise.all([
      similarityRepository.pendingImages(db, orbSignal.name, orbSignal.pipelineVersion, limit),
      similarityGlobalRepository.pendingImages(db, gemSignal.name, gemSignal.pipelineVersion, limit),
    ]);
    const keys: string[] = [];
    await db.transaction(async (tx) => {
      for (const image of pending) {
        await enqueueFeatureExtraction(tx, image.mediaId);
        keys.push(similarityJobKey(image.mediaId));
      }
      for (const image of pendingGlobal) {
        await enqueueGlobalExtraction(tx, image.mediaId);
        keys.push(similarityGlobalJobKey(image.mediaId));
      }
    });
    return keys;
  }

  /** The global job's work: computes and stores one medium's descriptor; nothing when it is current. */
  async extractGlobal(mediaId: string): Promise<void> {
    const { db } = this.deps;
    const { name, pipelineVersion } = gemSignal;
    await this.#computeOnce(mediaId, {
      current: () => similarityGlobalRepository.hasCurrent(db, mediaId, name, pipelineVersion),
      compute: async (image) =>
        similarityGlobalRepository.save(db, mediaId, name, pipelineVersion, await gemSignal.describe(image)),
      undecodable: (reason) =>
        similarityGlobalRepository.saveError(db, mediaId, name, pipelineVersion, reason),
    });
  }

  /** The job's work: extracts and stores one medium's features; does nothing when they are current. */
  async extract(mediaId: string): Promise<void> {
    const { db } = this.deps;
    const { name, pipelineVersion } = orbSignal;
    await this.#computeOnce(mediaId, {
      current: async () =>
        (await similarityRepository.featuresOfMedia(db, mediaId, name, pipelineVersion)) !== undefined,
      compute: async (image) =>
        similarityRepository.saveFeatures(db, mediaId, name, pipelineVersion, await orbSignal.extract(image)),
      undecodable: (reason) => similarityRepository.saveError(db, mediaId, name, pipelineVersion, reason),
    });
  }

  /**
   * Computes one signal of a held picture from its decrypted original unless it is current; a
   * picture that cannot be decoded is recorded as such, so the job does not fail again and again.
   */
  async #computeOnce(
    mediaId: string,
    step: {
      current: () => Promise<boolean>;
      compute: (image: DecodedImage) => Promise<void>;
      undecodable: (reason: string) => Promise<void>;
    },
  ): Promise<void> {
    if (await step.current()) {
      return;
    }
    const image = await similarityRepository.image(this.deps.db, mediaId);
    if (!image) {
      return;
    }
    try {
      const bytes = await this.deps.originals.readAll(image.sha256);
      await step.compute(await this.#decode(bytes, image.mime));
    } catch (error) {
      if (!(error instanceof HavenError) || error.code !== 'IMAGE_UNDECODABLE') {
        throw error;
      }
      await step.undecodable(error.message);
    }
  }

  /** Brings the index up to date (new feature rows, vocabulary when due) and saves its snapshot. */
  async refreshIndex(): Promise<void> {
    await Promise.all([this.#index.refresh(this.deps.db), this.#globalIndex.refresh(this.deps.db)]);
    await Promise.all([this.#index.save(), this.#globalIndex.save()]);
  }

  async saveIndex(): Promise<void> {
    await Promise.all([this.#index.save(), this.#globalIndex.save()]);
  }

  /** Searches with an image given as bytes (a file, an upload). Throws IMAGE_UNDECODABLE for non-images. */
  async searchBytes(bytes: Uint8Array, options: SearchOptions): Promise<SimilarityOutcome> {
    await this.enqueueMissing();
    const sniffed = sniffMediaType(bytes.subarray(0, 4096));
    if (sniffed.kind !== 'image') {
      throw havenError('IMAGE_UNDECODABLE', { reason: `the file is not a still image (${sniffed.format})` });
    }
    return this.#search(await this.#decode(bytes, sniffed.mime), options);
  }

  /** Searches with a held medium (optionally a region of it); the medium itself is left out. */
  async searchHeld(db: Queryable, mediaId: string, options: SearchOptions): Promise<SimilarityOutcome> {
    await this.enqueueMissing();
    const image = await similarityRepository.image(db, mediaId);
    if (!image) {
      throw havenError('NOT_FOUND', {});
    }
    const bytes = await this.deps.originals.readAll(image.sha256);
    const decoded = await this.#decode(bytes, image.mime);
    // The whole picture's features are stored: only a region (or a held image not yet extracted)
    // is extracted again.
    const stored = options.region
      ? undefined
      : await similarityRepository.featuresOfMedia(db, mediaId, orbSignal.name, orbSignal.pipelineVersion);
    // So is its global descriptor as taken: only the flipped one is computed (each takes ~0.5 s).
    const storedGlobal = options.region
      ? undefined
      : await similarityGlobalRepository.ofMedia(db, mediaId, gemSignal.name, gemSignal.pipelineVersion);
    return this.#search(decoded, { ...options, excludeMediaId: mediaId }, stored, storedGlobal?.vector);
  }

  async #decode(bytes: Uint8Array, mime: string): Promise<DecodedImage> {
    return (await decodeForHashing(bytes, mime, { maxPixels: this.deps.maxPixels })).image;
  }

  async #search(
    image: DecodedImage,
    options: SearchOptions,
    known?: LocalFeatures,
    knownGlobal?: Float32Array,
  ): Promise<SimilarityOutcome> {
    const region = options.region ? checkRegion(options.region, image.width, image.height) : null;
    const limit = options.limit ?? DEFAULT_LIMIT;
    const { db } = this.deps;
    await this.refreshIndex();
    const features =
      known && known.width === image.width && known.height === image.height
        ? known
        : await orbSignal.extract(image, region);
    const probe = { width: image.width, height: image.height, region, keypoints: features.count };
    const mirrored = features.count > 0 ? await orbSignal.extract(image, region, true) : null;
    const breadth = Math.max(this.deps.verifyCandidates, limit) + 1;
    const direct = mirrored ? this.#index.candidates(features, breadth).map((c) => c.id) : [];
    const flipped = mirrored
      ? this.#index.candidates(mirrored, mirroredBreadth(breadth)).map((c) => c.id)
      : [];

    // Second source: the nearest held pictures by global descriptor, as taken and flipped.
    const global = [
      knownGlobal && knownGlobal.length === gemSignal.dimensions
        ? knownGlobal
        : await gemSignal.describe(image, region),
      await gemSignal.describe(image, region, true),
    ] as const;
    const near = [
      ...this.#globalIndex.nearest(global[0], this.deps.globalCandidates + 1),
      ...this.#globalIndex.nearest(global[1], this.deps.globalCandidates + 1),
    ];
    const nearMedia = (await similarityGlobalRepository.byIds(db, [...new Set(near.map((n) => n.id))])).map(
      (row) => row.mediaId,
    );
    const stored = await similarityRepository.featuresByIds(db, [...new Set([...direct, ...flipped])]);
    const storedMedia = new Set(stored.map((row) => row.mediaId));
    const fromGlobal = await similarityRepository.featuresOfMediaIds(
      db,
      nearMedia.filter((id) => !storedMedia.has(id)),
      orbSignal.name,
      orbSignal.pipelineVersion,
    );
    const candidates = [...stored, ...fromGlobal].filter((row) => row.mediaId !== options.excludeMediaId);
    const verified =
      mirrored === null
        ? []
        : await verifyCandidates(
            { direct: features, mirrored },
            {
              direct: new Set([...direct, ...fromGlobal.map((row) => row.featureId)]),
              mirrored: new Set([...flipped, ...fromGlobal.map((row) => row.featureId)]),
            },
            candidates,
            (candidate) => candidate.featureId,
            this.#verifyOptions(region),
          );
    const verifiedOf = new Map(verified.map((v) => [v.candidate.mediaId, v]));

    // Every candidate's global similarity (the better of the query as taken and flipped).
    const media = [...new Set([...candidates.map((c) => c.mediaId), ...nearMedia])].filter(
      (id) => id !== options.excludeMediaId,
    );
    const descriptors = await similarityGlobalRepository.ofMediaIds(
      db,
      media,
      gemSignal.name,
      gemSignal.pipelineVersion,
    );
    const similarityOf = new Map(
      descriptors.map((row) => [
        row.mediaId,
        Math.max(gemSignal.similarity(global[0], row.vector), gemSignal.similarity(global[1], row.vector)),
      ]),
    );
    const missing = media.filter((id) => !verifiedOf.has(id) && similarityOf.has(id));
    const pictures = new Map(
      (await similarityRepository.imagesOf(db, missing)).map((picture) => [picture.mediaId, picture]),
    );

    const hits: SimilarityHit[] = [];
    for (const mediaId of media) {
      const match = verifiedOf.get(mediaId);
      const similarity = similarityOf.get(mediaId) ?? null;
      const inliers = match?.verification.inliers ?? 0;
      const fused = fuse(inliers, similarity, this.deps);
      const picture = match?.candidate ?? pictures.get(mediaId);
      if ((!fused.accepted && !options.unconfirmed) || !picture) {
        continue;
      }
      hits.push({
        kind: region ? 'object' : 'place',
        mediaId,
        sha256: picture.sha256,
        score: fused.score,
        inliers,
        tentative: match?.verification.tentative ?? 0,
        pairs: match?.verification.pairs ?? [],
        width: picture.width,
        height: picture.height,
        globalSimilarity: similarity === null ? null : Math.round(similarity * 1000) / 1000,
        accepted: fused.accepted,
      });
    }
    for (const source of this.#extraSources) {
      hits.push(...(await source.search(image, { ...options, region })));
    }
    hits.sort(
      (a, b) =>
        Number(b.accepted) - Number(a.accepted) ||
        b.score - a.score ||
        b.inliers - a.inliers ||
        a.mediaId.localeCompare(b.mediaId),
    );
    return { probe, hits: hits.slice(0, limit) };
  }

  /** Descriptors matched within vocabulary branches; candidates below the threshold cut short. */
  #verifyOptions(region: Region | null): VerifyOptions {
    const vocabulary = this.#index.vocabulary;
    return {
      allowSecondPlane: region === null,
      search: vocabulary ? { vocabulary, ...DEFAULT_BRANCH_SEARCH } : null,
      minInliers: this.deps.minInliers,
    };
  }
}
