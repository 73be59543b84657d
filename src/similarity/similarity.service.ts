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
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { SimilarityIndex } from './similarity-index.js';
import { similarityRepository } from './similarity.repository.js';
import { enqueueFeatureExtraction, similarityJobKey } from './similarity-queue.js';
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

function score(inliers: number): number {
  return Math.round((inliers / (inliers + 20)) * 1000) / 1000;
}

/**
 * Place and object search over everything held: features come from decrypted originals in memory
 * (never written to disk), candidates from the inverted file, ranking from geometric verification.
 */
export class SimilarityService {
  readonly #index: SimilarityIndex;
  readonly #extraSources: SimilaritySource[] = [];

  constructor(private readonly deps: SimilarityDeps) {
    this.#index = new SimilarityIndex(deps.indexFile, deps.log);
  }

  /** Adds another source of results (e.g. faces); its hits are merged with places and objects. */
  addSource(source: SimilaritySource): void {
    this.#extraSources.push(source);
  }

  /** Enqueues an extraction job for every held still image without current features. */
  async enqueueMissing(limit = 100_000): Promise<string[]> {
    const pending = await similarityRepository.pendingImages(
      this.deps.db,
      orbSignal.name,
      orbSignal.pipelineVersion,
      limit,
    );
    const keys: string[] = [];
    await this.deps.db.transaction(async (tx) => {
      for (const image of pending) {
        await enqueueFeatureExtraction(tx, image.mediaId);
        keys.push(similarityJobKey(image.mediaId));
      }
    });
    return keys;
  }

  /** The job's work: extracts and stores one medium's features; does nothing when they are current. */
  async extract(mediaId: string): Promise<void> {
    const { db } = this.deps;
    const existing = await similarityRepository.featuresOfMedia(
      db,
      mediaId,
      orbSignal.name,
      orbSignal.pipelineVersion,
    );
    if (existing) {
      return;
    }
    const image = await similarityRepository.image(db, mediaId);
    if (!image) {
      return;
    }
    try {
      const bytes = await this.deps.originals.readAll(image.sha256);
      const decoded = await this.#decode(bytes, image.mime);
      const features = await orbSignal.extract(decoded);
      await similarityRepository.saveFeatures(
        db,
        mediaId,
        orbSignal.name,
        orbSignal.pipelineVersion,
        features,
      );
    } catch (error) {
      if (!(error instanceof HavenError) || error.code !== 'IMAGE_UNDECODABLE') {
        throw error;
      }
      await similarityRepository.saveError(
        db,
        mediaId,
        orbSignal.name,
        orbSignal.pipelineVersion,
        error.message,
      );
    }
  }

  /** Brings the index up to date (new feature rows, vocabulary when due) and saves its snapshot. */
  async refreshIndex(): Promise<void> {
    await this.#index.refresh(this.deps.db);
    await this.#index.save();
  }

  async saveIndex(): Promise<void> {
    await this.#index.save();
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
    return this.#search(decoded, { ...options, excludeMediaId: mediaId }, stored);
  }

  async #decode(bytes: Uint8Array, mime: string): Promise<DecodedImage> {
    return (await decodeForHashing(bytes, mime, { maxPixels: this.deps.maxPixels })).image;
  }

  async #search(
    image: DecodedImage,
    options: SearchOptions,
    known?: LocalFeatures,
  ): Promise<SimilarityOutcome> {
    const region = options.region ? checkRegion(options.region, image.width, image.height) : null;
    const limit = options.limit ?? DEFAULT_LIMIT;
    await this.refreshIndex();
    const features =
      known && known.width === image.width && known.height === image.height
        ? known
        : await orbSignal.extract(image, region);
    const probe = { width: image.width, height: image.height, region, keypoints: features.count };
    if (features.count === 0) {
      return { probe, hits: [] };
    }
    const mirrored = await orbSignal.extract(image, region, true);
    const breadth = Math.max(this.deps.verifyCandidates, limit) + 1;
    const direct = this.#index.candidates(features, breadth).map((c) => c.id);
    const flipped = this.#index.candidates(mirrored, mirroredBreadth(breadth)).map((c) => c.id);
    const stored = await similarityRepository.featuresByIds(this.deps.db, [
      ...new Set([...direct, ...flipped]),
    ]);
    const verified = await verifyCandidates(
      { direct: features, mirrored },
      { direct: new Set(direct), mirrored: new Set(flipped) },
      stored.filter((candidate) => candidate.mediaId !== options.excludeMediaId),
      (candidate) => candidate.featureId,
      this.#verifyOptions(region),
    );
    const hits: SimilarityHit[] = [];
    for (const { candidate, verification } of verified) {
      if (verification.inliers < this.deps.minInliers) {
        continue;
      }
      hits.push({
        kind: region ? 'object' : 'place',
        mediaId: candidate.mediaId,
        sha256: candidate.sha256,
        score: score(verification.inliers),
        inliers: verification.inliers,
        tentative: verification.tentative,
        pairs: verification.pairs,
        width: candidate.width,
        height: candidate.height,
      });
    }
    for (const source of this.#extraSources) {
      hits.push(...(await source.search(image, { ...options, region })));
    }
    hits.sort((a, b) => b.score - a.score || b.inliers - a.inliers || a.mediaId.localeCompare(b.mediaId));
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
