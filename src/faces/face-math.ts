/** Scales a vector to unit length (a zero vector stays zero). */
export function normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) {
    sum += value * value;
  }
  const norm = Math.sqrt(sum);
  if (norm === 0) {
    return vector;
  }
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    out[i] = vector[i]! / norm;
  }
  return out;
}

/** Cosine similarity of two unit vectors. */
export function similarity(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let dot = 0;
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!;
  }
  return dot;
}

/** Little-endian float32 bytes, the form embeddings are stored in. */
export function embeddingToBytes(vector: Float32Array): Uint8Array {
  const out = new Uint8Array(vector.length * 4);
  const view = new DataView(out.buffer);
  vector.forEach((value, i) => {
    view.setFloat32(i * 4, value, true);
  });
  return out;
}

export function embeddingFromBytes(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < out.length; i++) {
    out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/**
 * Groups items whose pairwise similarity reaches the threshold (single linkage, union-find):
 * returns a cluster number per item, numbered in order of first appearance.
 */
export function clusterBySimilarity(vectors: readonly Float32Array[], threshold: number): number[] {
  const parent = vectors.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      if (similarity(vectors[i]!, vectors[j]!) >= threshold) {
        const a = find(i);
        const b = find(j);
        if (a !== b) {
          parent[Math.max(a, b)] = Math.min(a, b);
        }
      }
    }
  }
  const numbers = new Map<number, number>();
  return vectors.map((_, i) => {
    const root = find(i);
    if (!numbers.has(root)) {
      numbers.set(root, numbers.size + 1);
    }
    return numbers.get(root)!;
  });
}
