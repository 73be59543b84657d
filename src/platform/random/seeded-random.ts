/**
 * A small reproducible generator (xorshift32) of numbers in [0, 1): training, RANSAC sampling and
 * benchmark data must give the same result on every run and machine, which Math.random cannot.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}
