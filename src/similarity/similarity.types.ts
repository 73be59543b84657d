import type { MatchedPair } from '#haven/signals/orb/geometric-verification.js';
import type { Region } from '#haven/signals/orb/orb-features.js';

/** What a result links: the same place (whole image), the same object (a region), or (later) a face. */
export type SimilarityKind = 'place' | 'object' | 'face';

export type { Region };

/** One verified match of a search, before sharing rules decide what the caller may see of it. */
export interface SimilarityHit {
  readonly kind: SimilarityKind;
  readonly mediaId: string;
  readonly sha256: Uint8Array;
  /** 0-1: global similarity and inlier evidence combined (similarity-fusion.ts); orders results. */
  readonly score: number;
  readonly inliers: number;
  /** Matches that passed the descriptor ratio test before the geometric check. */
  readonly tentative: number;
  /** Inlier correspondences: query point and matched point, both in original pixel coordinates. */
  readonly pairs: readonly MatchedPair[];
  readonly width: number;
  readonly height: number;
  /**
   * Cosine similarity of the two pictures' global descriptors (-1 to 1), when both have one: the
   * second explanation beside the matched points, and the one that counts when they are few.
   */
  readonly globalSimilarity?: number | null;
  /**
   * The match passed the acceptance threshold (enough inliers, or a high enough global
   * similarity). Results below it are returned only when asked for (`unconfirmed`), after them.
   */
  readonly accepted: boolean;
}

export interface SimilarityProbe {
  /** The query image's size (original pixels) and the region searched, if any. */
  readonly width: number;
  readonly height: number;
  readonly region: Region | null;
  readonly keypoints: number;
}

export interface SimilarityOutcome {
  readonly probe: SimilarityProbe;
  readonly hits: readonly SimilarityHit[];
}

export interface SearchOptions {
  readonly region?: Region | null;
  readonly limit?: number;
  /** Leave this medium out of the results (searching with a held image finds itself otherwise). */
  readonly excludeMediaId?: string;
  /**
   * Also return the best candidates below the acceptance threshold, ranked after the accepted
   * matches: pictures that look alike but were not confirmed, for a specialist to judge.
   */
  readonly unconfirmed?: boolean;
}

/**
 * A source of similarity results by kind. Places and objects come from local features; faces can
 * be added as another source without changing callers (they merge every source's hits by score).
 */
export interface SimilaritySource {
  readonly kinds: readonly SimilarityKind[];
  search(
    image: import('#haven/signals/signal-type.js').DecodedImage,
    options: SearchOptions,
  ): Promise<readonly SimilarityHit[]>;
}
