/**
 * RANSAC homography in plain JavaScript. OpenCV.js's findHomography spends its full 2000
 * iterations (about 150 ms in WebAssembly) on every unrelated candidate; this one stops as soon as
 * the adaptive bound is met, and a caller that drops weak matches anyway can also stop it once a
 * model with enough inliers has become improbable.
 */

import { seededRandom } from '#haven/platform/random/seeded-random.js';

export interface RansacOptions {
  /** Reprojection error in target pixels under which a correspondence agrees with a model. */
  readonly threshold: number;
  readonly maxIterations: number;
  /** Probability of having drawn at least one all-inlier sample when stopping. */
  readonly confidence: number;
  /**
   * Stop once a model with this many inliers would have been found with `confidence`, if none
   * was: the caller discards smaller consensus sets. 0 searches for the best model regardless.
   */
  readonly needed: number;
  readonly seed: number;
}

export const RANSAC_DEFAULTS: Omit<RansacOptions, 'threshold'> = {
  maxIterations: 2000,
  confidence: 0.995,
  needed: 0,
  seed: 1,
};

/** Indexes (into the given correspondences) that the best homography explains; empty if none. */
export function ransacHomography(
  source: Float64Array,
  target: Float64Array,
  options: Pick<RansacOptions, 'threshold'> & Partial<RansacOptions>,
): number[] {
  const settings = { ...RANSAC_DEFAULTS, ...options };
  const n = source.length / 2;
  if (n < 4) {
    return [];
  }
  const src = normalise(source);
  const dst = normalise(target);
  const limit = (settings.threshold * dst.scale) ** 2;
  const next = seededRandom(settings.seed);
  const h = new Float64Array(8);
  const best = new Float64Array(8);
  const sample = new Int32Array(4);
  let bestCount = 0;
  let iterations = settings.maxIterations;
  if (settings.needed > 0) {
    iterations = Math.min(iterations, iterationsFor(settings.needed / n, settings.confidence));
  }
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    if (!drawSample(next, n, sample, src.points, dst.points)) {
      continue;
    }
    if (!solveFour(src.points, dst.points, sample, h)) {
      continue;
    }
    const count = countInliers(h, src.points, dst.points, limit, bestCount);
    if (count > bestCount) {
      bestCount = count;
      best.set(h);
      iterations = Math.min(iterations, iterationsFor(count / n, settings.confidence));
    }
  }
  if (bestCount < 4) {
    return [];
  }
  let inliers = collect(best, src.points, dst.points, limit);
  // One least-squares refit on the consensus set: a sample of four is noisy, all inliers are not.
  if (solveLeastSquares(src.points, dst.points, inliers, h)) {
    const refined = collect(h, src.points, dst.points, limit);
    if (refined.length >= inliers.length) {
      inliers = refined;
    }
  }
  return inliers;
}

/** Iterations after which a sample of four inliers has been drawn with `confidence`. */
function iterationsFor(inlierRatio: number, confidence: number): number {
  const good = inlierRatio ** 4;
  if (good >= 1) {
    return 1;
  }
  if (good <= 0) {
    return Number.MAX_SAFE_INTEGER;
  }
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - good));
}

/** Centred and scaled so the mean distance from the origin is sqrt(2) (conditions the solve). */
function normalise(points: Float64Array): { points: Float64Array; scale: number } {
  const n = points.length / 2;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i += 1) {
    cx += points[i * 2]!;
    cy += points[i * 2 + 1]!;
  }
  cx /= n;
  cy /= n;
  let spread = 0;
  for (let i = 0; i < n; i += 1) {
    spread += Math.hypot(points[i * 2]! - cx, points[i * 2 + 1]! - cy);
  }
  const scale = spread > 0 ? (Math.SQRT2 * n) / spread : 1;
  const out = new Float64Array(points.length);
  for (let i = 0; i < n; i += 1) {
    out[i * 2] = (points[i * 2]! - cx) * scale;
    out[i * 2 + 1] = (points[i * 2 + 1]! - cy) * scale;
  }
  return { points: out, scale };
}

/** Whether `pick` is among the first `k` entries of the sample (no subarray: this runs per draw). */
function drawnBefore(sample: Int32Array, k: number, pick: number): boolean {
  for (let m = 0; m < k; m += 1) {
    if (sample[m] === pick) {
      return true;
    }
  }
  return false;
}

/** Twice the signed area of the triangle a, b, c. */
function orientation(p: Float64Array, a: number, b: number, c: number): number {
  return (
    (p[b * 2]! - p[a * 2]!) * (p[c * 2 + 1]! - p[a * 2 + 1]!) -
    (p[b * 2 + 1]! - p[a * 2 + 1]!) * (p[c * 2]! - p[a * 2]!)
  );
}

const TRIPLES = [
  [0, 1, 2],
  [1, 2, 3],
  [0, 2, 3],
  [0, 1, 3],
] as const;

/**
 * Four distinct correspondences in general position whose triangles all keep, or all flip, their
 * orientation (a homography between two views of a plane cannot flip one triangle and not another).
 */
