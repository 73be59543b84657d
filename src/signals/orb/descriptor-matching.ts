import { branches, type BinaryVocabulary } from './binary-vocabulary.js';
import { descriptorDistanceBelow, descriptorWords } from './descriptor-hamming.js';
import type { LocalFeatures } from './orb-features.js';

/** Lowe's ratio between the best and the second-best distance a match must beat. */
const RATIO = 0.8;
/** Of 256 bits: farther descriptors are not the same corner, however unique. */
const MAX_DISTANCE = 70;

/**
 * Where the nearest neighbours are looked for: among the candidate descriptors in the same
 * vocabulary branches as the query descriptor (`level` steps below the root, the query descriptor
 * checking its `probes` nearest branches there), or among all of them when none is given.
 */
export interface BranchSearch {
  readonly vocabulary: BinaryVocabulary;
  readonly level: number;
  readonly probes: number;
}

/** One level below the root (16 branches), two probed: about 8x fewer distances, same matches. */
export const DEFAULT_BRANCH_SEARCH = { level: 1, probes: 2 } as const;

/** Best and second-best candidate descriptor for each query descriptor (-1 when none). */
interface Nearest {
  readonly best: Int32Array;
  readonly bestDistance: Int32Array;
  readonly secondDistance: Int32Array;
}

function emptyNearest(count: number): Nearest {
  return {
    best: new Int32Array(count).fill(-1),
    bestDistance: new Int32Array(count).fill(257),
    secondDistance: new Int32Array(count).fill(257),
  };
}

function consider(nearest: Nearest, i: number, j: number, d: number): void {
  if (d < nearest.bestDistance[i]!) {
    nearest.secondDistance[i] = nearest.bestDistance[i]!;
    nearest.bestDistance[i] = d;
    nearest.best[i] = j;
  } else if (d < nearest.secondDistance[i]!) {
    nearest.secondDistance[i] = d;
  }
}

/**
 * The query's descriptors, ready to be matched against many candidates: word-aligned once, and
 * assigned to vocabulary branches once per query rather than once per candidate.
 */
export class PreparedQuery {
  readonly #words: Uint32Array;
  readonly #branches: Int32Array | null;

  constructor(
    readonly features: LocalFeatures,
    private readonly search: BranchSearch | null = null,
  ) {
    this.#words = descriptorWords(features.descriptors);
    this.#branches = search ? branches(search.vocabulary, this.#words, search.level, search.probes) : null;
  }

  /**
   * Ratio-test matches (query index, candidate index), one query point per candidate point:
   * repeated textures otherwise inflate the inliers.
   */
  tentativeMatches(candidate: LocalFeatures): [number, number][] {
    const count = Math.min(this.features.count, this.#words.length / 8);
    if (count === 0 || candidate.count === 0) {
      return [];
    }
    const other = descriptorWords(candidate.descriptors);
    const nearest = this.#branches ? this.#nearestInBranches(other, count) : this.#nearestAll(other, count);
    const bestFromCandidate = new Int32Array(candidate.count).fill(-1);
    const bestDistanceFromCandidate = new Int32Array(candidate.count).fill(257);
    const found: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const j = nearest.best[i]!;
      const d = nearest.bestDistance[i]!;
      if (j >= 0 && d <= MAX_DISTANCE && d < RATIO * nearest.secondDistance[i]!) {
        found.push(i);
        if (d < bestDistanceFromCandidate[j]!) {
          bestDistanceFromCandidate[j] = d;
          bestFromCandidate[j] = i;
        }
      }
    }
    return found.filter((i) => bestFromCandidate[nearest.best[i]!] === i).map((i) => [i, nearest.best[i]!]);
  }

  #nearestAll(other: Uint32Array, count: number): Nearest {
    const nearest = emptyNearest(count);
    const others = other.length / 8;
    for (let i = 0; i < count; i += 1) {
      for (let j = 0; j < others; j += 1) {
        consider(
          nearest,
          i,
          j,
          descriptorDistanceBelow(this.#words, i, other, j, nearest.secondDistance[i]!),
        );
      }
    }
    return nearest;
  }

  #nearestInBranches(other: Uint32Array, count: number): Nearest {
    const search = this.search!;
    const queryBranches = this.#branches!;
    const others = other.length / 8;
    const otherBranches = branches(search.vocabulary, other, search.level, 1);
    // Candidate descriptors grouped by branch: a counting sort over the branches present.
    const members = new Map<number, number[]>();
    for (let j = 0; j < others; j += 1) {
      const branch = otherBranches[j]!;
      const list = members.get(branch);
      if (list) {
        list.push(j);
      } else {
        members.set(branch, [j]);
      }
    }
    const nearest = emptyNearest(count);
    for (let i = 0; i < count; i += 1) {
      for (let p = 0; p < search.probes; p += 1) {
        const list = members.get(queryBranches[i * search.probes + p]!);
        if (!list) {
          continue;
        }
        for (const j of list) {
          consider(
            nearest,
            i,
            j,
            descriptorDistanceBelow(this.#words, i, other, j, nearest.secondDistance[i]!),
          );
        }
      }
    }
    return nearest;
  }
}
