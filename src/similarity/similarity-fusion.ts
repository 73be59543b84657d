/**
 * How verified inliers and global similarity become one score and one accept/reject decision.
 *
 * Acceptance needs one strong route: enough inliers for a homography, or a global similarity so
 * high that unrelated pictures never reach it. Ranking uses both at once: on the shared test
 * groups, adding the inlier evidence to the global similarity ranked another view of the place
 * first more often than the stronger route alone (bench:similarity prints both rankings), because
 * a room seen from elsewhere often has a few consistent keypoints AND a close overall look, while
 * an unrelated picture rarely has both. Accepted matches are listed before the rest whatever their
 * score; the score orders within each part.
 */
export interface FusionThresholds {
  readonly minInliers: number;
  readonly minGlobalSimilarity: number;
}

/**
 * Raw GeM cosine similarities of photographs lie between about 0.9 (unrelated) and 1 (the same
 * view); the global evidence is that range stretched to 0-1.
 */
const GLOBAL_FLOOR = 0.9;
/** Evidence of one inlier, on the stretched global scale (0.004 of raw similarity). */
const PER_INLIER = 0.04;
/** Inliers beyond this add nothing: the match is certain, the global look then orders it. */
const INLIER_CAP = 40;
const MAX_EVIDENCE = 1 + PER_INLIER * INLIER_CAP;

export interface FusedMatch {
  /** 0-1: global evidence plus inlier evidence, scaled; orders results within accepted and not. */
  readonly score: number;
  readonly accepted: boolean;
}

/** The fused score and whether either route accepts the match. */
export function fuse(inliers: number, similarity: number | null, thresholds: FusionThresholds): FusedMatch {
  const global =
    similarity === null ? 0 : Math.min(1, Math.max(0, (similarity - GLOBAL_FLOOR) / (1 - GLOBAL_FLOOR)));
  const local = PER_INLIER * Math.min(Math.max(0, inliers), INLIER_CAP);
  return {
    score: Math.round(((global + local) / MAX_EVIDENCE) * 1000) / 1000,
    accepted:
      inliers >= thresholds.minInliers ||
      (similarity !== null && similarity >= thresholds.minGlobalSimilarity),
  };
}
