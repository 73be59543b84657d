/**
 * Generalised-mean (GeM) pooling of a feature map: per channel (mean of x^p)^(1/p) over every
 * position, so strong local activations (a window, a pattern) weigh more than in plain averaging
 * while the whole picture still counts. Values are clamped at a small positive floor first (GeM
 * is defined on non-negative activations).
 */
export function gemPool(map: Float32Array, positions: number, channels: number, p: number): Float32Array {
  const sums = new Float64Array(channels);
  for (let at = 0; at < positions; at += 1) {
    const row = at * channels;
    for (let c = 0; c < channels; c += 1) {
      const value = Math.max(map[row + c]!, 1e-6);
      sums[c]! += p === 3 ? value * value * value : Math.pow(value, p);
    }
  }
  const pooled = new Float32Array(channels);
  for (let c = 0; c < channels; c += 1) {
    pooled[c] = Math.pow(sums[c]! / positions, 1 / p);
  }
  return pooled;
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) {
    sum += value * value;
  }
  const norm = Math.sqrt(sum);
  if (norm > 0) {
    for (let i = 0; i < vector.length; i += 1) {
      vector[i]! /= norm;
    }
  }
  return vector;
}

/** Dot product of two vectors of equal length (cosine similarity for unit vectors). */
export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) {
    sum += a[i]! * b[bOffset + i]!;
  }
  return sum;
}
