import { descriptorDistance, descriptorWords } from './descriptor-hamming.js';
import type { LocalFeatures } from './orb-features.js';
import { loadOpenCv, type CvMat, type OpenCv } from './opencv-runtime.js';

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
}

const RATIO = 0.8;
const MAX_DISTANCE = 70;
const MIN_TENTATIVE = 8;
const MIN_SECOND_PLANE = 10;

/** Ratio-test matches from the query's descriptors to the candidate's (best vs second best). */
function tentativeMatches(query: LocalFeatures, candidate: LocalFeatures): [number, number][] {
  const a = descriptorWords(query.descriptors);
  const b = descriptorWords(candidate.descriptors);
  const bestFromCandidate = new Int32Array(candidate.count).fill(-1);
  const bestDistanceFromCandidate = new Int32Array(candidate.count).fill(257);
  const found: [number, number, number][] = [];
  for (let i = 0; i < query.count; i += 1) {
    let best = -1;
    let bestDistance = 257;
    let second = 257;
    for (let j = 0; j < candidate.count; j += 1) {
      const d = descriptorDistance(a, i, b, j);
      if (d < bestDistance) {
        second = bestDistance;
        bestDistance = d;
        best = j;
      } else if (d < second) {
        second = d;
      }
    }
    if (best >= 0 && bestDistance <= MAX_DISTANCE && bestDistance < RATIO * second) {
      found.push([i, best, bestDistance]);
      if (bestDistance < bestDistanceFromCandidate[best]!) {
        bestDistanceFromCandidate[best] = bestDistance;
        bestFromCandidate[best] = i;
      }
    }
  }
  // One candidate point explains one query point: repeated textures otherwise inflate inliers.
  return found.filter(([i, j]) => bestFromCandidate[j] === i).map(([i, j]) => [i, j]);
}

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
export async function verifyPair(
  query: LocalFeatures,
  candidate: LocalFeatures,
  options: VerifyOptions,
): Promise<Verification> {
  const matches = tentativeMatches(query, candidate);
  if (matches.length < MIN_TENTATIVE) {
    return { model: 'none', tentative: matches.length, inliers: 0, pairs: [] };
  }
  const { cv } = await loadOpenCv();
  const side = Math.max(candidate.width, candidate.height);
  const threshold = Math.max(3, side * 0.008);
  let remaining = matches.map((_, k) => k);
  const kept: number[] = [];
  const planes = options.allowSecondPlane ? 2 : 1;
  for (let plane = 0; plane < planes && remaining.length >= MIN_TENTATIVE; plane += 1) {
    const source = pointMat(
      cv,
      query,
      remaining.map((k) => matches[k]![0]),
    );
    const target = pointMat(
      cv,
      candidate,
      remaining.map((k) => matches[k]![1]),
    );
    try {
      const inliers = fit(cv, remaining.length, (mask) =>
        cv.findHomography(source, target, cv.RANSAC, threshold, mask),
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
    } finally {
      source.delete();
      target.delete();
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
