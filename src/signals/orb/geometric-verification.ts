import { PreparedQuery, type BranchSearch } from './descriptor-matching.js';
import type { LocalFeatures } from './orb-features.js';
import { loadOpenCv, type CvMat, type OpenCv } from './opencv-runtime.js';
import { ransacHomography } from './ransac-homography.js';

/** One inlier correspondence: a point of the query and the point of the candidate it matched. */
export interface MatchedPair {
  readonly query: readonly [number, number];
  readonly candidate: readonly [number, number];
}

export interface Verification {
  readonly model: 'homography' | 'none';
  /** Matches that passed the ratio test before the geometric check. */
  readonly tentative: number;
  readonly inliers: number;
  readonly pairs: readonly MatchedPair[];
}

export interface VerifyOptions {
  /**
   * Also fit a second homography to the matches the first left over: a room seen from another
   * position shows several planes (walls, floor), each moved by its own homography.
   */
  readonly allowSecondPlane: boolean;
  /** Match descriptors only within shared vocabulary branches; all against all when absent. */
  readonly search?: BranchSearch | null;
  /**
   * `adaptive` (default): the JavaScript RANSAC that stops as soon as it may; `opencv`: OpenCV.js's
   * findHomography, which always runs 2000 iterations on unrelated pictures (the reference).
   */
  readonly ransac?: 'adaptive' | 'opencv';
  /**
   * The caller drops results with fewer inliers: candidates that cannot reach it are cut short
   * (too few ratio-test matches, or a RANSAC that has made a large enough consensus improbable)
   * and reported with the inliers found so far, possibly 0.
   */
  readonly minInliers?: number;
}

const MIN_TENTATIVE = 8;
const MIN_SECOND_PLANE = 10;

function pointMat(cv: OpenCv, features: LocalFeatures, indexes: readonly number[]): CvMat {
  const values = new Float32Array(indexes.length * 2);
  indexes.forEach((index, k) => {
    values[k * 2] = features.points[index * 2]!;
    values[k * 2 + 1] = features.points[index * 2 + 1]!;
  });
  return cv.matFromArray(indexes.length, 1, cv.CV_32FC2, values);
}

function inlierIndexes(mask: CvMat, model: CvMat, count: number): number[] {
  if (model.rows === 0 || mask.rows !== count) {
    return [];
  }
  const kept: number[] = [];
  for (let k = 0; k < count; k += 1) {
    if (mask.data[k] !== 0) {
      kept.push(k);
    }
  }
  return kept;
}

function fit(cv: OpenCv, count: number, estimate: (mask: CvMat) => CvMat): number[] {
  const mask = new cv.Mat();
  let model: CvMat | undefined;
  try {
    model = estimate(mask);
    return inlierIndexes(mask, model, count);
  } finally {
    model?.delete();
    mask.delete();
  }
}

/**
 * Matches descriptors, then keeps the matches a geometric model explains (RANSAC homography, one
 * or two planes). OpenCV.js has no fundamental-matrix estimator, so 3D scenes are handled as planes.
 */
export function verifyPair(
  query: LocalFeatures,
  candidate: LocalFeatures,
  options: VerifyOptions,
): Promise<Verification> {
  return verifyPrepared(new PreparedQuery(query, options.search ?? null), candidate, options);
}

type PlaneFit = (
  query: LocalFeatures,
  candidate: LocalFeatures,
  matches: readonly (readonly [number, number])[],
  threshold: number,
  needed: number,
) => Promise<number[]>;

function coordinates(features: LocalFeatures, indexes: readonly number[]): Float64Array {
  const out = new Float64Array(indexes.length * 2);
  indexes.forEach((index, k) => {
    out[k * 2] = features.points[index * 2]!;
    out[k * 2 + 1] = features.points[index * 2 + 1]!;
  });
  return out;
}

const adaptiveFit: PlaneFit = (query, candidate, matches, threshold, needed) =>
  Promise.resolve(
    ransacHomography(
      coordinates(
        query,
        matches.map(([i]) => i),
      ),
      coordinates(
        candidate,
        matches.map(([, j]) => j),
      ),
      { threshold, needed },
    ),
  );

const opencvFit: PlaneFit = async (query, candidate, matches, threshold) => {
  const { cv } = await loadOpenCv();
  const source = pointMat(
    cv,
    query,
    matches.map(([i]) => i),
  );
  const target = pointMat(
    cv,
    candidate,
    matches.map(([, j]) => j),
  );
  try {
    return fit(cv, matches.length, (mask) => cv.findHomography(source, target, cv.RANSAC, threshold, mask));
  } finally {
    source.delete();
    target.delete();
  }
};

/** `verifyPair` with the query's descriptors prepared once for many candidates. */
export async function verifyPrepared(
  prepared: PreparedQuery,
  candidate: LocalFeatures,
  options: VerifyOptions,
): Promise<Verification> {
  const query = prepared.features;
  const matches = prepared.tentativeMatches(candidate);
  const minInliers = options.minInliers ?? 0;
  if (matches.length < Math.max(MIN_TENTATIVE, minInliers)) {
    return { model: 'none', tentative: matches.length, inliers: 0, pairs: [] };
  }
  const fitPlane = options.ransac === 'opencv' ? opencvFit : adaptiveFit;
  const side = Math.max(candidate.width, candidate.height);
  const threshold = Math.max(3, side * 0.008);
  let remaining = matches.map((_, k) => k);
  const kept: number[] = [];
  const planes = options.allowSecondPlane ? 2 : 1;
  for (let plane = 0; plane < planes && remaining.length >= MIN_TENTATIVE; plane += 1) {
    // The first plane alone must reach the threshold, or a second plane of at least
    // MIN_SECOND_PLANE (never larger than the first) must make up the difference.
    const needed = plane === 0 ? Math.min(minInliers, planes > 1 ? MIN_SECOND_PLANE : minInliers) : 0;
    const inliers = (
      await fitPlane(
        query,
        candidate,
        remaining.map((k) => matches[k]!),
        threshold,
        needed,
      )
    ).map((r) => remaining[r]!);
    // A second plane (another wall, the floor) counts only when it is clearly more than chance.
    if (plane > 0 && inliers.length < MIN_SECOND_PLANE) {
      break;
    }
    kept.push(...inliers);
    const taken = new Set(inliers);
    remaining = remaining.filter((k) => !taken.has(k));
    if (inliers.length === 0) {
      break;
    }
  }
  const pairs = kept.map((k) => {
    const [i, j] = matches[k]!;
    return {
      query: [round(query.points[i * 2]!), round(query.points[i * 2 + 1]!)] as const,
      candidate: [round(candidate.points[j * 2]!), round(candidate.points[j * 2 + 1]!)] as const,
    };
  });
  return {
    model: pairs.length > 0 ? 'homography' : 'none',
    tentative: matches.length,
    inliers: pairs.length,
    pairs,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
