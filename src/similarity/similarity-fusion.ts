/**
 * How verified inliers and global similarity become one score and one accept/reject decision.
 * Both routes map onto the same 0-1 scale, meeting at the acceptance point: a match with exactly
 * `minInliers` inliers scores as much as one with exactly `minGlobalSimilarity`, so "accepted" is
 * one line on the score whichever route got there, and results of both kinds sort together.
 */
export interface FusionThresholds {
  readonly minInliers: number;
  readonly minGlobalSimilarity: number;
}

/** 0-1, grows with the inlier count (inliers / (inliers + 20)). */
export function inlierScore(inliers: number): number {
  return inliers / (inliers + 20);
}

/** 0-1: linear in the similarity, equal to the inlier score at both acceptance thresholds. */
export function globalScore(similarity: number, thresholds: FusionThresholds): number {
  const atThreshold = inlierScore(thresholds.minInliers);
  const t = thresholds.minGlobalSimilarity;
  if (similarity >= t) {
    return atThreshold + ((1 - atThreshold) * (similarity - t)) / (1 - t);
  }
  return Math.max(0, (atThreshold * similarity) / t);
}

export interface FusedMatch {
  readonly score: number;
  readonly accepted: boolean;
}

/** The fused score (the stronger of the two routes) and whether either route accepts the match. */
export function fuse(inliers: number, similarity: number | null, thresholds: FusionThresholds): FusedMatch {
  const byInliers = inlierScore(inliers);
  const byGlobal = similarity === null ? 0 : globalScore(similarity, thresholds);
  return {
    score: Math.round(Math.max(byInliers, byGlobal) * 1000) / 1000,
    accepted:
      inliers >= thresholds.minInliers ||
      (similarity !== null && similarity >= thresholds.minGlobalSimilarity),
  };
}
