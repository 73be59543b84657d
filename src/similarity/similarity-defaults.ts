/**
 * Acceptance threshold and verification breadth. Chance matches between unrelated images reach
 * about 9 homography inliers on the shared test photos; 12 keeps them out.
 */
export const SIMILARITY_DEFAULTS = { minInliers: 12, verifyCandidates: 20 } as const;