function drawSample(
  next: () => number,
  n: number,
  sample: Int32Array,
  src: Float64Array,
  dst: Float64Array,
): boolean {
  for (let k = 0; k < 4; k += 1) {
    let pick = Math.floor(next() * n);
    for (let tries = 0; tries < 8 && drawnBefore(sample, k, pick); tries += 1) {
      pick = Math.floor(next() * n);
    }
    if (drawnBefore(sample, k, pick)) {
      return false;
    }
    sample[k] = pick;
  }
  let kept = 0;
  for (const [a, b, c] of TRIPLES) {
    const s = orientation(src, sample[a]!, sample[b]!, sample[c]!);
    const d = orientation(dst, sample[a]!, sample[b]!, sample[c]!);
    if (Math.abs(s) < 1e-6 || Math.abs(d) < 1e-6) {
      return false;
    }
    kept += s * d > 0 ? 1 : 0;
  }
  // All four triangles keep their orientation, or all four flip (a mirrored view): not a mix.
  return kept === 0 || kept === 4;
}

/** Solves the 8x8 system a x = b in place by Gaussian elimination with partial pivoting. */
function solve8(a: Float64Array, b: Float64Array, x: Float64Array): boolean {
  for (let col = 0; col < 8; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < 8; row += 1) {
      if (Math.abs(a[row * 8 + col]!) > Math.abs(a[pivot * 8 + col]!)) {
        pivot = row;
      }
    }
    if (Math.abs(a[pivot * 8 + col]!) < 1e-12) {
      return false;
    }
    if (pivot !== col) {
      for (let k = 0; k < 8; k += 1) {
        const t = a[col * 8 + k]!;
        a[col * 8 + k] = a[pivot * 8 + k]!;
        a[pivot * 8 + k] = t;
      }
      const t = b[col]!;
      b[col] = b[pivot]!;
      b[pivot] = t;
    }
    for (let row = col + 1; row < 8; row += 1) {
      const f = a[row * 8 + col]! / a[col * 8 + col]!;
      if (f === 0) {
        continue;
      }
      for (let k = col; k < 8; k += 1) {
        a[row * 8 + k]! -= f * a[col * 8 + k]!;
      }
      b[row]! -= f * b[col]!;
    }
  }
  for (let row = 7; row >= 0; row -= 1) {
    let sum = b[row]!;
    for (let k = row + 1; k < 8; k += 1) {
      sum -= a[row * 8 + k]! * x[k]!;
    }
    x[row] = sum / a[row * 8 + row]!;
  }
  return x.every((v) => Number.isFinite(v));
}

const system = new Float64Array(64);
const rhs = new Float64Array(8);

/** Writes the two DLT rows of one correspondence (h33 fixed to 1) at rows r and r + 1. */
function setRows(
  x: number,
  y: number,
  u: number,
  v: number,
  r: number,
  a: Float64Array,
  b: Float64Array,
): void {
  a.set([x, y, 1, 0, 0, 0, -u * x, -u * y], r * 8);
  a.set([0, 0, 0, x, y, 1, -v * x, -v * y], r * 8 + 8);
  b[r] = u;
  b[r + 1] = v;
}

function solveFour(src: Float64Array, dst: Float64Array, sample: Int32Array, h: Float64Array): boolean {
  for (let k = 0; k < 4; k += 1) {
    const i = sample[k]!;
    setRows(src[i * 2]!, src[i * 2 + 1]!, dst[i * 2]!, dst[i * 2 + 1]!, k * 2, system, rhs);
  }
  return solve8(system, rhs, h);
}

const pair = new Float64Array(16);
const pairRhs = new Float64Array(2);

/** Least squares over many correspondences through the normal equations. */
function solveLeastSquares(
  src: Float64Array,
  dst: Float64Array,
  indexes: readonly number[],
  h: Float64Array,
): boolean {
  if (indexes.length < 4) {
    return false;
  }
  system.fill(0);
  rhs.fill(0);
  for (const i of indexes) {
    setRows(src[i * 2]!, src[i * 2 + 1]!, dst[i * 2]!, dst[i * 2 + 1]!, 0, pair, pairRhs);
    for (let r = 0; r < 2; r += 1) {
      for (let p = 0; p < 8; p += 1) {
        const rp = pair[r * 8 + p]!;
        rhs[p]! += rp * pairRhs[r]!;
        for (let q = 0; q < 8; q += 1) {
          system[p * 8 + q]! += rp * pair[r * 8 + q]!;
        }
      }
    }
  }
  return solve8(system, rhs, h);
}

function squaredError(h: Float64Array, src: Float64Array, dst: Float64Array, i: number): number {
  const x = src[i * 2]!;
  const y = src[i * 2 + 1]!;
  const w = h[6]! * x + h[7]! * y + 1;
  if (Math.abs(w) < 1e-12) {
    return Infinity;
  }
  const du = (h[0]! * x + h[1]! * y + h[2]!) / w - dst[i * 2]!;
  const dv = (h[3]! * x + h[4]! * y + h[5]!) / w - dst[i * 2 + 1]!;
  return du * du + dv * dv;
}

/** Inliers of `h`, giving up once it can no longer beat `toBeat`. */
function countInliers(
  h: Float64Array,
  src: Float64Array,
  dst: Float64Array,
  limit: number,
  toBeat: number,
): number {
  const n = src.length / 2;
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    if (squaredError(h, src, dst, i) <= limit) {
      count += 1;
    } else if (count + (n - i - 1) <= toBeat) {
      return count;
    }
  }
  return count;
}

function collect(h: Float64Array, src: Float64Array, dst: Float64Array, limit: number): number[] {
  const kept: number[] = [];
  for (let i = 0; i < src.length / 2; i += 1) {
    if (squaredError(h, src, dst, i) <= limit) {
      kept.push(i);
    }
  }
  return kept;
}
